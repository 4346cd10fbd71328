/// The GP posterior over one tenant's finite arms (`automl.md`, "Per-tenant GP").
///
/// After observing arms a with scores y (noise sd σₙ):
/// mean = μ0 + Σ[:,a]·(Σ[a,a] + σₙ²I)⁻¹·(y − μ0[a]),
/// var = diag(Σ) − diag(Σ[:,a](Σ[a,a] + σₙ²I)⁻¹Σ[a,:]), floored at 1e-12.
/// Solved through a Cholesky factor of Σ[a,a] + σₙ²I (at most K×K), refactored after each change;
/// should a pivot still come out non-positive through rounding, growing jitter is added.
///
/// Pending arms (trials in flight) are "fantasies" (GP-BUCB): they count as observed at their
/// posterior mean, which leaves the mean unchanged and shrinks the variance; so the mean is
/// conditioned on the real observations and the variance on real and pending arms.
public struct ArmGaussianProcess: Sendable, Hashable {
    public let prior: AutoMLArmPrior
    /// σₙ².
    public let noiseVariance: Double
    /// Observed arms, in observation order, and their scores.
    public private(set) var observedArms: [Int] = []
    public private(set) var observedScores: [Double] = []
    /// Arms in flight (fantasies).
    public private(set) var pendingArms: [Int] = []
    /// The posterior mean per arm.
    public private(set) var mean: [Double]
    /// The posterior variance per arm (≥ `varianceFloor`).
    public private(set) var variance: [Double]

    /// The observation noise sd of the reference.
    public static let defaultNoiseSD = 0.01
    public static let varianceFloor = 1e-12

    public var armCount: Int { prior.armCount }

    public init(prior: AutoMLArmPrior, noiseSD: Double = defaultNoiseSD) throws(AutoMLError) {
        guard noiseSD.isFinite, noiseSD >= 0 else { throw .invalidSetting("the noise sd must be finite and ≥ 0, got \(noiseSD)") }
        self.prior = prior
        self.noiseVariance = noiseSD * noiseSD
        self.mean = prior.mean
        let k = prior.armCount
        self.variance = (0..<k).map { max(prior.covariance[$0 * k + $0], Self.varianceFloor) }
    }

    /// Records the score of `arm` (and drops it from the pending arms if it was there).
    public mutating func observe(arm: Int, score: Double) throws(AutoMLError) {
        guard arm >= 0, arm < armCount else { throw .unknownArm(tenant: -1, arm: arm) }
        guard score.isFinite else { throw .notFinite(what: "the score of arm \(arm)") }
        pendingArms.removeAll { $0 == arm }
        observedArms.append(arm)
        observedScores.append(score)
        update()
    }

    /// Marks `arm` as in flight (a fantasy at its posterior mean).
    public mutating func addPending(arm: Int) throws(AutoMLError) {
        guard arm >= 0, arm < armCount else { throw .unknownArm(tenant: -1, arm: arm) }
        guard !pendingArms.contains(arm) else { return }
        pendingArms.append(arm)
        update()
    }

    /// Drops `arm` from the pending arms without an observation (a failed trial).
    public mutating func removePending(arm: Int) {
        guard pendingArms.contains(arm) else { return }
        pendingArms.removeAll { $0 == arm }
        update()
    }

    private mutating func update() {
        let k = armCount
        let sigma = prior.covariance
        let mu0 = prior.mean
        // Mean: conditioned on the real observations.
        var newMean = mu0
        if !observedArms.isEmpty {
            let factor = Self.cholesky(arms: observedArms, covariance: sigma, k: k, noise: noiseVariance)
            var alpha = zip(observedArms, observedScores).map { $1 - mu0[$0] }
            Self.solveLower(factor, &alpha)
            Self.solveUpper(factor, &alpha)
            for j in 0..<k {
                var sum = 0.0
                for (index, arm) in observedArms.enumerated() { sum += sigma[j * k + arm] * alpha[index] }
                newMean[j] = mu0[j] + sum
            }
        }
        // Variance: conditioned on the real and the pending arms.
        // Sorted, so that the same set of arms gives bitwise the same variances (exact ties between tenants).
        let conditioning = (observedArms + pendingArms).sorted()
        var newVariance = (0..<k).map { sigma[$0 * k + $0] }
        if !conditioning.isEmpty {
            let factor = Self.cholesky(arms: conditioning, covariance: sigma, k: k, noise: noiseVariance)
            var column = [Double](repeating: 0, count: conditioning.count)
            for j in 0..<k {
                for (index, arm) in conditioning.enumerated() { column[index] = sigma[arm * k + j] }
                Self.solveLower(factor, &column)
                var squares = 0.0
                for value in column { squares += value * value }
                newVariance[j] -= squares
            }
        }
        mean = newMean
        variance = newVariance.map { max($0, Self.varianceFloor) }
    }

    /// A lower-triangular Cholesky factor of Σ[a,a] + σₙ²I (row-major n×n).
    struct Factor {
        var n: Int
        var lower: [Double]
    }

    static func cholesky(arms: [Int], covariance sigma: [Double], k: Int, noise: Double) -> Factor {
        let n = arms.count
        var jitter = 0.0
        while true {
            var l = [Double](repeating: 0, count: n * n)
            var ok = true
            outer: for i in 0..<n {
                for j in 0...i {
                    var sum = sigma[arms[i] * k + arms[j]]
                    if i == j { sum += noise + jitter }
                    for m in 0..<j { sum -= l[i * n + m] * l[j * n + m] }
                    if i == j {
                        guard sum > 0, sum.isFinite else { ok = false; break outer }
                        l[i * n + i] = sum.squareRoot()
                    } else {
                        l[i * n + j] = sum / l[j * n + j]
                    }
                }
            }
            if ok { return Factor(n: n, lower: l) }
            jitter = jitter == 0 ? 1e-12 : jitter * 10
        }
    }

    /// x ← L⁻¹x.
    static func solveLower(_ f: Factor, _ x: inout [Double]) {
        for i in 0..<f.n {
            var sum = x[i]
            for m in 0..<i { sum -= f.lower[i * f.n + m] * x[m] }
            x[i] = sum / f.lower[i * f.n + i]
        }
    }

    /// x ← L⁻ᵀx.
    static func solveUpper(_ f: Factor, _ x: inout [Double]) {
        var i = f.n - 1
        while i >= 0 {
            var sum = x[i]
            for m in (i + 1)..<f.n { sum -= f.lower[m * f.n + i] * x[m] }
            x[i] = sum / f.lower[i * f.n + i]
            i -= 1
        }
    }
}
