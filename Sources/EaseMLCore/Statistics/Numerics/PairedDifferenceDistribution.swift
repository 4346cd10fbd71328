#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exact distribution of a paired difference `S = Σᵢ Xᵢ` of `N` i.i.d. outcomes
/// `Xᵢ ∈ {−1, 0, +1}` with `P(Xᵢ = +1) = π₊` and `P(Xᵢ = −1) = π₋` (a trinomial walk).
///
/// For two models scored on the same examples, `Xᵢ = newCorrectᵢ − oldCorrectᵢ`: the disagreement
/// probability is `p = π₊ + π₋` and the mean per example is `Δ = π₊ − π₋`. Probabilities are natural logs.
///
/// Method: condition on the number of non-zero outcomes `D ~ Binomial(N, p)`; given `D`, the `+1`
/// count is `Binomial(D, q)` with `q = π₊/p`, and `S ≥ s ⟺ (+1 count) ≥ ⌈(D + s)/2⌉`, so
/// `P(S ≥ s) = Σ_D P(D) · P(Bin(D, q) ≥ ⌈(D + s)/2⌉)`.
///
/// Only a window of `D` values around the bulk of the terms is summed exactly. The result is a
/// **rigorous upper bound** on the true tail (up to floating-point rounding of order 1e-12 relative):
/// - every `D` outside the window contributes at most `P(D)`, so the excluded binomial masses
///   `P(D < lo)` and `P(D > hi)` (exact binomial tails) are **added** to the sum; the window is grown
///   until each of these is ≤ 2·10⁻¹³ × the running sum, so the overestimate is ≤ 1e-12 relative;
/// - inside the window, a `D` whose cheap bound `P(D) · exp(−D·KL(m/D ‖ q))` (Chernoff) is below
///   `10⁻²⁰ ×` the running sum is counted at that bound instead of its exact value (total effect
///   ≤ `N · 10⁻²⁰` relative).
/// Hence the returned tail is ≥ the true tail and within a relative `1e-9` (in practice ~1e-12) of it.
///
/// Cost: the terms of each stretch of the window are summed by exact three-term recurrences in `D`
/// (`PairedTailRecurrence`: one incomplete-beta evaluation per monotone run of the binomial tail, a
/// few flops per term), so a tail costs a handful of incomplete betas however wide the window;
/// summing term by term (one incomplete beta each, the method before) remains as the fallback and as
/// the reference the tests compare with.
public struct PairedDifferenceDistribution: Sendable, Hashable {
    /// The number of outcomes `N ≥ 0`.
    public let trials: Int
    /// `π₊ = P(Xᵢ = +1)`.
    public let plusProbability: Double
    /// `π₋ = P(Xᵢ = −1)`.
    public let minusProbability: Double

    /// Creates the distribution; traps unless `N ≥ 0`, `π₊, π₋ ≥ 0` and `π₊ + π₋ ≤ 1`
    /// (a sum exceeding 1 by at most 1e-12, e.g. from rounding, is accepted).
    public init(trials: Int, plusProbability: Double, minusProbability: Double) {
        precondition(trials >= 0, "PairedDifferenceDistribution needs trials ≥ 0")
        precondition(plusProbability >= 0 && minusProbability >= 0, "probabilities must be ≥ 0")
        precondition(plusProbability + minusProbability <= 1 + 1e-12, "π₊ + π₋ must be ≤ 1")
        self.trials = trials
        self.plusProbability = plusProbability
        self.minusProbability = minusProbability
    }

    /// `ln P(S ≥ s)` (a rigorous upper bound within 1e-12 relative, see the type documentation):
    /// `0` for `s ≤ −N` and `-infinity` exactly when the probability is 0.
    public func logSurvival(_ s: Int) -> Double {
        Self.logUpperTail(trials: trials, plus: plusProbability, minus: minusProbability, threshold: s)
    }

    /// `ln P(S ≤ s) = ln P(−S ≥ −s)` (same guarantees as `logSurvival`).
    public func logCDF(_ s: Int) -> Double {
        if s == Int.min { return -.infinity }
        return Self.logUpperTail(trials: trials, plus: minusProbability, minus: plusProbability, threshold: -s)
    }

    private static let logRelativeCutoff = log(2e-13)
    private static let logNegligible = log(1e-20)

