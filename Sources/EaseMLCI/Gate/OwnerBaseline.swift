import EaseMLLedger
import Foundation

/// The integration owner's word on the old model (DESIGN §7: the baseline belongs to the gate).
///
/// - `set`: the first baseline of a branch (or a replacement), from a predictions file, recorded as
///   the owner's in the ledger (`easeml-ci baseline set`).
/// - `accept`: a model whose verdict was kept hidden (adaptivity `none`) becomes the accepted one
///   (`easeml-ci accept`); under `none` nothing else ever changes the baseline, so the developer's
///   view is the same for a pass and a fail.
///
/// Both need the owner's key: the predictions are aligned to the sealed labels, and the ledger
/// event is authenticated.
public enum OwnerBaseline {
    public struct Report: Sendable, Codable {
        public var testSet: String
        public var model: String
        public var branch: String?
        public var commit: String?
        /// The hidden evaluation accepted, for `accept`.
        public var step: Int?

        public var text: String {
            let what = step.map { "the model of step \($0)" } ?? "model \(model.prefix(12))"
            return "Recorded \(what) as the accepted model of test set \(testSet.prefix(12))\(branch.map { " on \($0)" } ?? "")\(commit.map { " (commit \($0.prefix(7)))" } ?? "")."
        }
    }

    /// Records the predictions in `path` as the accepted model of `branch`.
    public static func set(
        predictions path: String, testSetID: String?, branch: String?, commit: String?, ledger: Ledger, key: SealingKey
    ) throws(EaseMLCIError) -> Report {
        ledger.authenticate(with: key.ledgerKey)
        let testSet = try GateCheck.selectTestSet(testSetID, in: ledger)
        try GateCheck.requireTrusted(ledger, key: key, testSetID: testSet.id)
        let encoded = PredictionAlignment.encode(try PredictionAlignment.readAligned(path, testSetID: testSet.id, ledger: ledger, key: key).predictions)
        let model = ContentHash.ofData(encoded)
        do {
            _ = try ledger.setBaseline(testSetID: testSet.id, model: model, predictions: encoded, branch: branch, commitID: commit)
        } catch {
            throw .ledger(error)
        }
        return Report(testSet: testSet.id, model: model, branch: branch, commit: commit, step: nil)
    }

    /// Accepts the model of evaluation `step` (a verdict kept hidden under adaptivity `none`).
    public static func accept(step: Int, testSetID: String?, branch: String?, ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> Report {
        ledger.authenticate(with: key.ledgerKey)
        let testSet = try GateCheck.selectTestSetIncludingRetired(testSetID, in: ledger)
        try GateCheck.requireTrusted(ledger, key: key, testSetID: testSet.id)
        let evaluations: [EvaluationRecord]
        do { evaluations = try ledger.evaluations(testSetID: testSet.id) } catch { throw .ledger(error) }
        guard let evaluation = evaluations.first(where: { $0.step == step }) else {
            throw .invalidOption(option: "--step", message: "test set \(testSet.id.prefix(12)) has no evaluation \(step) (it has \(evaluations.count))")
        }
        guard !evaluation.revealed, let predictions = evaluation.predictions else {
            throw .invalidOption(
                option: "--step",
                message: "evaluation \(step) was revealed to developers; a pass there is accepted by the gate itself (use `easeml-ci baseline set` to choose another baseline)")
        }
        do {
            _ = try ledger.setBaseline(
                testSetID: testSet.id, model: evaluation.newModel, predictions: predictions, branch: branch, commitID: evaluation.commitID,
                evaluationID: evaluation.id)
        } catch {
            throw .ledger(error)
        }
        return Report(testSet: testSet.id, model: evaluation.newModel, branch: branch, commit: evaluation.commitID, step: step)
    }
}
