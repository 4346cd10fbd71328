import Foundation

/// A model accepted by a passing evaluation. The newest one per (test set, branch) is the "old
/// model" the next candidate is compared with (DESIGN §7).
public struct AcceptedModel: Sendable, Equatable {
    public var testSetID: String
    /// Hash of the model's predictions.
    public var model: String
    /// The accepted model's predictions, opaque to the ledger.
    public var predictions: Data?
    /// The evaluation that accepted it; nil for a baseline the owner set.
    public var evaluationID: Int64?
    public var acceptedAt: Date
    /// The branch it was accepted on, nil when recorded without one.
    public var branch: String?
    /// `gate` (a passing evaluation) or `owner` (`baseline set`, or `accept` of a hidden verdict).
    public var source: Source
    /// The commit whose model it is, when known.
    public var commitID: String?

    public enum Source: String, Sendable, Codable { case gate, owner }
}
