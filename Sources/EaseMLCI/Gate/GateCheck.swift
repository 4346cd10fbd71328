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

    public var settings: GateSettings
    public var source: Source
    public var oldPredictionsPath: String?
    public var testSetID: String?
    /// The branch whose last accepted model is the old model, and on which a pass is accepted.
    public var branch: String?
    /// The commit being evaluated, recorded with the charge.
    public var commitID: String?

    public init(
        settings: GateSettings, source: Source, oldPredictionsPath: String?, testSetID: String?,
        branch: String? = nil, commitID: String? = nil
    ) {
        self.settings = settings
        self.source = source
        self.oldPredictionsPath = oldPredictionsPath
        self.testSetID = testSetID
        self.branch = branch
        self.commitID = commitID
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

    public func run(ledger: Ledger, key: SealingKey?) throws(EaseMLCIError) -> Outcome {
        let testSet = try Self.selectTestSet(testSetID, in: ledger)
        let budget: BudgetState
        do { budget = try ledger.budget(testSetID: testSet.id) } catch { throw .ledger(error) }
        guard let key else { throw .sealing(.missingKey(purpose: "scoring on the sealed test set")) }
        let labels = try SealedLabels.open(testSetID: testSet.id, ledger: ledger, key: key)
        let newCodes: [Int32]
        switch source {
        case .file(let path):
            newCodes = try readAligned(path, labels: labels)
        case .script(let script):
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-ci-\(UUID().uuidString)")
            do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
                throw .unreadableFile(path: scratch.path, reason: "cannot create a scratch folder: \(error)")
            }
            defer { try? FileManager.default.removeItem(at: scratch) }
            newCodes = try readAligned(try script.run(inputs: testSet.inputsPath, scratch: scratch), labels: labels)
        }
        let newModel = ContentHash.ofData(PredictionAlignment.encode(newCodes))
        var oldCodes: [Int32]?
        var oldModel: String?
        // The old model is part of the question (and of the replay key) only if the condition reads it.
        let readsOld = settings.condition.clauses.contains { clause in
            clause.expression.variables.contains { $0 != .new }
        }
        if !readsOld {
            oldCodes = nil
        } else if let oldPredictionsPath {
            oldCodes = try readAligned(oldPredictionsPath, labels: labels)
            oldModel = ContentHash.ofData(PredictionAlignment.encode(oldCodes!))
        } else if let accepted = try accepted(testSet.id, ledger), let stored = accepted.predictions {
            oldCodes = PredictionAlignment.decode(stored)
            oldModel = accepted.model
        }
        if !budget.canCharge {
            // A replay is still free; anything else is refused before any scoring.
            if case .replay(let record)? = try? ledger.charge(ChargeRequest(testSetID: testSet.id, newModel: newModel, oldModel: oldModel, verdict: .fail)) {
                return outcome(for: record, replay: true, testSet: testSet, budget: budget)
            }
            return refused(testSet, budget, budget.retired ? "the test set is retired (\(budget.retiredReason ?? "retired"))" : "the test set's \(budget.steps) steps are used up")
        }
        let counts: EvaluationCounts
        do { counts = try EvaluationCounts.tally(new: newCodes, old: oldCodes, labels: labels.codes) } catch { throw .decision(error) }
        let errorBudget = ErrorBudget(
            reliability: testSet.reliability, adaptivity: testSet.adaptivity, steps: testSet.steps,
            clauses: settings.condition.clauses.count)
        let verdict: Verdict
        do {
            verdict = try DecisionRule(condition: settings.condition, mode: settings.mode, assumedVarianceBound: settings.assumedVarianceBound)
                .decide(counts, logDeltaPerClause: errorBudget.logDeltaPerClause)
        } catch {
            if oldCodes == nil, case .missingStatistic = error {
                throw .decision(.missingStatistic(clause: "\(settings.condition)", needs: "an old model: no model is accepted yet for this test set, so pass --old FILE"))
            }
            throw .decision(error)
        }
        let metrics: Data
        do {
            let encoder = JSONEncoder()
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            metrics = try key.seal(try! encoder.encode(verdict), context: "metrics:\(testSet.id):\(newModel)")
        } catch {
            throw .sealing(error)
        }
        let charge: ChargeOutcome
        do {
            charge = try ledger.charge(ChargeRequest(
                testSetID: testSet.id, newModel: newModel, oldModel: oldModel, verdict: LedgerVerdict(passed: verdict.passed),
                sealedMetrics: metrics, commitID: commitID, acceptOnPass: true,
                predictions: PredictionAlignment.encode(newCodes), branch: branch))
        } catch {
            throw .ledger(error)
        }
        switch charge {
        case .charged(let record, let after):
            return outcome(for: record, replay: false, testSet: testSet, budget: after)
        case .replay(let record):
            let current = (try? ledger.budget(testSetID: testSet.id)) ?? budget
            return outcome(for: record, replay: true, testSet: testSet, budget: current)
        case .refused(let refusal):
            let current = (try? ledger.budget(testSetID: testSet.id)) ?? budget
            return refused(testSet, current, refusal.description)
        }
    }

    private func accepted(_ id: String, _ ledger: Ledger) throws(EaseMLCIError) -> AcceptedModel? {
        do { return try ledger.lastAcceptedModel(testSetID: id, branch: branch) } catch { throw .ledger(error) }
    }

    private func readAligned(_ path: String, labels: ClassColumn) throws(EaseMLCIError) -> [Int32] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        let column: ClassColumn
        do { column = try ClassColumnReader().read(data, file: path) } catch { throw .data(error) }
        return try PredictionAlignment.align(column, to: labels, file: path)
    }

    private func outcome(for record: EvaluationRecord, replay: Bool, testSet: TestSetRecord, budget: BudgetState) -> Outcome {
        let answer: Outcome.Answer = record.revealed ? (record.verdict.passed ? .pass : .fail) : .recorded
        return Outcome(
            answer: answer, replay: replay, testSetID: testSet.id, condition: "\(settings.condition)", step: record.step,
            stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft, bitsLeft: budget.bitsLeft, retired: budget.retired,
            message: answer == .recorded ? "the verdict is kept for the integration owner (adaptivity none)" : nil)
    }

    private func refused(_ testSet: TestSetRecord, _ budget: BudgetState, _ reason: String) -> Outcome {
        Outcome(
            answer: .refused, replay: false, testSetID: testSet.id, condition: "\(settings.condition)", step: nil,
            stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft, bitsLeft: budget.bitsLeft, retired: budget.retired,
            message: "\(reason); the owner registers a new test set with `easeml-ci testset add`")
    }
}
