import Foundation
import Testing
@testable import EaseMLCore

// Reference values: Tests/EaseMLCoreTests/Fixtures/generate_numerics_vectors.py.

@Test func incompleteBetaMatchesScipyForModerateArguments() {
    // scipy's special.betainc agrees to ~1e-11 (e.g. log(special.betainc(200.0, 300.0, 0.5)) =
    // -3.5434865425750965e-06); the references are mpmath with the exact Double x:
    // lower = mp_log_betainc(mpmath.mpf(x), a, b), upper = mp_log_betainc(1 - mpmath.mpf(x), b, a).
    let cases: [(x: Double, a: Double, b: Double, lower: Double, upper: Double)] = [
        (0.3, 2, 5, -0.545028945107489, -0.8670839878195068),
        (0.9, 0.5, 0.5, -0.22920282758111513, -1.5855614147303534),
        (0.5, 200, 300, -3.543486542533561e-06, -12.550401188235375),
        (0.1, 50, 60, -48.598005585424914, -7.837081131970005e-22),
        (0.999, 3, 1.5, -0.00013819323559325657, -8.886926690153905),
    ]
    for c in cases {
        let lower = IncompleteBeta.logRegularized(x: c.x, a: c.a, b: c.b)
        #expect(abs(lower / c.lower - 1) < 1e-12, "ln I_\(c.x)(\(c.a), \(c.b)) = \(lower)")
        // The complement is computed directly: for x = 0.1, a = 50, b = 60 it is ≈ −7.8e-22, where 1 − I
        // rounds to 1.
        let complement = IncompleteBeta.logRegularizedComplement(x: c.x, a: c.a, b: c.b)
        #expect(abs(complement / c.upper - 1) < 1e-12, "complement \(complement)")
    }
}

@Test func incompleteBetaIsAccurateFarInTheTailWithHugeParameters() {
    // Exact values via I_x(a, b) = P(Bin(a + b − 1, x) ≥ a) summed in mpmath.
    let cases: [(x: Double, a: Double, b: Double, expected: Double)] = [
        // mp_log_betainc_int(0.01, 1000, 1000)
        (0.01, 1000, 1000, -3233.62549337211),
        // mp_log_betainc_int(0.4, 5000000, 5000000)
        (0.4, 5e6, 5e6, -204117.34115214678),
        // mp_log_betainc_int(0.3, 10000000, 20000000)
        (0.3, 1e7, 2e7, -77808.75132975237),
    ]
    for c in cases {
        let value = IncompleteBeta.logRegularized(x: c.x, a: c.a, b: c.b)
        #expect(abs(value - c.expected) < 1e-13 * abs(c.expected) + 1e-12, "\(value) vs \(c.expected)")
        // Symmetry: I_x(a, b) = 1 − I_{1−x}(b, a), evaluated by the other entry point.
        let mirrored = IncompleteBeta.logRegularizedComplement(x: 1 - c.x, a: c.b, b: c.a)
        #expect(abs(mirrored - c.expected) < 1e-13 * abs(c.expected) + 1e-12)
    }
}

@Test func incompleteBetaComplementsAddUpToOne() {
    for (a, b) in [(1.0, 1.0), (2.5, 7.0), (40.0, 3.0), (1000.0, 1500.0), (1e6, 1e6)] {
        for x in stride(from: 0.01, through: 0.99, by: 0.07) {
            let lower = IncompleteBeta.logRegularized(x: x, a: a, b: b)
            let upper = IncompleteBeta.logRegularizedComplement(x: x, a: a, b: b)
            #expect(lower <= 0 && upper <= 0)
            // Each side is accurate to a few 1e-13 relative (the continued fraction runs ~10³ steps at 10⁶).
            #expect(abs(LogSpace.logAdd(lower, upper)) < 1e-12, "a=\(a) b=\(b) x=\(x)")
        }
    }
    // Uniform case: I_x(1, 1) = x.
    #expect(numericsClose(IncompleteBeta.logRegularized(x: 0.37, a: 1, b: 1), log(0.37), 1e-15))
}

@Test func incompleteBetaEdgeCasesAndInvalidInput() {
    #expect(IncompleteBeta.logRegularized(x: 0, a: 2, b: 3) == -.infinity)
    #expect(IncompleteBeta.logRegularized(x: 1, a: 2, b: 3) == 0)
    #expect(IncompleteBeta.logRegularizedComplement(x: 0, a: 2, b: 3) == 0)
    #expect(IncompleteBeta.logRegularizedComplement(x: 1, a: 2, b: 3) == -.infinity)
    #expect(IncompleteBeta.logRegularized(x: 0.5, a: 0, b: 3).isNaN)
    #expect(IncompleteBeta.logRegularized(x: 1.5, a: 2, b: 3).isNaN)
    // Far below the smallest Double but still finite: I_x(a, 1) = x^a.
    #expect(numericsClose(IncompleteBeta.logRegularized(x: 1e-200, a: 5, b: 1), 5 * log(1e-200), 1e-14))
}
