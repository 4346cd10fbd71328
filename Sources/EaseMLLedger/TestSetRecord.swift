import EaseMLCore
import Foundation

/// A registered test set as stored in the ledger (without its sealed labels; fetch those with
/// `Ledger.sealedLabels(testSetID:)`).
public struct TestSetRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var size: Int
    public var classes: [String]
    /// H.
    public var steps: Int
    public var adaptivity: Adaptivity
    public var reliability: Double
    public var condition: String
    /// The registered question (canonical JSON, see `NewTestSet.question`), the newest
    /// amendment's if any; '' for a set registered before questions were recorded.
    public var question: String
    /// SHA-256 of `question`.
    public var questionDigest: String
    /// How many times the owner amended the question, and ln of the transcripts all the
    /// questions asked of this set count together (nil when never amended).
    public var amendments: Int
    public var amendedLogTranscripts: Double?
    public var plannedSize: Int
    /// Registered with fewer examples than the plan asked for.
    public var forced: Bool
    public var inputsPath: String?
    public var createdAt: Date
    /// Set when the set no longer accepts charges (owner's decision, first pass, or release).
    public var retiredAt: Date?
    public var retiredReason: String?
    /// Set when the owner released the set to developers.
    public var releasedAt: Date?

    /// Whether the set refuses new charges because it is retired.
    public var isRetired: Bool { retiredAt != nil }
}
