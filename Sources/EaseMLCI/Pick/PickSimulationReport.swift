import EaseMLCore
import EaseMLEngines
import Foundation

/// `easeml-ci pick simulate`: the paper's protocol (`ModelPickerSimulation`) on a labeled pool, with
/// both baselines, and optionally the certified stopping rule (`ModelPickerStoppingSimulation`).
public struct PickSimulationReport: Sendable, Codable {
    /// What to simulate.
    public struct Request: Sendable {
        public var labelsPath: String
        public var modelPaths: [String]
        public var realizations: Int
        /// Items per realization (default: 1,000, or the pool if smaller).
        public var streamLength: Int?
        /// Budgets as `B:γ` (default: the paper's EmoContext γ(B), B = 30 … 170).
        public var budgets: [String]
        /// Label counts at which ModelPicker stops (`--stop-at B`): these become the rows, each with
        /// the γ of a `B:γ` in `budgets`, else the paper's γ(B).
        public var stopAt: [Int]
        public var seed: UInt64
        /// When set, also simulate the stopping rule with this ε, δ and label budget.
        public var epsilon: Double?
        public var delta: Double
        public var labelBudget: Int?

        public init(
            labelsPath: String, modelPaths: [String], realizations: Int = 1000, streamLength: Int? = nil, budgets: [String] = [],
            stopAt: [Int] = [], seed: UInt64 = 1, epsilon: Double? = nil, delta: Double = 0.05, labelBudget: Int? = nil
        ) {
            self.stopAt = stopAt
            self.labelsPath = labelsPath
            self.modelPaths = modelPaths
            self.realizations = realizations
            self.streamLength = streamLength
            self.budgets = budgets
            self.seed = seed
            self.epsilon = epsilon
            self.delta = delta
            self.labelBudget = labelBudget
        }
    }

    public var models: [String]
    /// Each model's errors on the whole pool.
    public var errors: [Int]
    public var poolSize: Int
    public var disagreementItems: Int
    public var simulation: ModelPickerSimulationReport
    public var stoppingRule: ModelPickerStoppingSimulation.Report?
    /// Wall-clock seconds of the simulations.
    public var seconds: Double

