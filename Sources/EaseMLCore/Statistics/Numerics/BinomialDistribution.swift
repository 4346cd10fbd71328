#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The binomial distribution Binomial(n, p), with every probability returned as a natural log.
///
/// `logPMF` uses Loader's saddle-point formula; the tails use `IncompleteBeta`
/// (`P(X ≥ k) = I_p(k, n − k + 1)`), so tails as small as `e^-5000` and below are returned with a
/// relative error of about `1e-13 + |result|·1e-16` in the represented probability. `-infinity` means
/// the probability is exactly 0; no NaN is returned for valid parameters.
public struct BinomialDistribution: Sendable, Hashable {
    /// The number of trials `n ≥ 0`.
    public let trials: Int
    /// The success probability `p ∈ [0, 1]`.
    public let probability: Double

    /// Creates Binomial(`trials`, `probability`); traps unless `trials ≥ 0` and `0 ≤ probability ≤ 1`.
    public init(trials: Int, probability: Double) {
        precondition(trials >= 0, "BinomialDistribution needs trials ≥ 0")
        precondition(probability >= 0 && probability <= 1, "BinomialDistribution needs 0 ≤ p ≤ 1")
        self.trials = trials
        self.probability = probability
    }

    /// `ln P(X = k)`; `-infinity` for `k < 0` or `k > n` and wherever the mass is exactly 0.
    public func logPMF(_ k: Int) -> Double {
        let n = trials, p = probability
        if k < 0 || k > n { return -.infinity }
        if p == 0 { return k == 0 ? 0 : -.infinity }
        if p == 1 { return k == n ? 0 : -.infinity }
        let q = 1 - p
        let logP = log(p), logQ = log1p(-p)
        if k == 0 { return Double(n) * logQ }
        if k == n { return Double(n) * logP }
        return Stirling.logBinomialDensity(a: Double(k), b: Double(n - k), x: p, y: q, logX: logP, logY: logQ)
    }

    /// `ln P(X ≥ k)`: `0` for `k ≤ 0`, `-infinity` for `k > n`.
    public func logSurvival(_ k: Int) -> Double {
        let n = trials, p = probability
        if k <= 0 { return 0 }
        if k > n || p == 0 { return -.infinity }
        if p == 1 { return 0 }
        return IncompleteBeta.logLower(x: p, y: 1 - p, a: Double(k), b: Double(n - k + 1))
    }

    /// `ln P(X ≤ k)`: `-infinity` for `k < 0`, `0` for `k ≥ n`.
    public func logCDF(_ k: Int) -> Double {
        let n = trials, p = probability
        if k < 0 { return -.infinity }
        if k >= n || p == 0 { return 0 }
        if p == 1 { return -.infinity }
        return IncompleteBeta.logLower(x: 1 - p, y: p, a: Double(n - k), b: Double(k + 1))
    }
}
