/// The multi-tenant scheduler (`automl.md`): per tenant a GP-UCB search, across tenants a policy
/// deciding whom the next free worker serves.
///
/// - Warm start: the first picks serve each tenant once, in index order.
/// - Then among tenants with an available arm: `round_robin` (a cyclic pointer starting at tenant 0
///   after the warm start, skipping tenants with nothing to run), `random` (uniform, seeded),
///   `max_width`, `max_gap`, `cost_gap` (gap / ĉ); ties go to the lowest tenant index.
/// - Several workers: `next()` marks the arm as running; until `observe`/`fail`, the tenant treats it
///   as evaluated at its posterior mean ("fantasy"), so no two workers get the same arm.
/// - `cost_gap` needs every tenant's expected costs; when some are unknown it runs as `max_gap`
///   (`effectivePolicy`).
///
/// A value type: copy it to checkpoint, and the seed plus the sequence of calls replay it exactly.
public struct AutoMLScheduler: Sendable {
    public private(set) var tenants: [AutoMLTenantSearch]
    public let policy: AutoMLPolicy
    public let seed: UInt64
    /// The policy actually applied (`cost_gap` without known costs is `max_gap`).
    public let effectivePolicy: AutoMLPolicy
    private var random: SeededRandomGenerator
    /// The next tenant of the warm start (== tenants.count once it is over).
    public private(set) var warmStartPointer = 0
    /// The round-robin pointer.
    public private(set) var roundRobinPointer = 0
    /// Picks made so far.
    public private(set) var picks = 0

    public init(tenants: [AutoMLTenantSearch], policy: AutoMLPolicy, seed: UInt64 = 1) {
        self.tenants = tenants
        self.policy = policy
        self.seed = seed
        self.random = SeededRandomGenerator(seed: seed)
        self.effectivePolicy = policy == .costGap && tenants.contains { $0.expectedCosts == nil } ? .maxGap : policy
    }

    /// Each tenant's current proposal (nil for tenants with nothing left to run).
    public var proposals: [AutoMLProposal?] {
        let costAware = effectivePolicy == .costGap
        return tenants.indices.map { tenants[$0].proposal(tenant: $0, costAware: costAware) }
    }

    /// Chooses the next (tenant, arm), marks it running and returns it; nil when no tenant has an
    /// arm left to run (all evaluated, failed or running).
    public mutating func next() -> AutoMLProposal? {
        guard let proposal = choose() else { return nil }
        // The arm is available by construction.
        try? tenants[proposal.tenant].start(arm: proposal.arm)
        picks += 1
        return proposal
    }

    private mutating func choose() -> AutoMLProposal? {
        let costAware = effectivePolicy == .costGap
        while warmStartPointer < tenants.count {
            let i = warmStartPointer
            warmStartPointer += 1
            if let proposal = tenants[i].proposal(tenant: i, costAware: costAware) { return proposal }
        }
        switch effectivePolicy {
        case .roundRobin:
            for _ in 0..<tenants.count {
                let i = roundRobinPointer % tenants.count
                roundRobinPointer = (i + 1) % tenants.count
                if let proposal = tenants[i].proposal(tenant: i, costAware: false) { return proposal }
            }
            return nil
        case .random:
            let open = tenants.indices.filter { tenants[$0].hasAvailableArm }
            guard !open.isEmpty else { return nil }
            let i = open[random.below(open.count)]
            return tenants[i].proposal(tenant: i, costAware: false)
        case .maxWidth, .maxGap, .costGap:
            var chosen: AutoMLProposal?
            var bestValue = -Double.infinity
            for i in tenants.indices {
                guard let proposal = tenants[i].proposal(tenant: i, costAware: costAware) else { continue }
                let value: Double
                switch effectivePolicy {
                case .maxWidth: value = proposal.width
                case .costGap: value = proposal.gap / (proposal.expectedCost ?? 1)
                default: value = proposal.gap
                }
                if chosen == nil || value > bestValue {
                    chosen = proposal
                    bestValue = value
                }
            }
            return chosen
        }
    }

    /// Replays a trial recorded earlier (resuming a stored search): marks the arm running, then
    /// observes its score, or records its failure when `score` is nil and `failed`. A tenant with a
    /// restored trial has had its warm-start turn.
    public mutating func restore(tenant: Int, arm: Int, score: Double?, failed: Bool) throws(AutoMLError) {
        guard tenants.indices.contains(tenant) else { throw .unknownArm(tenant: tenant, arm: arm) }
        do { try tenants[tenant].start(arm: arm) } catch { throw Self.located(error, tenant: tenant) }
        picks += 1
        if warmStartPointer == tenant { warmStartPointer += 1 }
        if let score { try observe(tenant: tenant, arm: arm, score: score) } else if failed { try fail(tenant: tenant, arm: arm) }
    }

    /// Records the score of a running trial.
    public mutating func observe(tenant: Int, arm: Int, score: Double) throws(AutoMLError) {
        guard tenants.indices.contains(tenant) else { throw .unknownArm(tenant: tenant, arm: arm) }
        do { try tenants[tenant].observe(arm: arm, score: score) } catch { throw Self.located(error, tenant: tenant) }
    }

    /// Records that a running trial failed or timed out (the arm is not proposed again).
    public mutating func fail(tenant: Int, arm: Int) throws(AutoMLError) {
        guard tenants.indices.contains(tenant) else { throw .unknownArm(tenant: tenant, arm: arm) }
        do { try tenants[tenant].fail(arm: arm) } catch { throw Self.located(error, tenant: tenant) }
    }

    private static func located(_ error: AutoMLError, tenant: Int) -> AutoMLError {
        switch error {
        case .notPending(_, let arm): return .notPending(tenant: tenant, arm: arm)
        case .unknownArm(_, let arm): return .unknownArm(tenant: tenant, arm: arm)
        default: return error
        }
    }
}