    /// Reads the files and runs the simulations.
    public static func make(_ request: Request) throws(EaseMLCIError) -> PickSimulationReport {
        let data = try ModelSelectionData.load(labelsPath: request.labelsPath, modelPaths: request.modelPaths)
        let budgets = try rows(request)
        guard request.realizations >= 1 else { throw .invalidOption(option: "--realizations", message: "must be at least 1") }
        let length = request.streamLength ?? min(1000, data.pool.itemCount)
        let start = ContinuousClock.now
        do {
            let simulation = try ModelPickerSimulation(
                pool: data.pool, streamLength: length, budgets: budgets, realizations: request.realizations, seed: request.seed)
            let report = simulation.run()
            var stopping: ModelPickerStoppingSimulation.Report?
            if let epsilon = request.epsilon {
                let rule = try ModelPickerStoppingRule(epsilon: epsilon, delta: request.delta)
                stopping = try ModelPickerStoppingSimulation(
                    pool: data.pool, rule: rule, streamLength: length, labelBudget: request.labelBudget ?? length,
                    realizations: request.realizations, seed: request.seed).run()
            }
            let elapsed = ContinuousClock.now - start
            return PickSimulationReport(
                models: data.models, errors: data.pool.errorCounts, poolSize: data.pool.itemCount,
                disagreementItems: data.pool.disagreementCount, simulation: report, stoppingRule: stopping,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        } catch {
            throw .modelSelection(error)
        }
    }

    /// The rows: `--budget`s (default: the paper's), or with `--stop-at`, one stopping row per B.
    static func rows(_ request: Request) throws(EaseMLCIError) -> [ModelPickerBudget] {
        let given = try request.budgets.map(parseBudget)
        guard !request.stopAt.isEmpty else { return given.isEmpty ? ModelPickerBudget.emoContextPaper : given }
        return try request.stopAt.map { (labels) throws(EaseMLCIError) -> ModelPickerBudget in
            guard labels >= 1 else { throw .invalidOption(option: "--stop-at", message: "must be at least 1 label, got \(labels)") }
            guard let gamma = (given + ModelPickerBudget.emoContextPaper).first(where: { $0.labels == labels })?.gamma else {
                let known = ModelPickerBudget.emoContextPaper.map { String($0.labels) }.joined(separator: ", ")
                throw .invalidOption(
                    option: "--stop-at", message: "no γ(B) is known for B = \(labels) (the paper's are for \(known)); give it with --budget \(labels):γ")
            }
            return ModelPickerBudget(labels: labels, gamma: gamma, stopsAtLabels: true)
        }
    }

    /// `B:γ` → a budget.
    static func parseBudget(_ text: String) throws(EaseMLCIError) -> ModelPickerBudget {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let labels = Int(parts[0]), labels >= 0, let gamma = Double(parts[1]), gamma.isFinite, gamma >= 0 else {
            throw .invalidOption(option: "--budget", message: "expected LABELS:GAMMA such as 30:1.07, got `\(text)`")
        }
        return ModelPickerBudget(labels: labels, gamma: gamma)
    }

    /// The human-readable table.
    public func text() -> String {
        var lines: [String] = []
        lines.append("Pool: \(IntegerText.grouped(poolSize)) items, \(models.count) models, \(IntegerText.grouped(disagreementItems)) items where they disagree.")
        lines.append("Errors: " + zip(models, errors).map { "\($0) \($1)" }.joined(separator: ", "))
        lines.append("Protocol: \(IntegerText.grouped(simulation.realizations)) realizations of \(IntegerText.grouped(simulation.streamLength)) items drawn without replacement in random order (seed \(simulation.seed)); the truth is the best model on each; ties share credit.")
        lines.append("")
        var table = TextTable(header: ["budget B", "γ(B)", "ModelPicker", "labels", "disagreement sampling", "uniform sampling"])
        for row in simulation.rows {
            func cell(_ method: ModelSelectionMethod) -> String {
                guard let outcome = row.outcome(method) else { return "-" }
                return String(format: "%.3f ± %.3f", outcome.identificationProbability, 1.96 * outcome.standardError)
            }
            let labels = row.outcome(.modelPicker).map { String(format: "%.1f", $0.meanLabels) } ?? "-"
            table.rows.append([
                String(row.budget.labels) + (row.budget.stopsAtLabels ? " (stop)" : ""), compact(row.budget.gamma), cell(.modelPicker), labels,
                cell(.disagreementSampling), cell(.uniformSampling),
            ])
        }
        lines.append(table.render())
        lines.append("Identification probability ± 95 % Monte-Carlo half-width; `labels` is ModelPicker's mean labels used.")
        if simulation.rows.contains(where: \.budget.stopsAtLabels) {
            lines.append("(stop): ModelPicker stops after B labels and answers then, the protocol of the paper's figures; the baselines label B items.")
        } else {
            lines.append("ModelPicker runs over the whole stream with γ(B), using about B labels (its answer at the stream's end); --stop-at B stops it after B labels.")
        }
        if let rule = stoppingRule {
            lines.append("")
            lines.append("Certified stopping rule (ε = \(compact(rule.epsilon)), δ = \(compact(rule.delta)), label budget \(rule.labelBudget)):")
            lines.append(String(format: "  certified %.1f %%, exact %.1f %%, budget reached %.1f %%; wrong by more than ε: %.2f %% (promise ≤ %.2f %%)",
                                100 * rule.certifiedRate, 100 * rule.exactRate, 100 * rule.budgetRate, 100 * rule.errorRate, 100 * rule.delta))
            lines.append(String(format: "  labels: mean %.1f, median %.0f and 90th percentile %.0f when stopped (of %.1f disagreement items)",
                                rule.meanLabels, rule.medianLabelsWhenStopped, rule.p90LabelsWhenStopped, rule.meanDisagreements))
        }
        lines.append(String(format: "Time: %.2f s", seconds))
        return lines.joined(separator: "\n")
    }
}