    /// `ln P(S ≥ s)` for the walk with the given step probabilities.
    static func logUpperTail(trials n: Int, plus: Double, minus: Double, threshold s: Int, direct: Bool = false) -> Double {
        if s <= -n { return 0 }
        if s > n { return -.infinity }
        let p = Swift.min(1, plus + minus)
        if p == 0 { return s <= 0 ? 0 : -.infinity }
        let q = Swift.min(1, plus / p)
        if plus == 0 { return s <= 0 ? logUpperTailNoPlus(n: n, p: p, s: s) : -.infinity }
        let disagreements = BinomialDistribution(trials: n, probability: p)
        // Terms with D < s vanish (fewer non-zero steps than s cannot reach s).
        let first = Swift.max(0, s)
        let center = Swift.min(n, Swift.max(first, Int((Double(n) * p).rounded())))

        var logSum = -Double.infinity
        var lo = center
        var hi = center - 1
        var lowDone = false
        var highDone = false
        var step = 16
        // Each new stretch of D is summed as a block: by recurrence (`PairedTailRecurrence`) unless
        // `direct` asks for one incomplete beta per term (the reference the tests compare against).
        func block(_ a: Int, _ b: Int) -> Double {
            if !direct, p < 1, let sum = PairedTailRecurrence.logBlockSum(n: n, p: p, q: q, threshold: s, from: a, to: b) {
                return sum
            }
            var blockSum = -Double.infinity
            for d in a...b {
                blockSum = LogSpace.logAdd(blockSum, term(d, s: s, q: q, disagreements: disagreements, logSum: Swift.max(logSum, blockSum)))
            }
            return blockSum
        }
        if !direct {
            // A first window of ±8 standard deviations of D (the loop below widens it as needed).
            step = Swift.max(16, Int((8 * (Double(n) * p * (1 - p)).squareRoot()).rounded(.up)))
        }
        while true {
            if !highDone {
                let target = Swift.min(n, hi + step)
                if hi < target {
                    logSum = LogSpace.logAdd(logSum, block(hi + 1, target))
                    hi = target
                }
            }
            if !lowDone {
                let target = Swift.max(first, lo - step)
                if lo > target {
                    logSum = LogSpace.logAdd(logSum, block(target, lo - 1))
                    lo = target
                }
            }
            if logSum > -.infinity {
                highDone = highDone || hi >= n
                    || disagreements.logSurvival(hi + 1) <= logSum + logRelativeCutoff
                lowDone = lowDone || lo <= first
                    || disagreements.logCDF(lo - 1) <= logSum + logRelativeCutoff
            } else {
                highDone = hi >= n
                lowDone = lo <= first
            }
            if highDone && lowDone { break }
            step *= 2
        }
        let excludedHigh = hi >= n ? -Double.infinity : disagreements.logSurvival(hi + 1)
        let excludedLow = lo <= first ? -Double.infinity : disagreements.logCDF(lo - 1)
        return Swift.min(0, LogSpace.logSumExp([logSum, excludedHigh, excludedLow]))
    }

    /// One summand `ln[P(D = d) · P(Bin(d, q) ≥ ⌈(d + s)/2⌉)]`, or a cheap upper bound on it when that
    /// bound is negligible against the running sum.
    private static func term(_ d: Int, s: Int, q: Double, disagreements: BinomialDistribution, logSum: Double) -> Double {
        let logWeight = disagreements.logPMF(d)
        if logWeight == -.infinity { return logWeight }
        let needed = PairedTailRecurrence.ceilHalf(d + s)
        if needed <= 0 { return logWeight }
        if needed > d { return -.infinity }
        let fraction = Double(needed) / Double(d)
        if fraction > q {
            let bound = logWeight - Double(d) * BernoulliDivergence.kl(fraction, q)
            if bound < logSum + logNegligible { return bound }
        }
        return logWeight + BinomialDistribution(trials: d, probability: q).logSurvival(needed)
    }

    /// `ln P(S ≥ s)` for `s ≤ 0` when `π₊ = 0`: `S = −D`, so the event is `D ≤ −s`.
    private static func logUpperTailNoPlus(n: Int, p: Double, s: Int) -> Double {
        BinomialDistribution(trials: n, probability: p).logCDF(-s)
    }
}
