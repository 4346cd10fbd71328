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
        /// A condition to take the target from when `target` is nil (see `FeasibilityTarget`).
        public var condition: Condition?
        /// The old model's accuracy, for `n - o > c` clauses.
        public var oldAccuracy: Double?
        /// The old model's predictions on the study's examples (a class column, one per example, in
        /// order): its accuracy on them stands in for `oldAccuracy`.
        public var oldPredictionsPath: String?
        /// Compare the representations by successive halving before the full study of the winner.
        public var halving: Halving?
        /// How each file's features are scaled: every file is studied under each of these (by default
        /// raw, standardized and min-max), and the best representation is reported with its name.
        public var scalings: [FeatureScaling]

        public init(
            dataPaths: [String], labelsColumn: String = "label", labelsPath: String? = nil, metric: DistanceMetric = .euclidean,
            target: Double? = nil, targetSource: String? = nil, seed: UInt64 = 1,
            leaveOneOutLimit: Int = FeasibilityEstimate.defaultLeaveOneOutLimit,
            condition: Condition? = nil, oldAccuracy: Double? = nil, oldPredictionsPath: String? = nil, halving: Halving? = nil,
            scalings: [FeatureScaling] = FeatureScaling.allCases
        ) {
            self.scalings = scalings.isEmpty ? [.none] : scalings
            self.dataPaths = dataPaths
            self.labelsColumn = labelsColumn
            self.labelsPath = labelsPath
            self.metric = metric
            self.target = target
            self.targetSource = targetSource
            self.seed = seed
            self.leaveOneOutLimit = leaveOneOutLimit
            self.condition = condition
            self.oldAccuracy = oldAccuracy
            self.oldPredictionsPath = oldPredictionsPath
            self.halving = halving
        }
    }

    /// Successive halving over the representations (`SuccessiveHalving`).
    public struct Halving: Sendable {
        /// Examples in the first round (at least 2).
        public var initialSize: Int
        /// The budget as a fraction of the cost of measuring every representation on all examples
        /// (leave-one-out: examples² · features multiply–adds each); a round that would exceed it
        /// does not run. `nil`: no budget, the halving goes on to all examples.
        public var budgetFraction: Double?

        public init(initialSize: Int = 500, budgetFraction: Double? = nil) {
            self.initialSize = initialSize
            self.budgetFraction = budgetFraction
        }
    }

    /// The successive-halving comparison that chose the representation studied in full.
    public struct HalvingSummary: Sendable, Codable {
        /// The representations' names, in --data order.
        public var representations: [String]
        public var rounds: [SuccessiveHalving.Round]
        /// The winner's index into `representations`.
        public var best: Int
        /// Multiply–adds spent.
        public var cost: Double
        /// The budget in multiply–adds (infinite without one; JSON then omits it).
        public var budget: Double

        enum CodingKeys: String, CodingKey { case representations, rounds, best, cost, budget }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(representations, forKey: .representations)
            try container.encode(rounds, forKey: .rounds)
            try container.encode(best, forKey: .best)
            try container.encode(cost, forKey: .cost)
            if budget.isFinite { try container.encode(budget, forKey: .budget) }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            representations = try container.decode([String].self, forKey: .representations)
            rounds = try container.decode([SuccessiveHalving.Round].self, forKey: .rounds)
            best = try container.decode(Int.self, forKey: .best)
            cost = try container.decode(Double.self, forKey: .cost)
            budget = try container.decodeIfPresent(Double.self, forKey: .budget) ?? .infinity
        }

        init(representations: [String], rounds: [SuccessiveHalving.Round], best: Int, cost: Double, budget: Double) {
            self.representations = representations
            self.rounds = rounds
            self.best = best
            self.cost = cost
            self.budget = budget
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
    /// The old model's accuracy used for the target, when one was given or measured.
    public var oldAccuracy: Double?
    /// Why there is no target, or which clauses the target leaves out.
    public var targetNote: String?
    /// The halving that picked the representation, when requested with several representations.
    public var halving: HalvingSummary?
    public var entries: [Entry]
    /// The representations compared (files × scalings): each claim's confidence is divided among them.
    public var representations: Int
    /// The one-sided confidence of "infeasible" (95 %, Bonferroni-split over the representations).
    public var confidence: Double
    /// The index of the representation with the highest accuracy ceiling (earliest among equals).
    public var best: Int
    /// The upper end of the ceiling's interval across the representations (see `combinedUpperCeiling`).
    public var upperCeiling: Double
    /// The data's answer (nil without a target): feasible when the target is at most the best
    /// representation's ceiling, infeasible only above `upperCeiling`, unclear in between.
    public var verdict: String?
    public var verdictText: String?

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

    /// The names of the steps `make` reports progress over, in order: with `halving` and more than
    /// one representation (every file under every scaling), the halving and the winner's study;
    /// else one step per representation.
    public static func progressSteps(_ request: Request) -> [String] {
        let representations = request.dataPaths.count * request.scalings.count
        if request.halving != nil, representations > 1 { return ["successive halving", "study of the winner"] }
        return (0..<representations).map { "representation \($0 + 1)/\(representations)" }
    }

    /// Reads the data and measures every representation (or, with `halving`, compares them by
    /// successive halving and measures the winner). `progress` gets (step, fraction of the step):
    /// the steps of `progressSteps` — the representations in order, or with halving, the halving (0)
    /// and the winner's study (1).
    public static func make(_ request: Request, progress: ((Int, Double) -> Void)? = nil) throws(EaseMLCIError) -> FeasibilityReport {
        let loaded = try load(request)
        // Every file under every scaling: the nearest-neighbour estimate depends on the
        // representation, and a column in the thousands would otherwise drown one in the tenths.
        var sets: [LabeledMatrix] = []
        var names: [String] = []
        var files: [String] = []
        for (path, data) in zip(request.dataPaths, loaded) {
            for scaling in request.scalings {
                let file = URL(fileURLWithPath: path).lastPathComponent
                names.append(request.scalings.count > 1 ? "\(file) (\(scaling.label))" : file)
                files.append(path)
                sets.append(scaling == .none ? data : LabeledMatrix(
                    features: scaling.fit(data.features).apply(data.features), labels: data.labels, classNames: data.classNames))
            }
        }
        // "Infeasible" for the best of m representations holds at 95 % when each is claimed at 1 − 0.05/m.
        let errorProbability = 0.05 / Double(sets.count)
        var oldAccuracy = request.oldAccuracy
        if let path = request.oldPredictionsPath {
            oldAccuracy = try accuracy(ofPredictionsIn: path, against: loaded[0], labelsFile: request.labelsPath ?? request.dataPaths[0])
        }
        var target = request.target
        var targetSource = request.targetSource
        var note: String?
        if target == nil, let condition = request.condition {
            switch FeasibilityTarget.resolve(condition, oldAccuracy: oldAccuracy) {
            case .target(let resolved):
                target = resolved.accuracy
                targetSource = [request.targetSource, "clause `\(resolved.clause)`"].compactMap { $0 }.joined(separator: ", ")
                if !resolved.clausesNeedingOldAccuracy.isEmpty {
                    note = "not included: \(resolved.clausesNeedingOldAccuracy.map { "`\($0)`" }.joined(separator: ", ")) (the old model's accuracy is unknown; give --old-accuracy or --old-predictions)"
                }
            case .needsOldAccuracy(let clauses):
                note = "the condition asks for \(clauses.map { "`\($0)`" }.joined(separator: ", ")), relative to the old model; give its accuracy (--old-accuracy, --old-predictions, or feasibility_old_accuracy in .easeml.yml) for a verdict"
            case .none:
                note = "the condition puts no lower bound on the new model's accuracy"
            }
        }
        var halving: HalvingSummary?
        var studied = Array(sets.indices)
        if let options = request.halving, sets.count > 1 {
            let n = Double(sets[0].features.rows)
            let budget = options.budgetFraction.map { $0 * sets.map { n * n * Double($0.features.columns) }.reduce(0, +) } ?? .infinity
            let result = SuccessiveHalving(
                representations: zip(names, sets).map { SuccessiveHalving.Representation(name: $0, data: $1) }, metric: request.metric
            ).run(initialSize: options.initialSize, budget: budget, seed: request.seed) { progress?(0, $0) }
            halving = HalvingSummary(representations: names, rounds: result.rounds, best: result.best, cost: result.cost, budget: budget)
            studied = [result.best]
        }
        var entries: [Entry] = []
        for (position, i) in studied.enumerated() {
            let start = Date()
            let estimate = FeasibilityEstimate.measure(
                name: names[i], data: sets[i], metric: request.metric, leaveOneOutLimit: request.leaveOneOutLimit, seed: request.seed,
                errorProbability: errorProbability) { progress?(halving == nil ? position : 1, $0) }
            let verdict = target.map { estimate.verdict(target: $0) }
            entries.append(Entry(file: files[i], estimate: estimate, verdict: verdict?.kind, verdictText: verdict?.text,
                                 seconds: Date().timeIntervalSince(start)))
        }
        var best = 0
        for (i, entry) in entries.enumerated() where entry.estimate.accuracyCeiling > entries[best].estimate.accuracyCeiling { best = i }
        var report = FeasibilityReport(
            target: target, targetSource: targetSource, oldAccuracy: oldAccuracy, targetNote: note, halving: halving, entries: entries,
            representations: sets.count, confidence: 1 - 0.05, best: best, upperCeiling: combinedUpperCeiling(entries))
        let verdict = target.map { report.verdict(for: $0) }
        report.verdict = verdict?.kind
        report.verdictText = verdict?.text
        return report
    }

    /// The data's answer for `target`: feasible up to the best representation's ceiling,
    /// infeasible only above `upperCeiling`, unclear in between.
    public func verdict(for target: Double) -> FeasibilityVerdict {
        FeasibilityVerdict.decide(
            target: target, ceiling: entries[best].estimate.accuracyCeiling, optimisticCeiling: upperCeiling,
            asymptoticCeiling: entries[best].estimate.asymptoticCeiling, confidence: confidence)
    }

    /// The upper end of the ceiling across representations. Rescalings of one file (raw,
    /// standardized, min-max) share the Bayes error and the large-sample 1-NN error (Cover & Hart
    /// 1967 hold under any norm), so they differ only by how far each is from its limit at this
    /// sample size: the file's upper end is that of its best-measured scaling (lowest 1-NN error),
    /// the one least biased upwards. Every interval is claimed at 1 − 0.05/m, so all hold together
    /// and picking one of them keeps the 95 %. Different files may carry different information, so
    /// "infeasible" needs every file's upper end below the target: the result is their maximum.
    static func combinedUpperCeiling(_ entries: [Entry]) -> Double {
        var bestOfFile: [String: FeasibilityEstimate] = [:]
        for entry in entries {
            if let current = bestOfFile[entry.file],
               current.nearestNeighborError.rate <= entry.estimate.nearestNeighborError.rate { continue }
            bestOfFile[entry.file] = entry.estimate
        }
        return bestOfFile.values.map(\.optimisticCeiling).max() ?? 1
    }

    /// The fraction of `data`'s examples whose label the predictions in `path` (a class column,
    /// one per example in order) get right. Labels compare as numbers when both parse as numbers.
    static func accuracy(ofPredictionsIn path: String, against data: LabeledMatrix, labelsFile: String) throws(EaseMLCIError) -> Double {
        let column: ClassColumn
        do {
            column = try ClassColumnReader().read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
        } catch {
            throw .wrapping(error) { .unreadableFile(path: path, reason: $0.localizedDescription) }
        }
        guard column.count == data.labels.count else {
            throw .feasibility(.rowCountMismatch(file: path, rows: column.count, expected: data.labels.count, firstFile: labelsFile))
        }
        var correct = 0
        for i in 0..<column.count {
            let predicted = column.label(at: i)
            let actual = data.classNames[data.labels[i]]
            if predicted == actual { correct += 1 } else if let p = Double(predicted), let a = Double(actual), p == a { correct += 1 }
        }
        return Double(correct) / Double(column.count)
    }

    /// Exit status: 1 when the best representation is infeasible, else 0.
    public var exitStatus: ExitStatus { verdict == "infeasible" ? .failure : .success }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        if let target {
            lines.append("Target accuracy: \(fixed(target))" + (targetSource.map { " (from \($0))" } ?? ""))
            if let targetNote { lines.append("Note: \(targetNote)") }
        } else {
            lines.append("No target accuracy: " + (targetNote ?? "pass --target, or --condition with an `n > c` clause") + "; estimates only.")
        }
        if let halving {
            lines.append("")
            lines.append("Successive halving (leave-one-out 1-NN error on growing slices; the better half goes on):")
            var rounds = TextTable(header: ["representation"] + halving.rounds.map { IntegerText.grouped($0.sliceSize) }, alsoLeft: [])
            for (r, name) in halving.representations.enumerated() {
                rounds.rows.append([name + (r == halving.best ? " ▶" : "")] + halving.rounds.map { round in
                    round.evaluated.firstIndex(of: r).map { fixed(round.estimates[$0].rate) } ?? "–"
                })
            }
            lines.append(rounds.render())
            lines.append("Spent \(compact(halving.cost)) multiply–adds" + (halving.budget.isFinite ? " of \(compact(halving.budget))" : "") + "; the study below is of the winner.")
        }
        lines.append("")
        var table = TextTable(
            header: ["representation", "examples", "classes", "1-NN error [95 %]", "Bayes error ≥", "ceiling (estimate)", "at most", "∞ data", "verdict"],
            alsoLeft: [3, 8])
        for entry in entries {
            let e = entry.estimate
            let error = e.nearestNeighborError
            table.rows.append([
                e.name, IntegerText.grouped(e.examples) + "×\(e.features)", String(e.classes),
                "\(fixed(error.rate)) [\(fixed(error.lower)), \(fixed(error.upper))] \(error.method == .leaveOneOut ? "LOO" : "held-out")",
                fixed(e.bayesErrorBound), fixed(e.accuracyCeiling), fixed(e.optimisticCeiling), e.asymptoticCeiling.map(fixed) ?? "–",
                entry.verdict ?? "–",
            ])
        }
        lines.append(table.render())
        lines.append("")
        let bestEntry = entries[best]
        if let text = verdictText {
            lines.append("Verdict: \(text)" + (entries.count > 1 ? " (best representation: \(bestEntry.estimate.name))" : ""))
        } else {
            lines.append("Best accuracy ceiling: \(fixed(bestEntry.estimate.accuracyCeiling)) (\(bestEntry.estimate.name))")
        }
        lines.append("The ceiling is 1 − the Cover–Hart lower bound on the Bayes error, from the 1-NN error. It is an estimate: the Cover–Hart inequality bounds the large-sample 1-NN error, and at a few hundred examples per class the measured error is usually above it. \"At most\" is the ceiling at the lowest 1-NN error the data allows (its lower confidence bound, or the convergence curve's asymptote with unlimited data) at \(Int(confidence * 100)) % confidence over the \(representations) representation\(representations == 1 ? "" : "s") compared; scalings of one file share the Bayes error, so the verdict takes the upper end of the best-measured one (\(fixed(upperCeiling)) here), and \"infeasible\" is said only above it.")
        return lines.joined(separator: "\n")
    }

    private static func read(_ path: String, request: Request) throws(EaseMLCIError) -> LabeledMatrix {
        try LabeledDataFile.read(path, labelsColumn: .named(request.labelsColumn), labelsPath: request.labelsPath, labelsOption: "--labels")
    }
}

/// Four decimals.
private func fixed(_ value: Double) -> String { String(format: "%.4f", value) }
