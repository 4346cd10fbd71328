import Foundation

/// The exact test for the paired difference Δ = n − o (statistics.md, method 5).
///
/// Per example the outcome is +1 (only the new model is right), −1 (only the old one is) or 0, so
/// S = N₊ − N₋ follows a trinomial law fixed by Δ and the disagreement probability p
/// (π± = (p ± Δ)/2). With a variance bound p ≤ p̄ the worst case over p ∈ [|Δ|, p̄] is taken:
/// the tails are evaluated on a grid that includes p̄, where the tail of a fixed-mean law with
/// more spread is largest. Only examples where the models disagree need labels.
public struct ExactPairedTest: Sendable, Hashable {
    /// The largest allowed disagreement probability p̄ (1 without a bound).
    public var varianceBound: Double
    /// Grid points for the worst case over p.
    public var gridSize: Int

    public init(varianceBound: Double, gridSize: Int = 9) {
        self.varianceBound = min(1, varianceBound)
        self.gridSize = gridSize
    }

    /// The values of p on which a tail at mean `delta` is maximised: |Δ| … p̄, p̄ included.
    func disagreementGrid(for delta: Double) -> [Double] {
        let top = max(varianceBound, abs(delta))
        let bottom = max(abs(delta), top * 1e-3)
        guard gridSize > 1, top > bottom else { return [top] }
        return (0..<gridSize).map { i in bottom + (top - bottom) * Double(i + 1) / Double(gridSize) }
    }

    private func distribution(trials: Int, delta: Double, disagreement p: Double) -> PairedDifferenceDistribution {
        let plus = min(max((p + delta) / 2, 0), 1)
        let minus = min(max((p - delta) / 2, 0), 1 - plus)
        return PairedDifferenceDistribution(trials: trials, plusProbability: plus, minusProbability: minus)
    }

    /// ln sup_p P_{Δ=delta, p}(S ≥ s): the one-sided p-value for "Δ > delta" at an observed s.
    public func logUpperPValue(trials: Int, observed s: Int, delta: Double) -> Double {
        disagreementGrid(for: delta).map { distribution(trials: trials, delta: delta, disagreement: $0).logSurvival(s) }
            .max() ?? 0
    }

    /// ln sup_p P_{Δ=delta, p}(S ≤ s): the one-sided p-value for "Δ < delta" at an observed s.
    public func logLowerPValue(trials: Int, observed s: Int, delta: Double) -> Double {
        disagreementGrid(for: delta).map { distribution(trials: trials, delta: delta, disagreement: $0).logCDF(s) }
            .max() ?? 0
    }

    /// The smallest s with ln P_{Δ=c₀, p=p̄}(S ≥ s) ≤ `logDelta` (−N−1 … N+1).
    func criticalDifference(trials: Int, null c0: Double, logDelta: Double) -> Int {
        let law = distribution(trials: trials, delta: c0, disagreement: max(varianceBound, abs(c0)))
        var lo = Int((Double(trials) * c0).rounded(.down)) - 1
        var hi = trials + 1
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if law.logSurvival(mid) <= logDelta { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Whether N examples separate Δ ≤ c₀ from Δ ≥ c₁ at p = p̄ with both errors ≤ δ′.
    func separates(trials: Int, null c0: Double, alternative c1: Double, logDelta: Double) -> Bool {
        let s = criticalDifference(trials: trials, null: c0, logDelta: logDelta)
        guard s <= trials else { return false }
        let law = distribution(trials: trials, delta: c1, disagreement: max(varianceBound, abs(c1)))
        return law.logCDF(s - 1) <= logDelta
    }

    /// Whether the separation holds for every p on the grid, not only at p̄.
    func separatesOnGrid(trials: Int, null c0: Double, alternative c1: Double, logDelta: Double) -> Bool {
        let s = criticalDifference(trials: trials, null: c0, logDelta: logDelta)
        guard s <= trials, logUpperPValue(trials: trials, observed: s, delta: c0) <= logDelta else { return false }
        let miss = disagreementGrid(for: c1).map {
            distribution(trials: trials, delta: c1, disagreement: $0).logCDF(s - 1)
        }.max() ?? 0
        return miss <= logDelta
    }

    /// The smallest N found by bisection that certifies Δ > c₀ with power at Δ = c₀ + 2ε, checked
    /// on the whole grid of p. `nil` above `ExactBinomialTest.largestExactSearch`.
    public func sampleSize(null c0: Double, tolerance: Double, logDelta: Double) -> Int? {
        let c1 = min(c0 + 2 * tolerance, max(varianceBound, abs(c0)))
        guard c1 > c0 else { return nil }
        let p = max(varianceBound, abs(c0))
        let start = BennettBound.sampleSize(tolerance: (c1 - c0) / 2, varianceBound: p, logDelta: logDelta + log(4.0), logTranscripts: 0)
        var hi = max(2, Int((start * 2).rounded(.up)))
        while !separates(trials: hi, null: c0, alternative: c1, logDelta: logDelta) {
            hi *= 2
            if hi > ExactBinomialTest.largestExactSearch { return nil }
        }
        var lo = 0
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if separates(trials: mid, null: c0, alternative: c1, logDelta: logDelta) { hi = mid } else { lo = mid }
        }
        var n = hi
        while !separatesOnGrid(trials: n, null: c0, alternative: c1, logDelta: logDelta) {
            n += max(1, n / 200)
            if n > ExactBinomialTest.largestExactSearch { return nil }
        }
        return n
    }
}
