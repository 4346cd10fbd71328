/// Which tenant the shared workers serve next (`automl.md`, "Choosing the tenant").
public enum AutoMLPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The next tenant in cyclic index order.
    case roundRobin = "round_robin"
    /// Uniformly at random (seeded).
    case random
    /// "Most uncertain": the largest UCB width sqrt(β)·sd of the tenant's proposed arm.
    case maxWidth = "max_width"
    /// The largest gap ucb(a) − best.
    case maxGap = "max_gap"
    /// The largest gap per expected cost; within a tenant, the arm with the largest
    /// (ucb − best)/ĉ once the tenant has an evaluation. Needs expected costs.
    case costGap = "cost_gap"
}
