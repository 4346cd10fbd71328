import EaseMLEngines
import Foundation

/// `easeml-ci improve simulate`: the improvement loop on a complete labelled CSV with an oracle
/// answering (`ImprovementScenario` for the split and the removed cells, `ImprovementSimulation`
/// for the runs), comparing the bandit with cleaning only and acquisition only at equal effort.
public struct ImproveSimulationReport: Sendable, Codable {
    /// One policy's curve and its summary.
    public struct Run: Sendable, Codable {
        public var policy: ImprovementSimulation.Policy
        public var curve: [ImprovementSimulation.Point]
        /// The ceiling once the bandit's total effort is spent (a curve that stopped early keeps its last value).
        public var finalCeiling: Double
        /// The mean ceiling over the effort grid of one batch's effort (the area under the curve over its width).
        public var meanCeiling: Double
    }

    public var data: String
    public var seed: UInt64
    public var labelledRows: Int
    public var poolRows: Int
    public var validationRows: Int
    public var dirtyRows: Int
    public var missingCells: Int
    public var runs: [Run]

    /// Runs the three policies on `data` (labels in the last column or `labelsColumn`).
    public static func make(
        data: String, labelsColumn: String?, k: Int, batch: Int, rounds: Int, missingRows: Double, missingCells: Double, cleanCost: Double,
        labelCost: Double, exploration: Double, seed: UInt64
    ) throws(EaseMLCIError) -> ImproveSimulationReport {
        guard k >= 1, batch >= 1, rounds >= 1 else { throw .invalidOption(option: "-k/--batch/--rounds", message: "must be at least 1") }
        guard (0...1).contains(missingRows), (0...1).contains(missingCells) else {
            throw .invalidOption(option: "--missing-rows/--missing-cells", message: "fractions must be in [0, 1]")
        }
        guard cleanCost > 0, labelCost > 0, exploration >= 0 else { throw .invalidOption(option: "--clean-cost/--label-cost", message: "costs must be positive") }
        let table: LabeledMatrix
        do {
            table = try CSVMatrixReader.readLabeled(try CleaningInputs.text(data), file: data, labels: labelsColumn.map { .named($0) } ?? .last)
        } catch {
            throw .wrapping(error) { .improvement(message: "\($0)") }
        }
        let scenario: ImprovementScenario
        do {
            scenario = try ImprovementScenario.make(
                features: (0..<table.features.rows).map(table.features.row), labels: table.labels, classCount: table.classCount,
                missingRows: missingRows, missingCells: missingCells, k: k, seed: seed)
        } catch {
            throw .improvement(message: error.description)
        }
        let curves = ImprovementSimulation.Policy.allCases.map { policy in
            (policy, ImprovementSimulation.run(
                scenario, policy: policy, rounds: rounds, batch: batch, cleanCost: cleanCost, labelCost: labelCost, exploration: exploration))
        }
        let budget = curves[0].1.last!.effort
        let step = Double(batch) * min(cleanCost, labelCost)
        return ImproveSimulationReport(
            data: data, seed: seed, labelledRows: scenario.trueRows.count, poolRows: scenario.poolLabels.count,
            validationRows: scenario.loop.validation.count, dirtyRows: scenario.loop.dirtyRows.count, missingCells: scenario.missingCells,
            runs: curves.map { policy, curve in
                Run(policy: policy, curve: curve, finalCeiling: ImprovementSimulation.ceiling(of: curve, atEffort: budget),
                    meanCeiling: ImprovementSimulation.meanCeiling(of: curve, step: step, maxEffort: budget))
            })
    }

    public func text() -> String {
        var out = "Simulated improvement on \(data) (seed \(seed)): \(labelledRows) labelled training rows (\(dirtyRows) with \(missingCells) missing cells), \(poolRows) pool rows, \(validationRows) validation rows.\n"
        var table = TextTable(header: ["policy", "rounds", "effort", "start", "final ceiling", "mean ceiling"], leftColumns: 1)
        let budget = runs[0].curve.last!.effort
        for run in runs {
            table.rows.append([
                run.policy.rawValue, "\(run.curve.count - 1)", ImproveReport.number(min(run.curve.last!.effort, budget)),
                String(format: "%.4f", run.curve[0].ceiling), String(format: "%.4f", run.finalCeiling), String(format: "%.4f", run.meanCeiling),
            ])
        }
        out += table.render() + "\n"
        out += "Final and mean ceilings at the bandit's effort (\(ImproveReport.number(budget))); a policy that ran out of rows keeps its last ceiling.\n"
        out += "\nBandit curve:\n" + ImproveReport.curveTable(runs[0].curve) + "\n"
        return out
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    public func plot() -> String {
        ImprovementPlot(title: "Improvement loop, simulated on \((data as NSString).lastPathComponent)", curves: runs.map { ($0.policy.rawValue, $0.curve) }).svg()
    }
}
