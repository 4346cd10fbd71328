import Foundation
import Testing
@testable import EaseMLCore

/// The size of the exact paired test with no bound on the disagreement rate (p̄ = 1), where the
/// tail is not monotone in p: at p = 1 every outcome is ±1, so S ≡ N (mod 2), and a critical value of
/// the other parity is reached more often just below p = 1 than at it
/// (docs/statistics/paired-worst-case.md). In the slow tier: the exhaustive check takes minutes of
/// CPU in a debug build.

/// ln of the largest tail P_{Δ=c, p}(S ≥ s) over a dense set of rates in [|c|, 1]: 33 evenly spaced
/// and 16 within 4/N of 1, where the parity effect peaks. A lower bound on the true size.
private func largestTailOnDenseRates(trials n: Int, threshold s: Int, delta c: Double) -> Double {
    let low = abs(c)
    var rates = (0...32).map { low + (1 - low) * Double($0) / 32 }
    rates += (1...16).map { 1 - Double($0) / (4 * Double(n)) }.filter { $0 >= low }
    return rates.map { PairedWorstCase.logTail(trials: n, threshold: s, delta: c, disagreement: $0) }.max()!
}

/// Every N from 1 to 2,000 (in chunks, run in parallel), at δ′ = 0.01 and null Δ = 0 (where the
/// parity effect is largest, see the next test), and Δ = 0.02 up to N = 500 (the whole range
/// costs as much again: five minutes of both cores in a debug build, too much for CI).
@Test(arguments: Array(stride(from: 1, through: 2_000, by: 100)))
func exactPairedTestAtUnboundedRateNeverExceedsItsSize(_ first: Int) {
    let test = ExactPairedTest(varianceBound: 1)
    let logDelta = log(0.01)
    for n in first..<(first + 100) {
        for c in n <= 500 ? [0.0, 0.02] : [0.0] {
            let s = test.criticalDifference(trials: n, null: c, logDelta: logDelta)
            guard s <= n else { continue }
            let size = largestTailOnDenseRates(trials: n, threshold: s, delta: c)
            #expect(size <= logDelta + 1e-9, "N = \(n), c = \(c): size e^\(size) > δ′ = e^\(logDelta) at s = \(s)")
        }
    }
}

/// The check above has teeth: the critical value taken from the tail at p = 1 alone (what a grid
/// ending at p̄ = 1 finds) exceeds δ′ for some N ≤ 200, and the exact test's critical value is then
/// larger.
@Test func criticalValueFromTheTailAtOneAloneExceedsTheSize() {
    let test = ExactPairedTest(varianceBound: 1)
    var worst = (ratio: 0.0, n: 0, logDelta: 0.0, c: 0.0)
    for n in 2...40 {
        for logDelta in [log(0.01)] {
            for c in [0.0, 0.02] {
                let naive = test.criticalDifferenceAtBound(trials: n, null: c, logDelta: logDelta)
                guard naive <= n else { continue }
                let ratio = exp(largestTailOnDenseRates(trials: n, threshold: naive, delta: c) - logDelta)
                if ratio > worst.ratio { worst = (ratio, n, logDelta, c) }
            }
        }
    }
    #expect(worst.ratio > 1.12 && worst.n == 19 && worst.c == 0, "largest size of the naive critical value: \(worst)")
    let naive = test.criticalDifferenceAtBound(trials: worst.n, null: worst.c, logDelta: worst.logDelta)
    #expect(test.criticalDifference(trials: worst.n, null: worst.c, logDelta: worst.logDelta) > naive)
}

/// A certified p-value is an upper bound on the tail at every rate of the range, and the bound is
/// tight where the tail is monotone (far from p = 1): it equals the tail at p̄.
@Test func certifiedSupremumBoundsEveryRateAndIsTightBelowTheLogConcaveLimit() {
    let n = 5_000
    let c = 0.02
    for p̄ in [0.1, 0.3, 0.6, 1.0] {
        let test = ExactPairedTest(varianceBound: p̄)
        let s = test.criticalDifference(trials: n, null: c, logDelta: log(1e-4))
        let bound = test.upperPValue(trials: n, observed: s, delta: c, target: log(1e-4))
        #expect(bound.certified)
        for i in 0...40 {
            let p = c + (p̄ - c) * Double(i) / 40
            #expect(PairedWorstCase.logTail(trials: n, threshold: s, delta: c, disagreement: p) <= bound.logValue + 1e-9)
        }
        if p̄ < PairedWorstCase.logConcaveLimit(delta: c) {
            #expect(abs(bound.logValue - PairedWorstCase.logTail(trials: n, threshold: s, delta: c, disagreement: p̄)) < 1e-9)
        }
    }
}
