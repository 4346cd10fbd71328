/// One tenant's candidate for the next trial: the arm it would run and the numbers the
/// cross-tenant policies compare.
public struct AutoMLProposal: Sendable, Hashable, Codable {
    public var tenant: Int
    public var arm: Int
    /// ucb(arm) = mean + sqrt(β)·sqrt(var).
    public var ucb: Double
    /// sqrt(β)·sqrt(var(arm)).
    public var width: Double
    /// ucb(arm) − best (best = 0 before the first evaluation).
    public var gap: Double
    /// The arm's expected cost ĉ, or nil when no cost is known.
    public var expectedCost: Double?
}
