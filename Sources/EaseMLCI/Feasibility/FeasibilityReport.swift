import EaseMLCore
import EaseMLEngines
import Foundation

/// `easeml-ci feasibility`: per representation, the 1-NN error, the Cover–Hart bound on the Bayes
/// error, the accuracy ceiling, and the verdict against the target accuracy.
public struct FeasibilityReport: Sendable, Codable {
    /// What to study.
    public struct Request: Sendable {
        /// One feature file per representation (`.csv` with a labels column, or `.npy` with `labelsPath`).
        public var dataPaths: [String]
        /// The labels column of CSV files.
        public var labelsColumn: String
        /// Labels for `.npy` feature files (`.npy` vector, or CSV with `labelsColumn`).
        public var labelsPath: String?
        public var metric: DistanceMetric
        /// The target accuracy, or nil for estimates only.
        public var target: Double?
        /// Where the target came from, e.g. the condition's text.
        public var targetSource: String?
        public var seed: UInt64
        public var leaveOneOutLimit: Int

        public init(
            dataPaths: [String], labelsColumn: String = "label", labelsPath: String? = nil, metric: DistanceMetric = .euclidean,
            target: Double? = nil, targetSource: String? = nil, seed: UInt64 = 1,
            leaveOneOutLimit: Int = FeasibilityEstimate.defaultLeaveOneOutLimit
        ) {
            self.dataPaths = dataPaths
            self.labelsColumn = labelsColumn
            self.labelsPath = labelsPath
            self.metric = metric
            self.target = target
            self.targetSource = targetSource
            self.seed = seed
            self.leaveOneOutLimit = leaveOneOutLimit
        }
    }

    /// One representation's result.
    public struct Entry: Sendable, Codable {
        public var file: String
        public var estimate: FeasibilityEstimate
        /// `feasible`, `infeasible` or `unclear` (nil without a target).
        public var verdict: String?
        /// The verdict as a sentence.
        public var verdictText: String?
        public var seconds: Double
    }

    public var target: Double?
    public var targetSource: String?
    public var entries: [Entry]
    /// The index of the representation with the highest accuracy ceiling (earliest among equals).
    public var best: Int
    /// The verdict of the best representation: the data's answer (nil without a target).
    public var verdict: String?
    public var verdictText: String?

    /// The target accuracy of a condition: the threshold of its first `n > c` clause (nil if none).
    public static func target(of condition: Condition) -> Double? {
        for clause in condition.clauses where clause.comparison == .greater {
            let coefficients = clause.expression.coefficients
            if coefficients.count == 1, coefficients[.new] == 1 { return clause.threshold }
        }
        return nil
    }

    /// Reads every representation and its labels.
    public static func load(_ request: Request) throws(EaseMLCIError) -> [LabeledMatrix] {
        var sets: [LabeledMatrix] = []
        for path in request.dataPaths {
            let data = try read(path, request: request)
            guard data.features.rows >= 2 else { throw .feasibility(.tooFewExamples(file: path, examples: data.features.rows)) }
            if let first = sets.first {
                guard data.features.rows == first.features.rows else {
                    throw .feasibility(.rowCountMismatch(file: path, rows: data.features.rows, expected: first.features.rows, firstFile: request.dataPaths[0]))
                }
                guard data.labels.map({ data.classNames[$0] }) == first.labels.map({ first.classNames[$0] }) else {
                    throw .feasibility(.labelsMismatch(file: path, firstFile: request.dataPaths[0]))
                }
            }
            sets.append(data)
        }
        return sets
    }

    /// Reads the data and measures every representation. `progress` gets (representation, fraction).
    public static func make(_ request: Request, progress: ((Int, Double) -> Void)? = nil) throws(EaseMLCIError) -> FeasibilityReport {
        let sets = try load(request)
        var entries: [Entry] = []
        for (i, data) in sets.enumerated() {
            let start = Date()
            let estimate = FeasibilityEstimate.measure(
                name: URL(fileURLWithPath: request.dataPaths[i]).lastPathComponent, data: data, metric: request.metric,
                leaveOneOutLimit: request.leaveOneOutLimit, seed: request.seed) { progress?(i, $0) }
            let verdict = request.target.map { estimate.verdict(target: $0) }
            entries.append(Entry(file: request.dataPaths[i], estimate: estimate, verdict: verdict?.kind, verdictText: verdict?.text,
                                 seconds: Date().timeIntervalSince(start)))
        }
        var best = 0
        for (i, entry) in entries.enumerated() where entry.estimate.accuracyCeiling > entries[best].estimate.accuracyCeiling { best = i }
        return FeasibilityReport(target: request.target, targetSource: request.targetSource, entries: entries, best: best,
                                 verdict: entries[best].verdict, verdictText: entries[best].verdictText)
    }

    /// Exit status: 1 when the best representation is infeasible, else 0.
    public var exitStatus: ExitStatus { verdict == "infeasible" ? .failure : .success }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        if let target {
            lines.append("Target accuracy: \(fixed(target))" + (targetSource.map { " (from \($0))" } ?? ""))
        } else {
            lines.append("No target accuracy (pass --target or --condition 'n > c'): estimates only.")
        }
        lines.append("")
        var table = TextTable(header: ["representation", "examples", "classes", "1-NN error [95 %]", "Bayes error ≥", "ceiling", "10× data", "verdict"], alsoLeft: [3, 7])
        for entry in entries {
            let e = entry.estimate
            let error = e.nearestNeighborError
            table.rows.append([
                e.name, IntegerText.grouped(e.examples) + "×\(e.features)", String(e.classes),
                "\(fixed(error.rate)) [\(fixed(error.lower)), \(fixed(error.upper))] \(error.method == .leaveOneOut ? "LOO" : "held-out")",
                fixed(e.bayesErrorBound), fixed(e.accuracyCeiling), e.extrapolatedCeiling.map(fixed) ?? "–", entry.verdict ?? "–",
            ])
        }
        lines.append(table.render())
        lines.append("")
        let bestEntry = entries[best]
        if let text = bestEntry.verdictText {
            lines.append("Verdict: \(text)" + (entries.count > 1 ? " (best representation: \(bestEntry.estimate.name))" : ""))
        } else {
            lines.append("Best accuracy ceiling: \(fixed(bestEntry.estimate.accuracyCeiling)) (\(bestEntry.estimate.name))")
        }
        lines.append("The ceiling is 1 − the Cover–Hart lower bound on the Bayes error from the 1-NN error; no classifier can be expected to beat it on this data's distribution.")
        return lines.joined(separator: "\n")
    }

    private static func read(_ path: String, request: Request) throws(EaseMLCIError) -> LabeledMatrix {
        try LabeledDataFile.read(path, labelsColumn: .named(request.labelsColumn), labelsPath: request.labelsPath, labelsOption: "--labels")
    }
}

/// Four decimals.
private func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
