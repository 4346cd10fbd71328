import EaseMLCore

/// The budget of one test set now: what `status` shows.
public struct BudgetState: Sendable, Equatable {
    public var testSetID: String
    public var adaptivity: Adaptivity
    /// H.
    public var steps: Int
    public var stepsUsed: Int
    public var stepsLeft: Int
    public var bitsUsed: Double
    public var bitsLeft: Double
    /// Charged evaluations that passed.
    public var passes: Int
    public var retired: Bool
    public var retiredReason: String?
    public var released: Bool

    /// No steps left.
    public var exhausted: Bool { stepsLeft == 0 }
    /// Whether a new (non-replayed) evaluation would be charged rather than refused.
    public var canCharge: Bool { !retired && !exhausted }
}
