import Foundation
import Testing
@testable import EaseMLCore
import EaseMLTestSupport

/// P(S = s) for s in −n…n (index s + n) by direct convolution of the three-point step distribution.
private func trinomialMasses(trials n: Int, plus: Double, minus: Double) -> [Double] {
    var masses = [1.0]
    let zero = 1 - plus - minus
    for _ in 0..<n {
        var next = [Double](repeating: 0, count: masses.count + 2)
        for (index, mass) in masses.enumerated() {
            next[index] += mass * minus
            next[index + 1] += mass * zero
            next[index + 2] += mass * plus
        }
        masses = next
    }
    return masses
}

@Test func pairedDifferenceTailsEqualBruteForceConvolution() {
    let parameters: [(n: Int, plus: Double, minus: Double)] = [
        (1, 0.3, 0.2), (7, 0.06, 0.04), (20, 0.5, 0.5), (33, 0.25, 0.05), (60, 0.06, 0.04), (60, 0.01, 0.3),
    ]
    for c in parameters {
        let distribution = PairedDifferenceDistribution(trials: c.n, plusProbability: c.plus, minusProbability: c.minus)
        let masses = trinomialMasses(trials: c.n, plus: c.plus, minus: c.minus)
        for s in -c.n...c.n {
            let survival = masses[(s + c.n)...].reduce(0, +)
            let cdf = masses[...(s + c.n)].reduce(0, +)
            let logSurvival = distribution.logSurvival(s)
            let logCDF = distribution.logCDF(s)
            if survival > 0 {
                #expect(abs(exp(logSurvival) / survival - 1) < 1e-12, "n=\(c.n) s=\(s): \(exp(logSurvival)) vs \(survival)")
            } else {
                #expect(logSurvival == -.infinity)
            }
            if cdf > 0 {
                #expect(abs(exp(logCDF) / cdf - 1) < 1e-12, "n=\(c.n) s=\(s): \(exp(logCDF)) vs \(cdf)")
            } else {
                #expect(logCDF == -.infinity)
            }
        }
        #expect(distribution.logSurvival(-c.n) == 0)
        #expect(distribution.logSurvival(c.n + 1) == -.infinity)
        #expect(distribution.logCDF(c.n) == 0)
        #expect(distribution.logCDF(-c.n - 1) == -.infinity)
    }
}

@Test func pairedDifferenceExtremeValuesAreExact() {
    let distribution = PairedDifferenceDistribution(trials: 500, plusProbability: 0.03, minusProbability: 0.02)
    // S = N only if every step is +1; S = −N only if every step is −1.
    #expect(abs(distribution.logSurvival(500) / (500 * log(0.03)) - 1) < 1e-13)
    #expect(abs(distribution.logCDF(-500) / (500 * log(0.02)) - 1) < 1e-13)
}

@Test func pairedDifferenceReducesToBinomialWhenOneStepIsImpossible() {
    // π₋ = 0: S ~ Binomial(N, π₊).
    let onlyPlus = PairedDifferenceDistribution(trials: 2000, plusProbability: 0.1, minusProbability: 0)
    let binomial = BinomialDistribution(trials: 2000, probability: 0.1)
    for s in [0, 150, 200, 260, 400] {
        #expect(abs(onlyPlus.logSurvival(s) - binomial.logSurvival(s)) < 1e-12 * max(1, abs(binomial.logSurvival(s))))
        #expect(abs(onlyPlus.logCDF(s) - binomial.logCDF(s)) < 1e-12 * max(1, abs(binomial.logCDF(s))))
    }
    // π₊ + π₋ = 1: S = 2·Bin(N, π₊) − N.
    let noTies = PairedDifferenceDistribution(trials: 1001, plusProbability: 0.7, minusProbability: 0.3)
    let plusCount = BinomialDistribution(trials: 1001, probability: 0.7)
    for k in [600, 700, 800, 900] {
        let s = 2 * k - 1001
        #expect(abs(noTies.logSurvival(s) - plusCount.logSurvival(k)) < 1e-11 * max(1, abs(plusCount.logSurvival(k))))
    }
    // π₊ = π₋ = 0: S = 0.
    let constant = PairedDifferenceDistribution(trials: 10, plusProbability: 0, minusProbability: 0)
    #expect(constant.logSurvival(0) == 0 && constant.logSurvival(1) == -.infinity && constant.logCDF(-1) == -.infinity)
}

