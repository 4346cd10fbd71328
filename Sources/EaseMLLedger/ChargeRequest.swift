import Foundation

/// A request to charge one evaluation, made *before* its verdict leaves the process.
///
/// The caller has computed `verdict` in memory and must reveal it only if `Ledger.charge`
/// returns `.charged` (reveal the request's verdict) or `.replay` (reveal the recorded one).
public struct ChargeRequest: Sendable, Equatable {
    public var testSetID: String
    /// Hash of the new model's predictions.
    public var newModel: String
    /// Hash of the old model's predictions, nil for "no old model".
    public var oldModel: String?
    public var verdict: LedgerVerdict
    /// Opaque, caller-encrypted metrics to keep for the owner.
    public var sealedMetrics: Data?
    public var commitID: String?
    /// When the verdict is `pass`, record the new model as accepted (in the same transaction).
    public var acceptOnPass: Bool
    /// The new model's predictions, stored with the accepted model.
    public var predictions: Data?
    /// The branch to accept on.
    public var branch: String?
    /// The digest of the question the verdict answers (the test set's current one): part of the
    /// replay key, so an answer to one question never replays as the answer to another.
    public var questionDigest: String
    /// The commit whose position an acceptance is recorded at, when not `commitID` (a working tree
    /// judged in file mode is accepted at HEAD, the commit it sits on).
    public var acceptedCommit: String?

    public init(
        testSetID: String, newModel: String, oldModel: String?, verdict: LedgerVerdict,
        sealedMetrics: Data? = nil, commitID: String? = nil, acceptOnPass: Bool = false,
        predictions: Data? = nil, branch: String? = nil, questionDigest: String = "", acceptedCommit: String? = nil
    ) {
        self.acceptedCommit = acceptedCommit
        self.questionDigest = questionDigest
        self.testSetID = testSetID
        self.newModel = newModel
        self.oldModel = oldModel
        self.verdict = verdict
        self.sealedMetrics = sealedMetrics
        self.commitID = commitID
        self.acceptOnPass = acceptOnPass
        self.predictions = predictions
        self.branch = branch
    }
}

/// Why a charge was refused. Nothing was written; the verdict must not be revealed.
public enum ChargeRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The set is retired (owner, first pass, or release), with the recorded reason.
    case retired(reason: String)
    /// All H steps are used.
    case exhausted

    public var description: String {
        switch self {
        case let .retired(reason): return "the test set is retired (\(reason))"
        case .exhausted: return "the test set's budget is exhausted"
        }
    }
}

/// The result of `Ledger.charge`.
public enum ChargeOutcome: Sendable, Equatable {
    /// A new evaluation was recorded and one step used; the budget after it.
    case charged(EvaluationRecord, BudgetState)
    /// The same (test set, new model, old model) was already evaluated: here is the recorded
    /// answer. No step was used.
    case replay(EvaluationRecord)
    /// Nothing was charged.
    case refused(ChargeRefusal)
}
