import Foundation
import Testing
@testable import EaseMLCore

// Reference values: Tests/EaseMLCoreTests/Fixtures/generate_numerics_vectors.py
// (scipy.stats.beta.ppf(α, k, n − k + 1) for the lower bound, beta.isf(α, k + 1, n − k) for the upper).

@Test func clopperPearsonMatchesScipyBetaQuantiles() {
    let cases: [(k: Int, n: Int, alpha: Double, lower: Double, upper: Double)] = [
        // stats.beta.ppf(0.05, 30, 71), stats.beta.isf(0.05, 31, 70)
        (30, 100, 0.05, 0.2249232243713866, 0.3842206127942016),
        // stats.beta.ppf(0.001, 1, 10), stats.beta.isf(0.001, 2, 9)
        (1, 10, 0.001, 0.00010004502852067863, 0.6237230890888255),
        // stats.beta.ppf(1e-06, 950, 51), stats.beta.isf(1e-06, 951, 50)
        (950, 1000, 1e-6, 0.9095595479541742, 0.9764434789934636),
        // stats.beta.ppf(1e-10, 5, 59996), stats.beta.isf(1e-10, 6, 59995)
        (5, 60000, 1e-10, 4.36106655518037e-07, 0.0006056283938396528),
    ]
    for c in cases {
        let lower = ClopperPearson.lowerBound(successes: c.k, trials: c.n, logAlpha: log(c.alpha))
        let upper = ClopperPearson.upperBound(successes: c.k, trials: c.n, logAlpha: log(c.alpha))
        #expect(abs(lower - c.lower) < 1e-12 && abs(lower / c.lower - 1) < 1e-9, "lower \(lower)")
        #expect(abs(upper - c.upper) < 1e-12, "upper \(upper)")
    }
}

@Test func clopperPearsonRoundsTowardTheConservativeSide() {
    let logAlpha = log(1e-6)
    for (k, n) in [(3, 50), (25, 50), (49, 50), (700, 20000)] {
        let lower = ClopperPearson.lowerBound(successes: k, trials: n, logAlpha: logAlpha)
        let upper = ClopperPearson.upperBound(successes: k, trials: n, logAlpha: logAlpha)
        // At the returned bounds the tail is still ≤ α (they lie on the conservative side of the root)…
        #expect(BinomialDistribution(trials: n, probability: lower).logSurvival(k) <= logAlpha)
        #expect(BinomialDistribution(trials: n, probability: upper).logCDF(k) <= logAlpha)
        // …and only just: moving 1e-11 inward crosses the root.
        #expect(BinomialDistribution(trials: n, probability: lower + 1e-11).logSurvival(k) > logAlpha)
        #expect(BinomialDistribution(trials: n, probability: upper - 1e-11).logCDF(k) > logAlpha)
    }
}

@Test func clopperPearsonHandlesAlphaFarBelowTheSmallestDouble() {
    // k = 1: P_p(X ≥ 1) = 1 − (1 − p)^10 ≈ 10p, so the root is ≈ e^-700 / 10 ≈ 1e-305.
    let lower = ClopperPearson.lowerBound(successes: 1, trials: 10, logAlpha: -700)
    #expect(abs(log(lower) - (-700 - log(10.0))) < 1e-10)
    // For ln α = -5000 (H in the thousands) the bound is still finite and ordered.
    let deepLower = ClopperPearson.lowerBound(successes: 600, trials: 1000, logAlpha: -5000)
    let deepUpper = ClopperPearson.upperBound(successes: 600, trials: 1000, logAlpha: -5000)
    #expect(deepLower > 0 && deepLower < 0.6 && deepUpper > 0.6 && deepUpper < 1)
    #expect(abs(BinomialDistribution(trials: 1000, probability: deepLower).logSurvival(600) + 5000) < 1e-6)
}

@Test func clopperPearsonEdgeCases() {
    #expect(ClopperPearson.lowerBound(successes: 0, trials: 20, logAlpha: log(0.05)) == 0)
    #expect(ClopperPearson.upperBound(successes: 20, trials: 20, logAlpha: log(0.05)) == 1)
    // k = n: lower bound solves p^n = α exactly.
    let lower = ClopperPearson.lowerBound(successes: 20, trials: 20, logAlpha: log(0.05))
    #expect(abs(lower - pow(0.05, 1.0 / 20)) < 1e-12)
    // k = 0: upper bound solves (1 − p)^n = α exactly.
    let upper = ClopperPearson.upperBound(successes: 0, trials: 20, logAlpha: log(0.05))
    #expect(abs(upper - (1 - pow(0.05, 1.0 / 20))) < 1e-12)
}

@Test func clopperPearsonCoverageByExactEnumeration() {
    let alpha = 0.05
    for n in [1, 5, 17, 40] {
        let lowers = (0...n).map { ClopperPearson.lowerBound(successes: $0, trials: n, logAlpha: log(alpha)) }
        let uppers = (0...n).map { ClopperPearson.upperBound(successes: $0, trials: n, logAlpha: log(alpha)) }
        // The grid includes the bounds themselves, where the coverage is tightest.
        let grid = (1..<400).map { Double($0) / 400 } + lowers.filter { $0 > 0 } + uppers.filter { $0 < 1 }
        for p in grid {
            var missLow = 0.0
            var missHigh = 0.0
            for x in 0...n {
                let mass = exp(BinomialDistribution(trials: n, probability: p).logPMF(x))
                if lowers[x] > p { missLow += mass }
                if uppers[x] < p { missHigh += mass }
            }
            #expect(missLow <= alpha, "n=\(n) p=\(p): P(lower > p) = \(missLow)")
            #expect(missHigh <= alpha, "n=\(n) p=\(p): P(upper < p) = \(missHigh)")
        }
    }
}
