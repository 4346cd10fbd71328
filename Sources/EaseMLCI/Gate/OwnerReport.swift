import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci report`: the integration owner's view of the ledger. For every test set, every
/// evaluation with its verdict, including those hidden from developers under adaptivity `none`,
/// and the exact metrics the gate sealed with the owner's key (per clause: estimate, interval,
/// p-values, truth).
///
/// This is the one output that contains metrics, because the owner asks for them with the key.
/// The whole report is built before anything is returned, so a missing or wrong key fails before
/// a single verdict or number is revealed.
public struct OwnerReport: Sendable, Codable {
    /// One charged evaluation as the owner sees it.
    public struct Evaluation: Sendable, Codable {
        public var step: Int
        public var at: Date
        /// The new model's prediction hash.
        public var model: String
        /// The old model's prediction hash, when the evaluation compared with one.
        public var oldModel: String?
        public var commit: String?
        /// `pass` or `fail`, whether or not the developer saw it.
        public var verdict: LedgerVerdict
        /// False when adaptivity `none` kept the verdict from the developer.
        public var revealedToDeveloper: Bool
        /// The unsealed decision with its metrics; nil when the gate stored none.
        public var metrics: Verdict?
    }

    /// One test set, its budget and its evaluations.
    public struct TestSet: Sendable, Codable {
        public var id: String
        public var name: String
        public var size: Int
        public var adaptivity: Adaptivity
        public var reliability: Double
        public var condition: String
        public var steps: Int
        public var stepsUsed: Int
        public var stepsLeft: Int
        public var bitsUsed: Double
        public var bitsLeft: Double
        public var retired: Bool
        public var retiredReason: String?
        public var evaluations: [Evaluation]
    }

    public var ledger: String
    public var testSets: [TestSet]

    /// Builds the report for every test set, or for the one `testSetID` names (a unique prefix).
    /// Every set's sealed labels must open with `key`: that proves the key is the owner's even for
    /// a set without evaluations, so a wrong key is refused rather than showing an empty report.
    public static func make(ledger: Ledger, key: SealingKey?, testSetID: String?) throws(EaseMLCIError) -> OwnerReport {
        guard let key else { throw .sealing(.missingKey(purpose: "the owner's report (it unseals hidden verdicts and metrics)")) }
        let records: [TestSetRecord]
        if let testSetID {
            records = [try GateCheck.selectTestSet(testSetID, in: ledger)]
        } else {
            do { records = try ledger.testSets().sorted { $0.createdAt < $1.createdAt } } catch { throw .ledger(error) }
        }
        var sets: [TestSet] = []
        for record in records {
            sets.append(try testSet(record, ledger: ledger, key: key))
        }
        return OwnerReport(ledger: ledger.path, testSets: sets)
    }

    private static func testSet(_ record: TestSetRecord, ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> TestSet {
        let budget: BudgetState
        let records: [EvaluationRecord]
        do {
            budget = try ledger.budget(testSetID: record.id)
            records = try ledger.evaluations(testSetID: record.id)
        } catch {
            throw .ledger(error)
        }
        // The key must be the set's: its labels' header opens (the labels themselves are not read).
        try SealedLabels.openHeader(testSetID: record.id, ledger: ledger, key: key)
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var evaluations: [Evaluation] = []
        for evaluation in records {
            var metrics: Verdict?
            if let sealed = evaluation.sealedMetrics {
                let plain: Data
                do { plain = try key.open(sealed, context: "metrics:\(record.id):\(evaluation.newModel)") } catch { throw .sealing(error) }
                guard let verdict = try? decoder.decode(Verdict.self, from: plain) else {
                    throw .testSetUnavailable("the sealed metrics of evaluation \(evaluation.step) of \(record.id.prefix(12)) are unreadable")
                }
                metrics = verdict
            }
            evaluations.append(Evaluation(
                step: evaluation.step, at: evaluation.createdAt, model: evaluation.newModel, oldModel: evaluation.oldModel,
                commit: evaluation.commitID,
                // A hidden verdict is kept only in the sealed metrics.
                verdict: evaluation.verdict == .hidden ? LedgerVerdict(passed: metrics?.passed ?? false) : evaluation.verdict,
                revealedToDeveloper: evaluation.revealed, metrics: metrics))
        }
        return TestSet(
            id: record.id, name: record.name, size: record.size, adaptivity: record.adaptivity, reliability: record.reliability,
            condition: record.condition, steps: record.steps, stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft,
            bitsUsed: budget.bitsUsed, bitsLeft: budget.bitsLeft, retired: budget.retired, retiredReason: budget.retiredReason,
            evaluations: evaluations)
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// The report for a person: one block per test set, one line per evaluation and one per clause.
    public func text() -> String {
        var lines = ["Owner's report: hidden verdicts and exact metrics. Do not share it with developers."]
        if testSets.isEmpty {
            lines.append("No test set is registered in \(ledger).")
            return lines.joined(separator: "\n")
        }
        let formatter = ISO8601DateFormatter()
        for set in testSets {
            lines.append("")
            let state = set.retired ? "retired (\(set.retiredReason ?? "retired"))" : (set.stepsLeft == 0 ? "exhausted" : "active")
            lines.append("Test set \(set.id.prefix(12))  \(set.name)  (\(IntegerText.grouped(set.size)) examples, \(state))")
            lines.append("  condition   \(set.condition)  at reliability \(set.reliability), adaptivity \(set.adaptivity.rawValue)")
            lines.append("  steps       \(set.stepsUsed) used, \(set.stepsLeft) left of \(set.steps)")
            if set.evaluations.isEmpty {
                lines.append("  no evaluations yet")
                continue
            }
            for evaluation in set.evaluations {
                let shown = evaluation.revealedToDeveloper ? "" : "  (hidden from developers)"
                let old = evaluation.oldModel.map { "  old \($0.prefix(12))" } ?? ""
                lines.append("  step \(evaluation.step)  \(formatter.string(from: evaluation.at))  model \(evaluation.model.prefix(12))\(old)  \(evaluation.verdict.rawValue.uppercased())\(shown)")
                guard let metrics = evaluation.metrics else {
                    lines.append("      no metrics were sealed for this evaluation")
                    continue
                }
                lines.append("      \(metrics.mode.rawValue), each clause decided at δ′ = \(Self.number(exp(metrics.logDeltaPerClause)))")
                for clause in metrics.clauses {
                    var line = "      \(clause.clause)  [\(clause.method.rawValue)]  estimate \(Self.number(clause.estimate))"
                    if clause.lower != clause.estimate || clause.upper != clause.estimate {
                        line += "  interval [\(Self.number(clause.lower)), \(Self.number(clause.upper))]"
                    }
                    if let above = clause.logPValueAbove { line += "  p(above) \(Self.probability(above))" }
                    if let below = clause.logPValueBelow { line += "  p(below) \(Self.probability(below))" }
                    line += "  truth \(clause.truth.rawValue) → \(clause.passed ? "pass" : "fail")"
                    lines.append(line)
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Four significant digits, or an exponent for very small or large values.
    private static func number(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "\(value)" }
        return compact(value)
    }

    /// A p-value from its natural log, as `exp(-812.3)` when it underflows.
    private static func probability(_ logValue: Double) -> String {
        let value = exp(logValue)
        if value == 0 && logValue.isFinite { return String(format: "exp(%.1f)", logValue) }
        return number(value)
    }
}
