import Foundation
import Testing
@testable import EaseMLCore

// Reference values: Tests/EaseMLCoreTests/Fixtures/generate_numerics_vectors.py.

@Test func binomialSurvivalMatchesScipyAndMpmath() {
    let cases: [(n: Int, p: Double, k: Int, expected: Double, tolerance: Double)] = [
        // stats.binom.logsf(59, 100, 0.3)
        (100, 0.3, 60, -21.39075505334303, 1e-12),
        // stats.binom.logsf(249, 1000, 0.1)
        (1000, 0.1, 250, -95.46552179068331, 1e-12),
        // stats.binom.logsf(6299, 60000, 0.1)
        (60000, 0.1, 6300, -10.563894465025633, 1e-11),
        // stats.binom.logsf(504999, 1000000, 0.5)
        (1_000_000, 0.5, 505_000, -53.222020345264525, 1e-11),
        // stats.binom.logsf(512299, 1000000, 0.5)
        (1_000_000, 0.5, 512_300, -306.70921103847496, 1e-12),
        // mp_log_binom_sf(10**6, 0.5, 518700) (scipy: -704.0470144020849)
        (1_000_000, 0.5, 518_700, -704.0470144020817, 1e-14),
        // mp_log_binom_sf(10**6, 0.5, 550000): scipy underflows to -inf here
        (1_000_000, 0.5, 550_000, -5013.790709958727, 1e-14),
        // mp_log_binom_sf(10**6, 0.5, 600000)
        (1_000_000, 0.5, 600_000, -20141.528094297162, 1e-14),
        // mp_log_binom_sf(10**7, 1e-06, 40)
        (10_000_000, 1e-6, 40, -27.940088418829514, 1e-12),
    ]
    for c in cases {
        let value = BinomialDistribution(trials: c.n, probability: c.p).logSurvival(c.k)
        #expect(abs(value / c.expected - 1) < c.tolerance, "ln P(Bin(\(c.n), \(c.p)) ≥ \(c.k)) = \(value)")
    }
}

@Test func binomialCDFMatchesScipyAndMpmath() {
    let cases: [(n: Int, p: Double, k: Int, expected: Double, tolerance: Double)] = [
        // stats.binom.logcdf(10, 100, 0.3)
        (100, 0.3, 10, -13.373671135343026, 1e-12),
        // stats.binom.logcdf(5700, 60000, 0.1)
        (60000, 0.1, 5700, -10.807554476322148, 1e-11),
        // stats.binom.logcdf(488000, 1000000, 0.5)
        (1_000_000, 0.5, 488_000, -292.1023294934979, 1e-12),
        // mp_log_binom_cdf(10**6, 0.5, 400000)
        (1_000_000, 0.5, 400_000, -20141.528094297162, 1e-14),
    ]
    for c in cases {
        let value = BinomialDistribution(trials: c.n, probability: c.p).logCDF(c.k)
        #expect(abs(value / c.expected - 1) < c.tolerance, "ln P(Bin(\(c.n), \(c.p)) ≤ \(c.k)) = \(value)")
    }
}

@Test func binomialPMFMatchesMpmath() {
    // scipy's logpmf is off by up to ~1e-9 relative at large n (stats.binom.logpmf(3, 10000000, 1e-06) =
    // -4.884006494176637), so the references are mp_log_binom_pmf(n, p, k) (mpmath, exact Double p).
    let cases: [(n: Int, p: Double, k: Int, expected: Double)] = [
        (100, 0.3, 30, -2.444334564532973),
        (1_000_000, 0.5, 500_000, -7.133546881626865),
        (60000, 0.1, 9000, -739.4970456370723),
        (10_000_000, 1e-6, 3, -4.884006490247776),
    ]
    for c in cases {
        let value = BinomialDistribution(trials: c.n, probability: c.p).logPMF(c.k)
        #expect(abs(value / c.expected - 1) < 1e-13, "ln P(Bin(\(c.n), \(c.p)) = \(c.k)) = \(value)")
    }
}

@Test func binomialAgreesWithExactSmallCaseArithmetic() {
    for n in [1, 2, 7, 30] {
        for p in [0.01, 0.2, 0.5, 0.93] {
            let distribution = BinomialDistribution(trials: n, probability: p)
            var probabilities: [Double] = []
            for k in 0...n {
                var coefficient = 1.0
                for j in 0..<k { coefficient = coefficient * Double(n - j) / Double(j + 1) }
                probabilities.append(coefficient * pow(p, Double(k)) * pow(1 - p, Double(n - k)))
            }
            for k in 0...n {
                #expect(abs(exp(distribution.logPMF(k)) / probabilities[k] - 1) < 1e-13)
                let survival = probabilities[k...].reduce(0, +)
                let cdf = probabilities[...k].reduce(0, +)
                #expect(abs(exp(distribution.logSurvival(k)) / survival - 1) < 1e-12, "n=\(n) p=\(p) k=\(k)")
                #expect(abs(exp(distribution.logCDF(k)) / cdf - 1) < 1e-12, "n=\(n) p=\(p) k=\(k)")
            }
        }
    }
}

@Test func binomialSurvivalAndCDFAreComplementary() {
    let distribution = BinomialDistribution(trials: 60000, probability: 0.1)
    for k in stride(from: 5500, through: 6500, by: 50) {
        let total = LogSpace.logAdd(distribution.logSurvival(k), distribution.logCDF(k - 1))
        #expect(abs(total) < 1e-12, "k=\(k)")
    }
}

@Test func binomialEdgeCases() {
    let regular = BinomialDistribution(trials: 10, probability: 0.3)
    #expect(regular.logSurvival(0) == 0)
    #expect(regular.logSurvival(-3) == 0)
    #expect(regular.logSurvival(11) == -.infinity)
    #expect(regular.logCDF(-1) == -.infinity)
    #expect(regular.logCDF(10) == 0)
    #expect(regular.logPMF(11) == -.infinity)
    #expect(regular.logPMF(-1) == -.infinity)
    #expect(numericsClose(regular.logSurvival(10), 10 * log(0.3), 1e-15))
    #expect(numericsClose(regular.logCDF(0), 10 * log(0.7), 1e-15))

    let never = BinomialDistribution(trials: 10, probability: 0)
    #expect(never.logPMF(0) == 0)
    #expect(never.logPMF(1) == -.infinity)
    #expect(never.logSurvival(1) == -.infinity)
    #expect(never.logCDF(0) == 0)

    let always = BinomialDistribution(trials: 10, probability: 1)
    #expect(always.logPMF(10) == 0)
    #expect(always.logPMF(9) == -.infinity)
    #expect(always.logSurvival(10) == 0)
    #expect(always.logCDF(9) == -.infinity)

    let empty = BinomialDistribution(trials: 0, probability: 0.4)
    #expect(empty.logPMF(0) == 0)
    #expect(empty.logSurvival(1) == -.infinity)
    #expect(empty.logCDF(0) == 0)
}
