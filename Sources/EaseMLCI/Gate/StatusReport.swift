import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci status`: every test set's budget and its evaluations, without metrics.
public struct StatusReport: Sendable, Codable {
    public struct Evaluation: Sendable, Codable {
        public var step: Int
        public var at: Date
        /// The first 12 hex digits of the new model's prediction hash.
        public var model: String
        /// `pass`/`fail`, or `hidden` when adaptivity `none` keeps it for the owner.
        public var verdict: String
    }

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
        public var forced: Bool
        /// The registered question's digest ('' when the set predates recorded questions).
        public var question: String
        /// How often the owner amended the question (`testset amend`); each adds the new question's
        /// transcripts to the union bound.
        public var amendments: Int
        /// The newest evaluations (all, or the last `limit` of them), oldest first.
        public var evaluations: [Evaluation]
        /// How many evaluations the set has in all (more than `evaluations` when paged).
        public var evaluationCount: Int
        /// One sentence on when a fresh test set is needed.
        public var outlook: String
        /// For a set still answering, the steps its size supports under each adaptivity mode for its
        /// registered question (the same search as `plan --test-size`); nil for retired or exhausted
        /// sets and sets without a recorded question.
        public var stepsByMode: [StepSupport]?
    }

    /// What `make` computes beyond the ledger's rows.
    public struct Options: Sendable {
        /// Show only the newest `limit` evaluations of each set.
        public var limit: Int?
        /// Compute `stepsByMode`, sizing `n - o` without a `d` clause at this disagreement rate
        /// (the configuration's `expected_disagreement`), through `cache` when given.
        public var stepsByMode: Bool
        public var expectedDisagreement: Double?
        public var cache: ResultCache?

        public init(limit: Int? = nil, stepsByMode: Bool = false, expectedDisagreement: Double? = nil, cache: ResultCache? = nil) {
            self.limit = limit
            self.stepsByMode = stepsByMode
            self.expectedDisagreement = expectedDisagreement
            self.cache = cache
        }
    }

    public var ledger: String
    public var testSets: [TestSet]

    public static func make(ledger: Ledger, options: Options = Options()) throws(EaseMLCIError) -> StatusReport {
        let sets: [TestSetRecord]
        do { sets = try ledger.testSets().sorted { $0.createdAt < $1.createdAt } } catch { throw .ledger(error) }
        var report = StatusReport(ledger: ledger.path, testSets: [])
        for record in sets { report.testSets.append(try testSet(record, ledger: ledger, options: options)) }
        return report
    }

    private static func testSet(_ record: TestSetRecord, ledger: Ledger, options: Options) throws(EaseMLCIError) -> TestSet {
        let budget: BudgetState
        let evaluations: [Evaluation]
        let evaluationCount: Int
        do {
            // One snapshot: the page, the count and the budget agree even while checks charge.
            (budget, evaluations, evaluationCount) = try ledger.reading { () throws(LedgerError) in
                let budget = try ledger.budget(testSetID: record.id)
                let page = try ledger.evaluations(testSetID: record.id, newest: options.limit).map {
                    Evaluation(step: $0.step, at: $0.createdAt, model: String($0.newModel.prefix(12)), verdict: $0.revealed ? $0.verdict.rawValue : "hidden")
                }
                return (budget, page, options.limit == nil ? page.count : try ledger.evaluationCount(testSetID: record.id))
            }
        } catch {
            throw .ledger(error)
        }
        let question = record.question.isEmpty ? nil : try? GateQuestion(canonicalText: record.question)
        let outlook: String
        if budget.retired {
            outlook = "retired (\(budget.retiredReason ?? "retired")): register a new test set for further checks"
        } else if budget.exhausted {
            outlook = "exhausted: register a new test set for further checks"
        } else {
            outlook = "\(budget.stepsLeft) more evaluation\(budget.stepsLeft == 1 ? "" : "s") before a new test set is needed"
        }
        var stepsByMode: [StepSupport]?
        if options.stepsByMode, let question, !budget.retired, !budget.exhausted {
            let settings = question.settings(expectedDisagreement: options.expectedDisagreement)
            // A question that cannot be planned (it could be registered with --force) has no figures;
            // the rest of the status still shows.
            stepsByMode = (try? PlanReport.make(settings, testSize: record.size, tolerances: false, cache: options.cache))?.stepsByMode
        }
        return TestSet(
            id: record.id, name: record.name, size: record.size, adaptivity: record.adaptivity,
            reliability: question?.reliability ?? record.reliability, condition: question.map { "\($0.condition)" } ?? record.condition,
            steps: record.steps, stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft,
            bitsUsed: question.map { GateCheck.revealedBits(budget.bitsUsed, $0.settings) } ?? budget.bitsUsed,
            bitsLeft: question.map { GateCheck.revealedBits(budget.bitsLeft, $0.settings) } ?? budget.bitsLeft, retired: budget.retired,
            retiredReason: budget.retiredReason, forced: record.forced, question: record.questionDigest, amendments: record.amendments,
            evaluations: evaluations, evaluationCount: evaluationCount, outlook: outlook, stepsByMode: stepsByMode)
    }

    /// Keeps each set's newest `limit` evaluations (after a chart drew them all).
    public mutating func keepNewest(_ limit: Int) {
        for index in testSets.indices { testSets[index].evaluations = Array(testSets[index].evaluations.suffix(limit)) }
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// One line per test set, for `testset list`.
    public func listText() -> String {
        guard !testSets.isEmpty else { return "No test sets." }
        var table = TextTable(header: ["id", "name", "examples", "steps left", "state"], leftColumns: 2)
        for set in testSets {
            table.rows.append([String(set.id.prefix(12)), set.name, IntegerText.grouped(set.size), "\(set.stepsLeft)", set.retired ? "retired" : "active"])
        }
        return table.render()
    }

    public func text() -> String {
        if testSets.isEmpty { return "No test set is registered in \(ledger).\nRegister one with `easeml-ci testset add --labels FILE`." }
        var lines: [String] = []
        for set in testSets {
            lines.append("Test set \(set.id.prefix(12))  \(set.name)  (\(IntegerText.grouped(set.size)) examples\(set.forced ? ", registered below the planned size" : ""))")
            lines.append("  condition   \(set.condition)  at reliability \(set.reliability), adaptivity \(set.adaptivity.rawValue)")
            if set.question.isEmpty {
                lines.append("  question    not recorded (registered before easeml-ci recorded questions): `easeml-ci testset amend` records it")
            } else if set.amendments > 0 {
                lines.append("  question    amended \(set.amendments) time\(set.amendments == 1 ? "" : "s") by the owner: verdicts are decided under the union bound over \(set.amendments + 1) questions' transcripts")
            }
            lines.append("  steps       \(set.stepsUsed) used, \(set.stepsLeft) left of \(set.steps)")
            lines.append(String(format: "  leakage     %.3g bits used, %.3g left", set.bitsUsed, set.bitsLeft))
            lines.append("  outlook     \(set.outlook)")
            if let modes = set.stepsByMode, !modes.isEmpty {
                lines.append("  by mode     " + modes.map { support in
                    "\(support.adaptivity.rawValue)\(support.adaptivity == set.adaptivity ? " (this set)" : "") \(support.reachedLimit ? "≥ " : "")\(IntegerText.grouped(support.steps))"
                }.joined(separator: " · ") + " steps at this size")
            }
            if set.evaluationCount > set.evaluations.count {
                lines.append("  (the newest \(set.evaluations.count) of \(set.evaluationCount) evaluations; `--limit` shows more)")
            }
            if !set.evaluations.isEmpty {
                var table = TextTable(header: ["  step", "time", "model", "verdict"], leftColumns: 4)
                let formatter = ISO8601DateFormatter()
                for evaluation in set.evaluations {
                    table.rows.append(["  \(evaluation.step)", formatter.string(from: evaluation.at), evaluation.model, evaluation.verdict])
                }
                lines.append(table.render())
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