@Test func pairedDifferenceMatchesFullConditioningSumAtLargeN() {
    let cases: [(plus: Double, minus: Double, s: Int, expected: Double)] = [
        // log_paired_sf(60000, 0.06, 0.04, 1800)
        (0.06, 0.04, 1800, -32.89772439442333),
        // log_paired_sf(60000, 0.06, 0.04, 2400)
        (0.06, 0.04, 2400, -122.67863928939049),
        // log_paired_sf(60000, 0.04, 0.06, -600)
        (0.04, 0.06, -600, -33.17959124983349),
    ]
    for c in cases {
        let distribution = PairedDifferenceDistribution(trials: 60000, plusProbability: c.plus, minusProbability: c.minus)
        let value = distribution.logSurvival(c.s)
        // scipy's own binom.logsf is good to ~1e-12 relative in this range.
        #expect(abs(value / c.expected - 1) < 1e-11, "\(value) vs \(c.expected)")
        // Upper bound: never noticeably below the reference.
        #expect(value >= c.expected - 1e-11 * abs(c.expected))
    }
}

@Test func pairedDifferenceTailAndCDFAreComplementaryAndSymmetric() {
    let distribution = PairedDifferenceDistribution(trials: 60000, plusProbability: 0.06, minusProbability: 0.04)
    for s in stride(from: 600, through: 1800, by: 150) {
        let total = LogSpace.logAdd(distribution.logSurvival(s), distribution.logCDF(s - 1))
        // Both are upper bounds within 1e-12 relative, so their sum is 1 up to that.
        #expect(total >= -1e-13 && total < 1e-11, "s=\(s): \(total)")
    }
    // Mirror: P(S ≥ s) under (π₊, π₋) equals P(S ≤ −s) under (π₋, π₊), via the other code path.
    let mirrored = PairedDifferenceDistribution(trials: 60000, plusProbability: 0.04, minusProbability: 0.06)
    for s in [900, 1500, 2100] {
        #expect(abs(distribution.logSurvival(s) - mirrored.logCDF(-s)) < 1e-13 * abs(mirrored.logCDF(-s)) + 1e-14)
    }
    // Symmetric walk: P(S ≥ s) = P(S ≤ −s), against an independent brute force at small N.
    let symmetric = PairedDifferenceDistribution(trials: 41, plusProbability: 0.2, minusProbability: 0.2)
    for s in 1...41 {
        #expect(abs(symmetric.logSurvival(s) - symmetric.logCDF(-s)) < 1e-12 * max(1, abs(symmetric.logCDF(-s))))
    }
}

@Test func pairedDifferenceDeepTailsAreFiniteAndMonotone() {
    // Tails around e^-700 and far below: finite, decreasing in s, never NaN.
    let distribution = PairedDifferenceDistribution(trials: 60000, plusProbability: 0.06, minusProbability: 0.04)
    var previous = 0.0
    for s in stride(from: 1200, through: 6000, by: 600) {
        let value = distribution.logSurvival(s)
        #expect(value.isFinite && value < previous, "s=\(s): \(value)")
        previous = value
    }
    #expect(previous < -700)
}

/// The recurrence (`PairedTailRecurrence`) against one incomplete beta per term, on random laws,
/// sizes and thresholds from the bulk to the far tails on both sides (including the e^-700 tails of
/// 1000-step plans and thresholds where the binomial tail turns inside the window).
@Test func pairedDifferenceRecurrenceEqualsTermByTermSummation() {
    var generator = SeededGenerator(seed: 17)
    var compared = 0
    for _ in 0..<300 {
        let n = [5, 40, 300, 2_000, 20_000, 200_000][Int.random(in: 0..<6, using: &generator)]
        let p = [0.02, 0.1, 0.3, 0.66, 0.95][Int.random(in: 0..<5, using: &generator)]
        let q = Double.random(in: 0.02...0.98, using: &generator)
        let plus = p * q, minus = p * (1 - q)
        let mean = Double(n) * (plus - minus)
        let sd = (Double(n) * p).squareRoot()
        let z = Double.random(in: -40...40, using: &generator)
        let s = min(n, max(-n, Int((mean + z * sd).rounded())))
        let fast = PairedDifferenceDistribution.logUpperTail(trials: n, plus: plus, minus: minus, threshold: s)
        let slow = PairedDifferenceDistribution.logUpperTail(trials: n, plus: plus, minus: minus, threshold: s, direct: true)
        if slow == -.infinity {
            #expect(fast == -.infinity, "n=\(n) p=\(p) q=\(q) s=\(s): \(fast)")
            continue
        }
        // Both are upper bounds within ~1e-12 relative of the tail: in logs, agreement to 1e-10.
        #expect(abs(fast - slow) <= 1e-10 * max(1, abs(slow)), "n=\(n) p=\(p) q=\(q) s=\(s): \(fast) vs \(slow)")
        compared += 1
    }
    #expect(compared > 250)
    // A tail far below the smallest Double, as a 1000-step plan needs.
    let far = PairedDifferenceDistribution.logUpperTail(trials: 1_400_000, plus: 0.06, minus: 0.04, threshold: 50_000)
    let farDirect = PairedDifferenceDistribution.logUpperTail(trials: 1_400_000, plus: 0.06, minus: 0.04, threshold: 50_000, direct: true)
    #expect(far < -700 && abs(far - farDirect) <= 1e-10 * abs(farDirect), "\(far) vs \(farDirect)")
}
