import Foundation

/// A model accepted by a passing evaluation. The newest one per (test set, branch) is the "old
/// model" the next candidate is compared with (DESIGN §7).
public struct AcceptedModel: Sendable, Equatable {
    public var testSetID: String
    /// Hash of the model's predictions.
    public var model: String
    /// The accepted model's predictions, opaque to the ledger.
    public var predictions: Data?
    public var evaluationID: Int64
    public var acceptedAt: Date
    /// The branch it was accepted on, nil when recorded without one.
    public var branch: String?
}
