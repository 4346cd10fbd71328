import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci testset amend`: the integration owner records a new question for a test set (a new
/// condition, mode, reliability, variance bound or model paths), explicitly and in the ledger.
///
/// A developer who saw answers to the old question and now sees answers to the new one can see
/// any transcript of either, so the set's verdicts from now on are decided under the union bound
/// over both questions' transcripts: ln T becomes ln(T_before + T_new), one more bit (ln 2) when
/// both count H or 2^H alike. The amendment is refused when the set is too small for the new
/// question at that count (unless forced, which is recorded as the weaker guarantee it is).
/// The budget's shape — adaptivity and steps — is fixed at registration: changing it takes a new set.
public struct TestSetAmendment {
    public struct Report: Sendable, Codable {
        public var testSet: String
        public var changes: [Change]
        /// The new question's digest (the replay key of every later evaluation).
        public var question: String
        public var fromStep: Int
        /// Questions asked of the set so far (1 + amendments).
        public var questions: Int
        /// log₂ of the transcripts the union bound now covers.
        public var transcriptBits: Double
        public var plannedSize: Int
        public var size: Int
        public var forced: Bool

        public struct Change: Sendable, Codable {
            public var key: String
            public var before: String
            public var after: String
        }

        public var text: String {
            var lines = ["Amended the question of test set \(testSet.prefix(12)) from step \(fromStep):"]
            lines += changes.map { "  \($0.key): \($0.before) → \($0.after)" }
            lines.append("Verdicts are now decided under the union bound over \(questions) questions' transcripts (\(String(format: "%.4g", transcriptBits)) bits); the new question needs \(IntegerText.grouped(plannedSize)) examples, the set has \(IntegerText.grouped(size)).")
            if forced { lines.append("warning: amended below the planned size (--force): the guarantee is weaker than the reliability says.") }
            return lines.joined(separator: "\n")
        }
    }

    public var question: GateQuestion
    public var testSetID: String?
    public var force: Bool
    /// The disagreement rate the plan assumes for `n - o` without a `d` clause (sizes the new
    /// question as `plan` and `testset add` do; no part of the question).
    public var expectedDisagreement: Double?

    public init(question: GateQuestion, testSetID: String?, force: Bool, expectedDisagreement: Double? = nil) {
        self.question = question
        self.testSetID = testSetID
        self.force = force
        self.expectedDisagreement = expectedDisagreement
    }

    public func amend(in ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> Report {
        ledger.authenticate(with: key.ledgerKey)
        let set = try GateCheck.selectTestSet(testSetID, in: ledger)
        try GateCheck.requireTrusted(ledger, key: key, testSetID: set.id)
        guard question.adaptivity == set.adaptivity, question.steps == set.steps else {
            throw .invalidOption(
                option: "testset amend",
                message: "a test set's adaptivity and steps are fixed at registration (\(set.adaptivity.rawValue), \(set.steps)); register a new set for \(question.adaptivity.rawValue), \(question.steps)")
        }
        let before: GateQuestion? = set.question.isEmpty ? nil : try GateQuestion(canonicalText: set.question)
        let changes: [Report.Change]
        if let before {
            changes = before.differences(from: question).map { Report.Change(key: $0.key, before: $0.registered, after: $0.stated) }
            guard !changes.isEmpty else { throw .invalidOption(option: "testset amend", message: "the test set already has this question") }
        } else {
            changes = question.fields.map { Report.Change(key: $0.key, before: "(not recorded)", after: $0.value) }
        }
        let logOne = set.adaptivity.logTranscripts(steps: set.steps)
        let logBefore = set.amendedLogTranscripts ?? logOne
        let logAfter = Self.logAddExp(logBefore, logOne)
        // The new question's δ per evaluation is δ / T_union = (δ · T_one / T_union) / T_one: planned as
        // the reliability 1 − δ · T_one / T_union over the set's own steps.
        var settings = question.settings(expectedDisagreement: expectedDisagreement)
        settings.reliability = 1 - (1 - question.reliability) * exp(logOne - logAfter)
        let plan = try PlanReport.make(settings).plan
        let needed = plan.chosenPlan.sampleSize
        if set.size < needed && !force { throw .testSetTooSmall(size: set.size, needed: needed, method: plan.chosen.rawValue) }
        let record: TestSetRecord
        do {
            record = try ledger.amendQuestion(
                testSetID: set.id, question: question.canonicalText, questionDigest: question.digest, logTranscripts: logAfter)
        } catch {
            throw .ledger(error)
        }
        let fromStep = ((try? ledger.evaluations(testSetID: set.id))?.count ?? 0) + 1
        return Report(
            testSet: set.id, changes: changes, question: record.questionDigest, fromStep: fromStep, questions: record.amendments + 1,
            transcriptBits: logAfter / log(2), plannedSize: needed, size: set.size, forced: set.size < needed)
    }

    static func logAddExp(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b)
        return high + log(exp(a - high) + exp(b - high))
    }
}
