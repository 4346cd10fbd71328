import Foundation

/// The paired test for Δ = n − o when nothing bounds the disagreement rate: conditional on the
/// number of discordant examples, with a confidence bound on the rate (statistics.md, method 5;
/// the argument is written down in `docs/statistics/conditional-paired-test.md`).
///
/// Per example the outcome is +1 (only the new model is right), −1 (only the old one is) or 0, with
/// π± = (p ± Δ)/2 and p the discordant rate. The discordant count D is Binomial(N, p); given D the
/// wins W (the +1 outcomes) are Binomial(D, q), q = π₊/p = ½ + Δ/(2p), whatever the rest of the
/// law. Under the null Δ ≤ c, q ≤ ½ + c/(2p), which depends on the unknown p; a one-sided
/// Clopper–Pearson bound on p from D at a share ρ of δ′ (a lower bound when c > 0, an upper one when
/// c < 0, none at c = 0) turns it into a known q₀(D), and W is tested against Binomial(D, q₀) at
/// the remaining (1 − ρ)·δ′. A false certification needs the bound to fail (≤ ρδ′) or, with the bound
/// right, the exact binomial test to fail (≤ (1 − ρ)δ′ given every D): the size is ≤ δ′ for every
/// law of the null, with no worst case over p to search. Only the D discordant examples need labels.
public enum ConditionalPairedTest {
    /// The share ρ of δ′ spent on the bound on p when c ≠ 0. Fixed in advance (choosing it after
    /// seeing the data would void the size); 0.1 is within 1 % of the best N over 0.02…0.3 on the
    /// statistics.md scenarios and EmoContext.
    public static let boundShare = 0.1

    /// One side's result: the conditional p-value and whether the side is certified.
    public struct Outcome: Sendable, Hashable {
        /// ln P(Binomial(D, q₀) ≥ wins): the conditional p-value at the bounded q₀.
        public var logPValue: Double
        /// The q₀ the wins were tested against.
        public var nullWinRate: Double
        /// True when the data certify the side at ln δ′.
        public var certified: Bool
    }

    /// Whether `wins` among `wins + losses` discordant examples out of `trials` certify Δ > c at
    /// ln δ′ = `logDelta`. For Δ < c call it with wins and losses swapped and −c.
    public static func certifiesAbove(wins: Int, losses: Int, trials: Int, threshold c: Double, logDelta: Double) -> Outcome {
        let discordant = wins + losses
        let (q0, logTestShare) = nullWinRate(discordant: discordant, trials: trials, threshold: c, logDelta: logDelta)
        guard discordant > 0, q0 < 1 else { return Outcome(logPValue: 0, nullWinRate: min(q0, 1), certified: false) }
        let logP = BinomialDistribution(trials: discordant, probability: q0).logSurvival(wins)
        return Outcome(logPValue: logP, nullWinRate: q0, certified: logP <= logTestShare)
    }

    /// q₀(D), the largest win rate the null allows once p is bounded from D, and ln of the share of
    /// δ′ left to the binomial test.
    static func nullWinRate(discordant d: Int, trials n: Int, threshold c: Double, logDelta: Double) -> (rate: Double, logTestShare: Double) {
        if c == 0 { return (0.5, logDelta) }
        let logBound = logDelta + log(boundShare)
        let logTest = logDelta + log1p(-boundShare)
        if c > 0 {
            let low = d == 0 ? 0 : ClopperPearson.lowerBound(successes: d, trials: n, logAlpha: logBound)
            guard low > 0 else { return (1, logTest) }
            return (min(1, 0.5 + c / (2 * low)), logTest)
        }
        let high = ClopperPearson.upperBound(successes: d, trials: n, logAlpha: logBound)
        return (max(0, 0.5 + c / (2 * high)), logTest)
    }

    /// The smallest W whose conditional p-value certifies, given D (D + 1 when none does).
    static func criticalWins(discordant d: Int, trials n: Int, threshold c: Double, logDelta: Double) -> Int {
        let (q0, logTest) = nullWinRate(discordant: d, trials: n, threshold: c, logDelta: logDelta)
        guard d > 0, q0 < 1 else { return d + 1 }
        return ExactBinomialTest.criticalCount(trials: d, null: q0, logDelta: logTest)
    }

    /// ln of the probability that N examples fail to certify Δ > c₀ when Δ = c₁ and the discordant
    /// rate is p (the power promise, at the rate the plan assumes). Exact over the D that carry all
    /// but about e^(logDelta − 12) of the mass; that remainder is counted as a miss.
    public static func logMiss(trials n: Int, null c0: Double, alternative c1: Double, disagreement p: Double, logDelta: Double) -> Double {
        let rate = min(1, max(p, abs(c1)))
        let q1 = min(1, 0.5 + c1 / (2 * rate))
        let counts = BinomialDistribution(trials: n, probability: rate)
        let cut = logDelta - 12
        let mean = Double(n) * rate
        let spread = (2 * Double(n) * rate * (1 - rate) * (-cut)).squareRoot() + 2 * (-cut) + 2
        let first = max(0, Int((mean - spread).rounded(.down)))
        let last = min(n, Int((mean + spread).rounded(.up)))
        var terms: [Double] = [counts.logCDF(first - 1), counts.logSurvival(last + 1)]
        for d in first...last {
            let k = criticalWins(discordant: d, trials: n, threshold: c0, logDelta: logDelta)
            let missGivenD = k > d ? 0 : BinomialDistribution(trials: d, probability: q1).logCDF(k - 1)
            terms.append(counts.logPMF(d) + missGivenD)
        }
        return LogSpace.logSumExp(terms)
    }

    /// The smallest N at which the test certifies Δ > c₀ with miss probability ≤ e^logDelta at
    /// Δ = c₀ + 2ε and discordant rate p. The size needs no search (it holds at every N); `nil` when
    /// no N up to `ExactBinomialTest.largestExactSearch` suffices.
    public static func sampleSize(null c0: Double, tolerance: Double, disagreement p: Double, logDelta: Double) -> Int? {
        let c1 = c0 + 2 * tolerance
        guard c1 <= 1, tolerance > 0 else { return nil }
        func fits(_ n: Int) -> Bool { logMiss(trials: n, null: c0, alternative: c1, disagreement: p, logDelta: logDelta) <= logDelta }
        // A normal-approximation start, then doubling and bisection on the exact miss.
        let rate = min(1, max(p, abs(c1)))
        let z = (2 * -logDelta).squareRoot()
        var hi = max(8, Int((pow(2 * z, 2) * rate / pow(c1 - c0, 2)).rounded(.up)))
        var lo = hi / 2
        while lo > 0, fits(lo) {
            hi = lo
            lo /= 2
        }
        while !fits(hi) {
            lo = hi
            hi *= 2
            if hi > ExactBinomialTest.largestExactSearch { return nil }
        }
        while hi - lo > max(1, hi / 1000) {
            let mid = lo + (hi - lo) / 2
            if fits(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }
}
