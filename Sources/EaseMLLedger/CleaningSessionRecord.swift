import Foundation

/// A cleaning session or improvement loop as stored (schema version 4): its fixed inputs, the rows
/// the person cleaned, the pool rows they labelled, and the rounds of the loop.
public struct CleaningSessionRecord: Sendable, Equatable {
    /// `clean` (CPClean alone, `easeml-ci clean`) or `improve` (the two-armed loop, `easeml-ci improve`).
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case clean, improve
    }

    public var id: String
    public var kind: Kind
    public var createdAt: String
    /// The session's inputs as canonical JSON text, written once (the workflow's own format).
    public var settings: String
    /// Cleaned training rows, in arrival order.
    public var cleaned: [CleanedRowRecord]
    /// Labels of acquired pool rows, in arrival order.
    public var labels: [AcquiredLabelRecord]
    /// The loop's rounds, by number (empty for `clean` sessions).
    public var rounds: [ImproveRoundRecord]

    public init(
        id: String, kind: Kind, createdAt: String, settings: String, cleaned: [CleanedRowRecord], labels: [AcquiredLabelRecord],
        rounds: [ImproveRoundRecord]
    ) {
        self.id = id
        self.kind = kind
        self.createdAt = createdAt
        self.settings = settings
        self.cleaned = cleaned
        self.labels = labels
        self.rounds = rounds
    }

    /// The round waiting for the person's answers, if any.
    public var openRound: ImproveRoundRecord? { rounds.last.flatMap { $0.outcome == nil ? $0 : nil } }
}

/// One training row the person cleaned: its 0-based data row and every feature value, in the
/// training file's units; `round` is the improvement round it answered (nil in a `clean` session).
public struct CleanedRowRecord: Sendable, Equatable {
    public var row: Int
    public var values: [Double]
    public var round: Int?

    public init(row: Int, values: [Double], round: Int? = nil) {
        self.row = row
        self.values = values
        self.round = round
    }
}

/// The label the person gave a pool row (0-based data row of the pool file) in round `round`.
public struct AcquiredLabelRecord: Sendable, Equatable {
    public var poolRow: Int
    public var label: String
    public var round: Int

    public init(poolRow: Int, label: String, round: Int) {
        self.poolRow = poolRow
        self.label = label
        self.round = round
    }
}

/// One round of an improvement loop: the arm picked, the rows shown (training rows to clean or pool
/// rows to label) and why, and, once the answers are in, what it brought.
public struct ImproveRoundRecord: Sendable, Equatable {
    /// What a round brought, set once when it is applied.
    public struct Outcome: Sendable, Equatable {
        /// Human effort spent, in the session's cost units (rows × cost per row).
        public var effort: Double
        /// The accuracy ceiling (1 − Cover–Hart bound) measured after the answers, in [0, 1].
        public var ceiling: Double
        /// The change of the ceiling per unit of effort, the arm's reward.
        public var reward: Double

        public init(effort: Double, ceiling: Double, reward: Double) {
            self.effort = effort
            self.ceiling = ceiling
            self.reward = reward
        }
    }

    /// 1-based round number.
    public var round: Int
    /// `clean` or `acquire`.
    public var arm: String
    /// The rows shown, best first.
    public var batch: [Int]
    /// Why this arm (the choice rule's numbers).
    public var reason: String
    public var outcome: Outcome?

    public init(round: Int, arm: String, batch: [Int], reason: String, outcome: Outcome? = nil) {
        self.round = round
        self.arm = arm
        self.batch = batch
        self.reason = reason
        self.outcome = outcome
    }
}
