import Foundation

/// One charged evaluation. Replays return the original record; they never create a new one.
public struct EvaluationRecord: Sendable, Equatable {
    public var id: Int64
    public var testSetID: String
    /// Hash of the new model's predictions.
    public var newModel: String
    /// Hash of the old model's predictions, nil when compared with no old model.
    public var oldModel: String?
    /// SHA-256 of the registered question the evaluation answered ('' before schema version 5).
    public var questionDigest: String
    /// 1-based charge number within the test set.
    public var step: Int
    public var verdict: LedgerVerdict
    /// False under adaptivity `none`: the verdict is kept for the owner, not shown to developers.
    public var revealed: Bool
    /// Opaque (caller-encrypted) metrics, if the caller stored any.
    public var sealedMetrics: Data?
    public var commitID: String?
    /// The new model's predictions, kept when the verdict is hidden (for the owner's `accept`).
    public var predictions: Data?
    public var createdAt: Date
}
