/// Replays the scheduler offline against known scores and costs (`automl.md`, "Reference results").
///
/// Each tenant has true scores and true costs per arm, a prior and (for `cost_gap`) expected costs.
/// W workers keep W trials in flight; a trial started at time s ends at s + its cost (1 on the
/// `evaluations` clock, the true cost on the `cost` clock), then its score is observed, the freed
/// worker takes the next pick, and the global regret (mean over tenants of optimum − best found,
/// with best = 0 before a tenant's first evaluation) is recorded. Trials ending at the same time
/// complete in the order they started. The run goes on until every arm of every tenant is evaluated.
public struct AutoMLSimulation: Sendable {
    /// What the clock counts.
    public enum Clock: String, Sendable, Hashable, Codable, CaseIterable {
        /// One unit per trial.
        case evaluations
        /// The true cost of each trial (fit seconds in the reference).
        case cost
    }

    public var trueScores: [[Double]]
    public var trueCosts: [[Double]]
    public var priors: [AutoMLArmPrior]
    public var expectedCosts: [[Double]?]
    public var policy: AutoMLPolicy
    public var clock: Clock
    public var workers: Int
    public var seed: UInt64
    public var betaMultiplier: Double

    public init(
        trueScores: [[Double]], trueCosts: [[Double]], priors: [AutoMLArmPrior], expectedCosts: [[Double]?], policy: AutoMLPolicy,
        clock: Clock, workers: Int = 1, seed: UInt64 = 1, betaMultiplier: Double = 1
    ) throws(AutoMLError) {
        let n = trueScores.count
        guard n > 0 else { throw .invalidSetting("a simulation needs at least one tenant") }
        guard trueCosts.count == n, priors.count == n, expectedCosts.count == n else {
            throw .invalidSetting("a simulation needs true scores, true costs, a prior and expected costs for each tenant")
        }
        guard workers >= 1 else { throw .invalidSetting("a simulation needs at least one worker, got \(workers)") }
        for i in 0..<n {
            let k = priors[i].armCount
            guard trueScores[i].count == k else { throw .armCount(what: "the true scores of tenant \(i)", expected: k, found: trueScores[i].count) }
            guard trueCosts[i].count == k else { throw .armCount(what: "the true costs of tenant \(i)", expected: k, found: trueCosts[i].count) }
            guard trueScores[i].allSatisfy(\.isFinite) else { throw .notFinite(what: "a true score of tenant \(i)") }
            for (arm, cost) in trueCosts[i].enumerated() where !(cost > 0 && cost.isFinite) {
                throw .nonPositiveCost(what: "the true cost of arm \(arm) of tenant \(i)", value: cost)
            }
        }
        self.trueScores = trueScores
        self.trueCosts = trueCosts
        self.priors = priors
        self.expectedCosts = expectedCosts
        self.policy = policy
        self.clock = clock
        self.workers = workers
        self.seed = seed
        self.betaMultiplier = betaMultiplier
        _ = try makeScheduler()
    }

    /// The reference fixture for one split: `tenants` are served; the `prior` data sets' scores give
    /// every tenant the same learned prior and their costs the expected costs ĉ.
    public init(
        matrix: AutoMLScoreMatrix, tenants: [String], prior: [String], policy: AutoMLPolicy, clock: Clock, workers: Int = 1,
        seed: UInt64 = 1, betaMultiplier: Double = 1
    ) throws(AutoMLError) {
        var tenantRows: [Int] = []
        for name in tenants { tenantRows.append(try matrix.index(of: name)) }
        var priorRows: [Int] = []
        for name in prior { priorRows.append(try matrix.index(of: name)) }
        let k = matrix.models.count
        let armPrior = try AutoMLArmPrior.fromHistory(priorRows.map { matrix.scores[$0] }, armCount: k)
        let costs = try AutoMLArmPrior.expectedCosts(priorRows.map { matrix.costs[$0] }, armCount: k)
        try self.init(
            trueScores: tenantRows.map { matrix.scores[$0] }, trueCosts: tenantRows.map { matrix.costs[$0] },
            priors: [AutoMLArmPrior](repeating: armPrior, count: tenants.count), expectedCosts: [[Double]?](repeating: costs, count: tenants.count),
            policy: policy, clock: clock, workers: workers, seed: seed, betaMultiplier: betaMultiplier)
    }

    func makeScheduler() throws(AutoMLError) -> AutoMLScheduler {
        var searches: [AutoMLTenantSearch] = []
        for i in priors.indices {
            searches.append(try AutoMLTenantSearch(prior: priors[i], expectedCosts: expectedCosts[i], betaMultiplier: betaMultiplier))
        }
        return AutoMLScheduler(tenants: searches, policy: policy, seed: seed)
    }

    /// Runs the whole search (or stops after `maxTrials` completed trials).
    public func run(maxTrials: Int? = nil) -> AutoMLSimulationTrace {
        // The initialiser already built a scheduler from the same inputs.
        guard var scheduler = try? makeScheduler() else { return AutoMLSimulationTrace(initialRegret: 0, steps: []) }
        let optimum = trueScores.map { $0.max()! }
        var best = [Double](repeating: 0, count: trueScores.count)
        func regret() -> Double {
            var sum = 0.0
            for i in optimum.indices { sum += optimum[i] - best[i] }
            return sum / Double(optimum.count)
        }
        let initial = regret()
        struct Running { var proposal: AutoMLProposal; var start: Double; var finish: Double; var order: Int }
        var running: [Running] = []
        var steps: [AutoMLSimulationTrace.Step] = []
        var now = 0.0
        var started = 0
        let limit = maxTrials ?? Int.max
        while steps.count < limit {
            while running.count < workers, started < limit, let proposal = scheduler.next() {
                let cost = clock == .evaluations ? 1 : trueCosts[proposal.tenant][proposal.arm]
                running.append(Running(proposal: proposal, start: now, finish: now + cost, order: started))
                started += 1
            }
            guard let next = running.indices.min(by: { (running[$0].finish, running[$0].order) < (running[$1].finish, running[$1].order) }) else { break }
            let done = running.remove(at: next)
            now = done.finish
            let tenant = done.proposal.tenant
            let arm = done.proposal.arm
            let score = trueScores[tenant][arm]
            // The arm is running in this scheduler, so the observation is accepted.
            try? scheduler.observe(tenant: tenant, arm: arm, score: score)
            best[tenant] = max(best[tenant], score)
            steps.append(.init(tenant: tenant, arm: arm, score: score, start: done.start, finish: done.finish, regret: regret()))
        }
        return AutoMLSimulationTrace(initialRegret: initial, steps: steps)
    }
}
