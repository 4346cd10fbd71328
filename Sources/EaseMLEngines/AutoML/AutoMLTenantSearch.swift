#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One tenant's GP-UCB search over its finite arms (`automl.md`, "Choosing the arm within a tenant").
///
/// ucb(k) = mean(k) + sqrt(β)·sqrt(var(k)) with β = m·ln(K·t²/δ), t = evaluations (including arms in
/// flight) + 1, m the β multiplier (1 in the reference). Evaluated, failed and running arms are never
/// proposed again. The chosen arm is argmax ucb (first index on ties), or, when `costAware` and the
/// tenant has an evaluation, argmax (ucb − best)/ĉ.
public struct AutoMLTenantSearch: Sendable, Hashable {
    public private(set) var process: ArmGaussianProcess
    /// ĉ per arm, or nil when no cost is known.
    public let expectedCosts: [Double]?
    public let delta: Double
    public let betaMultiplier: Double
    /// The best score observed so far, nil before the first evaluation.
    public private(set) var bestScore: Double?
    /// best_i of the reference: the best score so far, 0 before the first evaluation.
    public var best: Double { bestScore ?? 0 }
    /// Arms whose trial failed (never proposed again, no score).
    public private(set) var failedArms: [Int] = []

    public static let defaultDelta = 0.1

    public init(
        prior: AutoMLArmPrior, expectedCosts: [Double]? = nil, noiseSD: Double = ArmGaussianProcess.defaultNoiseSD,
        delta: Double = defaultDelta, betaMultiplier: Double = 1
    ) throws(AutoMLError) {
        guard delta > 0, delta < 1 else { throw .invalidSetting("δ must be in (0, 1), got \(delta)") }
        guard betaMultiplier.isFinite, betaMultiplier >= 0 else { throw .invalidSetting("the β multiplier must be finite and ≥ 0, got \(betaMultiplier)") }
        if let costs = expectedCosts {
            guard costs.count == prior.armCount else { throw .armCount(what: "the expected costs", expected: prior.armCount, found: costs.count) }
            for (k, cost) in costs.enumerated() where !(cost > 0 && cost.isFinite) { throw .nonPositiveCost(what: "the expected cost of arm \(k)", value: cost) }
        }
        self.process = try ArmGaussianProcess(prior: prior, noiseSD: noiseSD)
        self.expectedCosts = expectedCosts
        self.delta = delta
        self.betaMultiplier = betaMultiplier
    }

    public var armCount: Int { process.armCount }
    public var evaluations: Int { process.observedArms.count }
    public var pendingArms: [Int] { process.pendingArms }

    /// Whether `arm` may still be proposed.
    public func isAvailable(_ arm: Int) -> Bool {
        !process.observedArms.contains(arm) && !process.pendingArms.contains(arm) && !failedArms.contains(arm)
    }

    /// Whether any arm may still be proposed.
    public var hasAvailableArm: Bool { (0..<armCount).contains(where: isAvailable) }

    /// β for the next proposal.
    public var beta: Double {
        let t = Double(evaluations + process.pendingArms.count + failedArms.count + 1)
        return betaMultiplier * log(Double(armCount) * t * t / delta)
    }

    /// ucb(k) for every arm; −∞ for arms that cannot be proposed.
    public var ucb: [Double] {
        let root = beta.squareRoot()
        return (0..<armCount).map { k in
            isAvailable(k) ? process.mean[k] + root * process.variance[k].squareRoot() : -Double.infinity
        }
    }

    /// The arm this tenant would run next, or nil when every arm is evaluated, failed or running.
    public func proposal(tenant: Int, costAware: Bool) -> AutoMLProposal? {
        let bounds = ucb
        let root = beta.squareRoot()
        var chosen: Int?
        var bestScore = -Double.infinity
        let useCosts = costAware && evaluations > 0 ? expectedCosts : nil
        for k in 0..<armCount where bounds[k] > -Double.infinity {
            let score = useCosts.map { (bounds[k] - best) / $0[k] } ?? bounds[k]
            if chosen == nil || score > bestScore {
                chosen = k
                bestScore = score
            }
        }
        guard let arm = chosen else { return nil }
        return AutoMLProposal(
            tenant: tenant, arm: arm, ucb: bounds[arm], width: root * process.variance[arm].squareRoot(), gap: bounds[arm] - best,
            expectedCost: expectedCosts?[arm])
    }

    /// Marks `arm` as running.
    public mutating func start(arm: Int) throws(AutoMLError) {
        guard arm >= 0, arm < armCount, isAvailable(arm) else { throw .unknownArm(tenant: -1, arm: arm) }
        try process.addPending(arm: arm)
    }

    /// Records the score of a running arm.
    public mutating func observe(arm: Int, score: Double) throws(AutoMLError) {
        guard process.pendingArms.contains(arm) else { throw .notPending(tenant: -1, arm: arm) }
        try process.observe(arm: arm, score: score)
        bestScore = max(bestScore ?? score, score)
    }

    /// Records that a running arm failed (no score; never proposed again).
    public mutating func fail(arm: Int) throws(AutoMLError) {
        guard process.pendingArms.contains(arm) else { throw .notPending(tenant: -1, arm: arm) }
        process.removePending(arm: arm)
        failedArms.append(arm)
    }
}
