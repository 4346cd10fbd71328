import Foundation

/// The exact test for the paired difference Δ = n − o (statistics.md, method 5) with a bound p̄ on
/// the disagreement rate.
///
/// Per example the outcome is +1 (only the new model is right), −1 (only the old one is) or 0, so
/// S = N₊ − N₋ follows a trinomial law fixed by Δ and the disagreement rate p = P(outcome ≠ 0)
/// (π± = (p ± Δ)/2). Under "Δ ≤ c" with p ≤ p̄ every law is dominated by one with Δ = c and
/// p ∈ [|c|, max(p̄, |c|)] (raising Δ at fixed p moves mass from −1 to +1; a law with p < c is
/// dominated by p = c), so the p-value is the supremum of the tail over that range, found with a
/// proof by `PairedWorstCase` (p̄ = 1 included). Only examples where the models disagree need labels.
public struct ExactPairedTest: Sendable, Hashable {
    /// The largest allowed disagreement rate p̄ (1 without a bound).
    public var varianceBound: Double

    public init(varianceBound: Double) {
        self.varianceBound = min(1, max(0, varianceBound))
    }

    /// The rates the worst case runs over for a null at Δ = `delta`.
    func rates(for delta: Double) -> (low: Double, high: Double) {
        (abs(delta), max(varianceBound, abs(delta)))
    }

    /// ln sup_p P_{Δ=delta, p}(S ≥ s): the p-value for "Δ > delta" at an observed s, decided against
    /// `target` (certified when it is proven ≤ target).
    public func upperPValue(trials: Int, observed s: Int, delta: Double, target: Double) -> PairedWorstCase.Bound {
        let (low, high) = rates(for: delta)
        return PairedWorstCase.logSupremum(trials: trials, threshold: s, delta: delta, lowest: low, highest: high, target: target)
    }

    /// ln sup_p P_{Δ=delta, p}(S ≤ s): the p-value for "Δ < delta" (−S is the walk with mean −Δ).
    public func lowerPValue(trials: Int, observed s: Int, delta: Double, target: Double) -> PairedWorstCase.Bound {
        let (low, high) = rates(for: delta)
        return PairedWorstCase.logSupremum(trials: trials, threshold: -s, delta: -delta, lowest: low, highest: high, target: target)
    }

    /// The smallest s whose p-value is proven ≤ e^logDelta (N + 1 when none is): the test rejects
    /// "Δ ≤ c₀" when S ≥ this.
    public func criticalDifference(trials n: Int, null c0: Double, logDelta: Double) -> Int {
        var s = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDelta)
        while s <= n, !upperPValue(trials: n, observed: s, delta: c0, target: logDelta).certified { s += 1 }
        return s
    }

    /// The smallest s whose tail at p̄ alone is ≤ e^logDelta: a lower bound on `criticalDifference`,
    /// equal to it where the tail is proven nondecreasing in p.
    func criticalDifferenceAtBound(trials n: Int, null c0: Double, logDelta: Double) -> Int {
        let high = rates(for: c0).high
        func small(_ s: Int) -> Bool { PairedWorstCase.logTail(trials: n, threshold: s, delta: c0, disagreement: high) <= logDelta }
        var lo = Int((Double(n) * c0).rounded(.down)) - 1
        var hi = n + 1
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if small(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Whether N examples separate Δ ≤ c₀ from Δ ≥ c₁ (c₀ < c₁): a false certification has
    /// probability ≤ e^logDeltaSize at every law of the null, and a miss ≤ e^logDeltaMiss at every law
    /// of the alternative (rates up to p̄), both proven.
    public func separates(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        let s = criticalDifference(trials: n, null: c0, logDelta: logDeltaSize)
        guard s <= n else { return false }
        return lowerPValue(trials: n, observed: s - 1, delta: c1, target: logDeltaMiss).certified
    }

    /// The same with the tails at p̄ only (a necessary condition, cheap): the search's guide.
    func separatesAtBound(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        let hi = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDeltaSize)
        guard hi <= n else { return false }
        return PairedWorstCase.logTail(trials: n, threshold: -(hi - 1), delta: -c1, disagreement: rates(for: c1).high) <= logDeltaMiss
    }

    /// The alternative the tolerance promises power at: c₀ + 2ε, unless no law with p ≤ p̄ reaches it.
    func alternative(null c0: Double, tolerance: Double) -> Double {
        min(c0 + 2 * tolerance, max(varianceBound, abs(c0)))
    }

    /// The smallest N found by bisection (on the tails at p̄) and a walk up that certifies Δ > c₀
    /// with power at Δ = c₀ + 2ε. `nil` above `ExactBinomialTest.largestExactSearch`.
    public func sampleSize(null c0: Double, tolerance: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Int? {
        let c1 = alternative(null: c0, tolerance: tolerance)
        guard c1 > c0 else { return nil }
        let p = max(varianceBound, abs(c0))
        let logDelta = max(logDeltaSize, logDeltaMiss)
        let start = BennettBound.sampleSize(tolerance: (c1 - c0) / 2, varianceBound: p, logDelta: logDelta + log(4.0), logTranscripts: 0)
        var hi = max(2, Int((start * 2).rounded(.up)))
        func guide(_ n: Int) -> Bool {
            separatesAtBound(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss)
        }
        while !guide(hi) {
            hi *= 2
            if hi > ExactBinomialTest.largestExactSearch { return nil }
        }
        var lo = 0
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if guide(mid) { hi = mid } else { lo = mid }
        }
        // Below the log-concave limit the proof costs a few tails per candidate N; above it (no bound
        // on d) hundreds, so there the planned N is checked on a grid of rates, as the paper's planner
        // did. The verdict is exact either way: only the power promised at the planned N is then
        // checked rather than proven.
        var n = hi
        while !plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss) {
            n += max(1, n / 2000)
            if n > ExactBinomialTest.largestExactSearch { return nil }
        }
        return n
    }

    /// The planner's check at one N: `separates` (proven) below the log-concave limit, the grid
    /// check above it.
    public func plannedSeparation(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        let p = max(varianceBound, abs(c0))
        let provable = max(p, abs(c1)) <= min(PairedWorstCase.logConcaveLimit(delta: c0), PairedWorstCase.logConcaveLimit(delta: c1))
        return provable
            ? separates(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss)
            : separatesOnGrid(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss)
    }

    /// `separates` with both worst cases taken on 9 rates from |c| to p̄ (p̄ included) and the
    /// critical value of the tail at p̄: the planner's check where the proof is too costly.
    func separatesOnGrid(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        let s = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDeltaSize)
        guard s <= n else { return false }
        func grid(_ delta: Double) -> [Double] {
            let (low, high) = rates(for: delta)
            return (1...9).map { low + (high - low) * Double($0) / 9 }
        }
        let size = grid(c0).map { PairedWorstCase.logTail(trials: n, threshold: s, delta: c0, disagreement: $0) }.max()!
        let miss = grid(c1).map { PairedWorstCase.logTail(trials: n, threshold: -(s - 1), delta: -c1, disagreement: $0) }.max()!
        return size <= logDeltaSize && miss <= logDeltaMiss
    }
}
