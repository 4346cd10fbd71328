import Foundation

/// The exact test for one Bernoulli mean (statistics.md, method 4).
///
/// With N trials the gate certifies x > p₀ when the success count reaches the critical count t,
/// the smallest t with P_{p₀}(X ≥ t) ≤ δ′ (so a false certification has probability ≤ δ′ for
/// every x ≤ p₀). The test *separates* p₀ from p₁ when also P_{p₁}(X < t) ≤ δ′. The tails are
/// exact (regularized incomplete beta in log space), not approximations.
public enum ExactBinomialTest {
    /// Sample sizes above this are not searched exactly; the Chernoff size is used instead.
    public static let largestExactSearch = 20_000_000

    /// The smallest count t ∈ 0…N+1 with ln P_{p₀}(X ≥ t) ≤ `logDelta`.
    public static func criticalCount(trials: Int, null p0: Double, logDelta: Double) -> Int {
        let distribution = BinomialDistribution(trials: trials, probability: p0)
        var lo = -1
        var hi = trials + 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if distribution.logSurvival(mid) <= logDelta { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Whether `trials` examples separate x ≤ p₀ from x ≥ p₁ with both errors ≤ e^logDelta.
    public static func separates(trials: Int, null p0: Double, alternative p1: Double, logDelta: Double) -> Bool {
        let t = criticalCount(trials: trials, null: p0, logDelta: logDelta)
        return missesAlternative(trials: trials, critical: t, alternative: p1, logDelta: logDelta)
    }

    private static func missesAlternative(trials: Int, critical t: Int, alternative p1: Double, logDelta: Double) -> Bool {
        if t > trials { return false }
        return BinomialDistribution(trials: trials, probability: min(p1, 1)).logCDF(t - 1) <= logDelta
    }

    /// The smallest *stable* N: every N′ ≥ N separates p₀ from p₁ (the exact tail is not
    /// monotone in N). `nil` when the search would exceed `largestExactSearch`.
    ///
    /// Every N at or above the Chernoff size separates (the Chernoff threshold is a valid
    /// critical value there), so scanning down from it to the first failure finds the stable N.
    public static func stableSampleSize(null p0: Double, alternative p1: Double, logDelta: Double) -> Int? {
        if p0 <= 0 {
            // Certifying x > 0 needs one success; the power side needs (1 − p₁)^N ≤ δ′.
            return p1 >= 1 ? 1 : max(1, Int((logDelta / log1p(-p1)).rounded(.up)))
        }
        if p1 >= 1 {
            // The alternative is x = 1: only the null side costs, p₀^N ≤ δ′ with t = N.
            return max(1, Int((logDelta / log(p0)).rounded(.up)))
        }
        let chernoff = ChernoffBound.sampleSize(null: p0, alternative: p1, logDelta: logDelta)
        guard chernoff.isFinite, chernoff < Double(largestExactSearch) else { return nil }
        var n = Int(chernoff.rounded(.up)) + 1
        var t = criticalCount(trials: n, null: p0, logDelta: logDelta)
        while !missesAlternative(trials: n, critical: t, alternative: p1, logDelta: logDelta) {
            n += 1
            t = criticalCount(trials: n, null: p0, logDelta: logDelta)
        }
        // Walk down: the critical count of N − 1 is t or t − 1.
        while n > 1 {
            let candidate = n - 1
            let below = BinomialDistribution(trials: candidate, probability: p0)
            let tNext = t - 1 >= 0 && below.logSurvival(t - 1) <= logDelta ? t - 1 : t
            guard below.logSurvival(tNext) <= logDelta,
                missesAlternative(trials: candidate, critical: tNext, alternative: p1, logDelta: logDelta)
            else { break }
            n = candidate
            t = tNext
        }
        return n
    }
}
