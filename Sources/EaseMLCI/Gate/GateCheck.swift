import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci check`: scores a new model on the hidden test set and answers with a verdict only,
/// charging the ledger before the answer leaves the process (DESIGN §6).
public struct GateCheck {
    /// What the developer may see: the verdict (unless adaptivity is `none`) and the budget.
    public struct Outcome: Sendable, Codable {
        public enum Answer: String, Sendable, Codable {
            case pass, fail
            /// Adaptivity `none`: the verdict is kept for the owner.
            case recorded
            /// The test set cannot answer (exhausted or retired).
            case refused
        }

        public var answer: Answer
        /// True when an identical evaluation was answered before: no new charge.
        public var replay: Bool
        public var testSetID: String
        public var condition: String
        /// The charge number of the evaluation, 1-based.
        public var step: Int?
        public var stepsUsed: Int
        public var stepsLeft: Int
        public var bitsLeft: Double
        public var retired: Bool
        public var message: String?
        /// With `reveal: clauses`, the clauses a FAIL failed (charged as the bits they reveal).
        public var failingClauses: [String]?
        /// The position of the evaluation's charge event in the ledger's chain (seq and hash), for
        /// the verdict note.
        public var ledgerEvent: Int64?
        public var ledgerHead: String?
        /// Where the new model's predictions came from and the sandbox their script ran in (set by
        /// the caller: `CheckRequest`, `CommitCheck`).
        public var provenance: PredictionsProvenance? = nil

        /// The exit status for this answer (DESIGN §8).
        public var exitStatus: ExitStatus {
            switch answer {
            case .pass, .recorded: .success
            case .fail: .failure
            case .refused: .testSetUnavailable
            }
        }
    }

    /// Where the new model's predictions come from.
    public enum Source: Sendable {
        /// A predictions file.
        case file(String)
        /// The configured script, run on the test set's inputs.
        case script(PredictionScript)
    }

    /// A question a configuration or command line states, and where (for the message when it
    /// differs from the registered one).
    public struct StatedQuestion: Sendable {
        public var question: GateQuestion
        public var source: String

        public init(_ question: GateQuestion, source: String) {
            self.question = question
            self.source = source
        }
    }

    public var source: Source
    public var testSetID: String?
    /// Where the candidate sits: its old model is the last accepted among these first-parent
    /// ancestors (else the owner's baseline of the branch), and a pass is accepted on that branch.
    public var lineage: BaselineLineage
    /// The commit being evaluated, recorded with the charge.
    public var commitID: String?
    /// The questions the caller's configuration and flags state: each must be the registered one.
    public var stated: [StatedQuestion]

    public init(
        source: Source, testSetID: String?, lineage: BaselineLineage = BaselineLineage(commits: [], branch: nil), commitID: String? = nil,
        stated: [StatedQuestion] = []
    ) {
        self.source = source
        self.testSetID = testSetID
        self.lineage = lineage
        self.commitID = commitID
        self.stated = stated
    }

    /// Picks the test set: the given id (a unique prefix is enough) or the newest one still usable.
    public static func selectTestSet(_ id: String?, in ledger: Ledger) throws(EaseMLCIError) -> TestSetRecord {
        let sets: [TestSetRecord]
        do { sets = try ledger.testSets() } catch { throw .ledger(error) }
        if let id {
            let matches = sets.filter { $0.id.hasPrefix(id) }
            guard matches.count == 1 else {
                throw .testSetUnavailable(matches.isEmpty ? "no test set with id \(id)" : "the id prefix \(id) is ambiguous")
            }
            return matches[0]
        }
        guard let usable = sets.filter({ !$0.isRetired }).max(by: { $0.createdAt < $1.createdAt }) else {
            throw .testSetUnavailable(
                sets.isEmpty ? "no test set is registered; the owner registers one with `easeml-ci testset add`"
                    : "every registered test set is retired; the owner registers a new one with `easeml-ci testset add`")
        }
        return usable
    }

    /// The test set named by `id` (a unique prefix), retired ones included, or the newest one.
    public static func selectTestSetIncludingRetired(_ id: String?, in ledger: Ledger) throws(EaseMLCIError) -> TestSetRecord {
        let sets: [TestSetRecord]
        do { sets = try ledger.testSets() } catch { throw .ledger(error) }
        let matches = id.map { prefix in sets.filter { $0.id.hasPrefix(prefix) } } ?? sets
        guard let newest = matches.max(by: { $0.createdAt < $1.createdAt }), id == nil || matches.count == 1 else {
            throw .testSetUnavailable(id.map { matches.isEmpty ? "no test set with id \($0)" : "the id prefix \($0) is ambiguous" } ?? "no test set is registered")
        }
        return newest
    }

    /// The registered question of `testSet` (the newest amendment's), or an error when the set
    /// was registered before questions were recorded.
    public static func registeredQuestion(_ testSet: TestSetRecord) throws(EaseMLCIError) -> GateQuestion {
        guard !testSet.question.isEmpty else {
            throw .testSetUnavailable(
                "test set \(testSet.id.prefix(12)) was registered before easeml-ci recorded the question it answers; the owner records it with `easeml-ci testset amend \(testSet.id.prefix(12))`")
        }
        return try GateQuestion(canonicalText: testSet.question)
    }

    /// Refuses a ledger that fails verification with the owner's key, for what a charge on
    /// `testSetID` depends on: the whole event chain and the set's own rows.
    public static func requireTrusted(_ ledger: Ledger, key: SealingKey, testSetID: String) throws(EaseMLCIError) {
        let report: VerificationReport
        do { report = try ledger.verify(key: key.ledgerKey, testSetID: testSetID) } catch { throw .ledger(error) }
        guard let problem = report.problems.first else { return }
        throw .ledgerNotTrusted(
            "the ledger \(ledger.path) fails verification with the owner's key (\(problem)\(report.problems.count > 1 ? "; \(report.problems.count - 1) more" : "")); nothing was charged. `easeml-ci ledger verify` lists every problem; the owner restores the ledger from a trusted copy")
    }

    public func run(ledger: Ledger, key: SealingKey?) throws(EaseMLCIError) -> Outcome {
        guard let key else { throw .sealing(.missingKey(purpose: "scoring on the sealed test set")) }
        ledger.authenticate(with: key.ledgerKey)
        let testSet = try Self.selectTestSet(testSetID, in: ledger)
        let question = try Self.registeredQuestion(testSet)
        for statement in stated {
            let differences = question.differences(from: statement.question)
            guard differences.isEmpty else {
                throw .questionMismatch(
                    testSet: testSet.id, source: statement.source,
                    differences: differences.map { .init(key: $0.key, registered: $0.registered, stated: $0.stated) })
            }
        }
        // A wrong key is told as such (the labels do not open) before the chain is checked with it.
        try SealedLabels.openHeader(testSetID: testSet.id, ledger: ledger, key: key)
        try Self.requireTrusted(ledger, key: key, testSetID: testSet.id)
        let settings = question.settings
        let budget: BudgetState
        do { budget = try ledger.budget(testSetID: testSet.id) } catch { throw .ledger(error) }
        var newCodes: [Int32]
        var labels: [Int32]
        switch source {
        case .file(let path):
            (newCodes, labels) = try PredictionAlignment.readAligned(path, testSetID: testSet.id, ledger: ledger, key: key)
        case .script(let script):
            let scratch = try ScratchFolder.make("check")
            defer { try? FileManager.default.removeItem(at: scratch) }
            (newCodes, labels) = try PredictionAlignment.readAligned(
                try script.run(inputs: testSet.inputsPath, scratch: scratch), testSetID: testSet.id, ledger: ledger, key: key)
        }
        // The new model's id is hashed on the other core while its counts are tallied.
        let hashing = Background { [newCodes] in PredictionAlignment.modelHash(newCodes) }
        // The old model is the one the gate (or the owner) accepted, and part of the question (and
        // of the replay key) only if the condition reads it; its stored codes are tallied in place.
        let readsOld = settings.condition.clauses.contains { clause in
            clause.expression.variables.contains { $0 != .new }
        }
        var oldCodes: Data?
        var oldModel: String?
        if readsOld, let accepted = try accepted(testSet.id, ledger), let stored = accepted.predictions {
            guard PredictionAlignment.fits(stored, count: labels.count) else {
                throw .testSetUnavailable("the stored predictions of the accepted model \(accepted.model.prefix(12)) do not fit test set \(testSet.id.prefix(12)) (\(stored.count) bytes for \(labels.count) examples)")
            }
            oldCodes = stored
            oldModel = accepted.model
        }
        if !budget.canCharge {
            // A replay is still free; anything else is refused before any scoring.
            let probe = ChargeRequest(testSetID: testSet.id, newModel: hashing.value, oldModel: oldModel, verdict: .fail, questionDigest: testSet.questionDigest)
            if case .replay(let record)? = try? ledger.charge(probe) {
                return outcome(for: record, replay: true, testSet: testSet, budget: budget, settings: settings, ledger: ledger, key: key)
            }
            return refused(testSet, budget, budget.retired ? "the test set is retired (\(budget.retiredReason ?? "retired"))" : "the test set's \(budget.steps) steps are used up", settings: settings)
        }
        let counts: EvaluationCounts
        do throws(DecisionError) {
            counts = if let oldCodes {
                try PredictionAlignment.tally(new: newCodes, stored: oldCodes, labels: labels)
            } else {
                try EvaluationCounts.tally(new: newCodes, old: nil, labels: labels)
            }
        } catch {
            throw .decision(error)
        }
        let newModel = hashing.value
        // The registered question's reliability; the budget's shape (adaptivity, steps) is the set's.
        var errorBudget = ErrorBudget(
            reliability: settings.reliability, adaptivity: testSet.adaptivity, steps: testSet.steps,
            clauses: settings.condition.clauses.count)
        errorBudget.amendedLogTranscripts = testSet.amendedLogTranscripts
        errorBudget.bitsPerAnswer = settings.reveal.bitsPerAnswer(clauses: settings.condition.clauses.count)
        var verdict: Verdict
        do {
            verdict = try DecisionRule(condition: settings.condition, mode: settings.mode, assumedVarianceBound: settings.assumedVarianceBound)
                .decide(counts, logDeltaPerClause: errorBudget.logDeltaPerClause)
        } catch {
            if oldCodes == nil, case .missingStatistic = error {
                throw .decision(.missingStatistic(
                    clause: "\(settings.condition)",
                    needs: "an old model: none is accepted among this commit's first-parent ancestors, and the branch \(lineage.branch.map { "`\($0)`" } ?? "(none: a detached HEAD; pass --branch or set GITHUB_BASE_REF)") has no baseline; the integration owner sets the first baseline with `easeml-ci baseline set --predictions FILE`"))
            }
            throw .decision(error)
        }
        if case .ladder(let gain, let floor) = testSet.adaptivity {
            // The ladder's bar: every model accepted on this set, on any branch, raises it, so the
            // set can see at most ⌊(1 − floor)/gain⌋ passes whatever the developers do. Each model
            // is scored by the same tally as the new one.
            let best: Double
            do {
                best = try ledger.acceptedModels(testSetID: testSet.id).compactMap(\.predictions).compactMap { stored in
                    PredictionAlignment.decode(stored, count: labels.count).flatMap { codes in
                        (try? EvaluationCounts.tally(new: codes, old: nil, labels: labels))?.estimate(.new)
                    }
                }.max() ?? 0
            } catch { throw .ledger(error) }
            let rung = LadderRung(bar: max(floor, best) + gain, accuracy: counts.estimate(.new) ?? 0)
            verdict.ladder = rung
            verdict.passed = verdict.passed && rung.cleared
        }
        let metrics: Data
        do {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            metrics = try key.seal(try! encoder.encode(verdict), context: "metrics:\(testSet.id):\(newModel)")
        } catch {
            throw .sealing(error)
        }
        // The new model's codes are stored with the charge; the columns are let go first (at 100M
        // examples each is 400 MB, and the charge copies the stored bytes).
        labels = []
        oldCodes = nil
        let predictions = PredictionAlignment.encode(newCodes)
        newCodes = []
        let charge: ChargeOutcome
        do {
            charge = try ledger.charge(ChargeRequest(
                testSetID: testSet.id, newModel: newModel, oldModel: oldModel, verdict: LedgerVerdict(passed: verdict.passed),
                sealedMetrics: metrics, commitID: commitID, acceptOnPass: true, predictions: predictions, branch: lineage.branch,
                questionDigest: testSet.questionDigest, acceptedCommit: commitID ?? lineage.commits.first))
        } catch {
            throw .ledger(error)
        }
        switch charge {
        case .charged(let record, let after):
            return outcome(for: record, replay: false, testSet: testSet, budget: after, settings: settings, ledger: ledger, key: key)
        case .replay(let record):
            let current = (try? ledger.budget(testSetID: testSet.id)) ?? budget
            return outcome(for: record, replay: true, testSet: testSet, budget: current, settings: settings, ledger: ledger, key: key)
        case .refused(let refusal):
            let current = (try? ledger.budget(testSetID: testSet.id)) ?? budget
            return refused(testSet, current, refusal.description, settings: settings)
        }
    }

    private func accepted(_ id: String, _ ledger: Ledger) throws(EaseMLCIError) -> AcceptedModel? {
        do {
            // Rows without their predictions; then only the chosen model's.
            guard var model = lineage.select(from: try ledger.acceptedModels(testSetID: id, withPredictions: false)) else { return nil }
            model.predictions = try ledger.acceptedPredictions(testSetID: id, model: model.model)
            return model
        } catch {
            throw .ledger(error)
        }
    }

    private func outcome(
        for record: EvaluationRecord, replay: Bool, testSet: TestSetRecord, budget: BudgetState, settings: GateSettings, ledger: Ledger,
        key: SealingKey
    ) -> Outcome {
        let answer: Outcome.Answer = record.revealed ? (record.verdict.passed ? .pass : .fail) : .recorded
        let event = (try? ledger.chargeEvent(evaluationID: record.id)) ?? nil
        // With `reveal: clauses` a FAIL names its failing clauses, as recorded (a replay says the same).
        var failing: [String]?
        if answer == .fail, settings.reveal == .clauses, let sealed = record.sealedMetrics,
            let plain = try? key.open(sealed, context: "metrics:\(testSet.id):\(record.newModel)"),
            let verdict = try? Self.metricsDecoder.decode(Verdict.self, from: plain)
        {
            failing = verdict.clauses.filter { !$0.passed }.map(\.clause)
        }
        return Outcome(
            answer: answer, replay: replay, testSetID: testSet.id, condition: "\(settings.condition)", step: record.step,
            stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft, bitsLeft: Self.revealedBits(budget.bitsLeft, settings),
            retired: budget.retired,
            message: answer == .recorded ? "the verdict is kept for the integration owner (adaptivity none)"
                : failing.map { "failing clause\($0.count == 1 ? "" : "s"): " + $0.map { "`\($0)`" }.joined(separator: ", ") },
            failingClauses: failing, ledgerEvent: event?.seq, ledgerHead: event?.hash)
    }

    private func refused(_ testSet: TestSetRecord, _ budget: BudgetState, _ reason: String, settings: GateSettings) -> Outcome {
        Outcome(
            answer: .refused, replay: false, testSetID: testSet.id, condition: "\(settings.condition)", step: nil,
            stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft, bitsLeft: Self.revealedBits(budget.bitsLeft, settings),
            retired: budget.retired, message: "\(reason); the owner registers a new test set with `easeml-ci testset add`")
    }

    /// The ledger counts one bit per revealed answer; naming clauses reveals k.
    static func revealedBits(_ bits: Double, _ settings: GateSettings) -> Double {
        bits * Double(settings.reveal.bitsPerAnswer(clauses: settings.condition.clauses.count))
    }

    static let metricsDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }()
}
