import Foundation
import Testing
@testable import EaseMLCore

/// `|actual − expected| ≤ tolerance · max(1, |expected|)`: relative for large values, absolute near 0.
func numericsClose(_ actual: Double, _ expected: Double, _ tolerance: Double) -> Bool {
    abs(actual - expected) <= tolerance * max(1, abs(expected))
}

@Test func logSumExpMatchesDirectSumAndSurvivesExtremes() {
    #expect(numericsClose(LogSpace.logSumExp([log(1), log(2), log(3)]), log(6), 1e-15))
    // ln(e^-1000 + e^-1000) = -1000 + ln 2, where a direct sum underflows.
    #expect(numericsClose(LogSpace.logSumExp([-1000, -1000]), -1000 + log(2.0), 1e-15))
    #expect(LogSpace.logSumExp([]) == -.infinity)
    #expect(LogSpace.logSumExp([-.infinity, -.infinity]) == -.infinity)
    #expect(LogSpace.logSumExp([-.infinity, -5]) == -5)
    #expect(LogSpace.logSumExp([800, 800]) == 800 + log(2.0))
}

@Test func logAddIsStableAndHandlesZero() {
    #expect(numericsClose(LogSpace.logAdd(-5000, -5000 - log(3.0)), -5000 + log(4.0 / 3), 1e-16))
    #expect(LogSpace.logAdd(-.infinity, -7) == -7)
    #expect(LogSpace.logAdd(-7, -.infinity) == -7)
    #expect(LogSpace.logAdd(-.infinity, -.infinity) == -.infinity)
    #expect(numericsClose(LogSpace.logAdd(log(0.25), log(0.5)), log(0.75), 1e-16))
}

@Test func log1mExpIsAccurateNearZeroAndFarAway() {
    // x = -1e-20: 1 − e^x ≈ 1e-20, so the result is ln(1e-20) (relative error of the argument ~5e-21).
    #expect(numericsClose(LogSpace.log1mExp(-1e-20), log(1e-20), 1e-15))
    // x = -800: ln(1 − e^-800) ≈ −e^-800, which rounds to −0 (never −inf or NaN).
    #expect(LogSpace.log1mExp(-800) == 0)
    // x = -40: −e^-40 to full precision, where log(1 - exp(x)) would give 0.
    #expect(abs(LogSpace.log1mExp(-40) / -exp(-40.0) - 1) < 1e-15)
    #expect(numericsClose(LogSpace.log1mExp(log(0.25)), log(0.75), 1e-16))
    #expect(LogSpace.log1mExp(0) == -.infinity)
    #expect(LogSpace.log1mExp(-.infinity) == 0)
    #expect(LogSpace.log1mExp(0.5).isNaN)
}

@Test func logGammaMatchesMpmath() {
    // mpmath.loggamma(10000000.0) = 151180949.3694739
    #expect(numericsClose(LogSpace.logGamma(1e7), 151_180_949.3694739, 1e-15))
    // mpmath.loggamma(0.5) = 0.5723649429247001
    #expect(numericsClose(LogSpace.logGamma(0.5), 0.5723649429247001, 1e-15))
    // mpmath.loggamma(3.7) = 1.428072326665388
    #expect(numericsClose(LogSpace.logGamma(3.7), 1.428072326665388, 1e-15))
    // mpmath.loggamma(1e+300) = 6.897755278982137e+302
    #expect(abs(LogSpace.logGamma(1e300) / 6.897755278982137e+302 - 1) < 1e-15)
}

@Test func logChooseMatchesMpmathToNearMachinePrecision() {
    // mpmath.log(mpmath.binomial(10, 3)) = 4.787491742782046
    #expect(numericsClose(LogSpace.logChoose(10, 3), 4.787491742782046, 1e-15))
    // mpmath.log(mpmath.binomial(1000, 500)) = 689.4672615678512
    #expect(numericsClose(LogSpace.logChoose(1000, 500), 689.4672615678512, 1e-15))
    // mpmath.log(mpmath.binomial(1000000000, 12345)) = 151865.68708500025
    #expect(numericsClose(LogSpace.logChoose(1_000_000_000, 12345), 151_865.68708500025, 1e-15))
    // mpmath.log(mpmath.binomial(10000000, 5000000)) = 6931463.52076025
    #expect(numericsClose(LogSpace.logChoose(10_000_000, 5_000_000), 6_931_463.52076025, 1e-15))
    #expect(LogSpace.logChoose(5, 0) == 0)
    #expect(LogSpace.logChoose(5, 5) == 0)
    #expect(LogSpace.logChoose(5, 6) == -.infinity)
    #expect(LogSpace.logChoose(5, -1) == -.infinity)
    // Pascal's rule in log space for every small case.
    for n in 2...40 {
        for k in 1..<n {
            let rule = LogSpace.logAdd(LogSpace.logChoose(n - 1, k - 1), LogSpace.logChoose(n - 1, k))
            #expect(numericsClose(LogSpace.logChoose(n, k), rule, 1e-14))
        }
    }
}

@Test func bernoulliDivergenceConventions() {
    #expect(BernoulliDivergence.kl(0.3, 0.3) == 0)
    #expect(numericsClose(BernoulliDivergence.kl(0.3, 0.5), 0.3 * log(0.6) + 0.7 * log(1.4), 1e-15))
    #expect(numericsClose(BernoulliDivergence.kl(0, 0.2), -log(0.8), 1e-15))
    #expect(numericsClose(BernoulliDivergence.kl(1, 0.2), -log(0.2), 1e-15))
    #expect(BernoulliDivergence.kl(0.5, 0) == .infinity)
    #expect(BernoulliDivergence.kl(0.5, 1) == .infinity)
    #expect(BernoulliDivergence.kl(0, 0) == 0)
    #expect(BernoulliDivergence.kl(1.5, 0.5).isNaN)
}
