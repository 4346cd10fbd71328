#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The worst case of a paired-difference tail over the disagreement rate, with a proof.
///
/// For `N` outcomes `Xᵢ ∈ {−1, 0, +1}` with mean `Δ` and disagreement rate `p = P(Xᵢ ≠ 0)`
/// (`π± = (p ± Δ)/2`), `f(p) = P_{Δ,p}(S ≥ s)`. The paired tests need `sup f` over an interval
/// `[lo, hi] ⊆ [|Δ|, 1]`; the tail is *not* monotone in `p` in general (at `p = 1` every outcome
/// is ±1, so `S ≡ N (mod 2)` and a threshold of the other parity is met less often than just below
/// `p = 1`). Three rigorous facts replace a grid:
///
/// 1. **Dominance on a cell.** `S` increases when mass moves from −1 to 0 or from 0 to +1, so for
///    every `p ∈ [a, b]`, `f(p) ≤ P(S ≥ s)` under `π₊ = (b + Δ)/2, π₋ = (a − Δ)/2` (a valid law:
///    `π₊ + π₋ = (a + b)/2 ≤ 1`). Narrow cells make this tight.
/// 2. **Monotonicity on a cell.** `f′(p) = (N/2)·[g(s − 1) − g(s)]` with `g` the law of
///    `S′ = S_{N−1}`. While `p ≤ p_lc` (`π₀² ≥ π₊π₋`, about ⅔) each step is log-concave, so `g` is
///    log-concave; if `g(s) > g(s − 1)` then `g` increases on every point up to `s`, and Cantelli's
///    inequality (`P(S′ ≤ μ − kσ) ≤ 1/(1 + k²)`) then forces `P(S′ ≥ s − 2) ≥ (k²/(1+k²))/(m + 1)`,
///    `m` the number of points between `μ − kσ` and `s − 2`. So a cell on which a bound on
///    `P(S′ ≥ s − 2)` is below that level has `f` nondecreasing: its supremum is `f` at its top.
///    The bound is Chernoff's at the cell's top rate with the mean Δ (it holds at every rate up to
///    it), else the dominance law's.
/// 3. **Monotonicity from the mode.** While `p ≤ (1 + Δ²)/2` (`π₀² ≥ 4π₊π₋`) the step plus one,
///    `X + 1 ∈ {0, 1, 2}`, has a real-rooted generating polynomial: it is the sum of two independent
///    Bernoulli variables, so `S′ + (N − 1)` is Poisson-binomial with mean `(N − 1)(1 + Δ)`, whose
///    mode is the floor or the ceiling of its mean (Darroch 1964; Samuels 1965: `P(k + 1) > P(k + 2)`
///    for `k ≤ μ ≤ k + 1`) and whose law is log-concave. So `g(j) ≥ g(j + 1)` for every
///    `j ≥ ⌊(N − 1)Δ⌋ + 1`, and `f` is nondecreasing on the whole of `[|Δ|, (1 + Δ²)/2]` for every
///    threshold `s ≥ ⌊(N − 1)Δ⌋ + 2`, at no cost.
///
/// Where a test of a gate decides (the tail beyond the mean), fact 3 certifies the whole range for
/// `p̄ ≤ ½`, fact 2 up to `p_lc`, and the supremum is the tail at the top of the range, computed
/// exactly; above `p_lc` (only for rates near 1) fact 1 refines cells until they are below the
/// target.
public enum PairedWorstCase {
    /// A bound on `ln sup f`.
    public struct Bound: Sendable, Hashable {
        /// When `certified`, a rigorous upper bound on `ln sup f` that is ≤ the target. Otherwise
        /// the largest tail found at a point of the range (a lower bound on `ln sup f`), or the best
        /// upper bound when the refinement stopped before deciding.
        public var logValue: Double
        /// True when `ln sup f ≤ target` is proven.
        public var certified: Bool
    }

    /// At most this many tail evaluations per supremum before giving up (not certified).
    static let evaluationCap = 400
    /// Cells narrower than this are not split further.
    static let minimumWidth = 1e-13

    /// The largest `p` at which a step with mean `delta` is log-concave (`(1−p)² ≥ (p² − Δ²)/4`),
    /// shrunk by a relative 1e-9 against rounding.
    public static func logConcaveLimit(delta: Double) -> Double {
        let root = (8 - (16 - 12 * delta * delta).squareRoot()) / 6
        return root * (1 - 1e-9)
    }

    /// The law of `S` under `π₊ = (b + Δ)/2`, `π₋ = (a − Δ)/2` (a point law when `a = b`).
    static func law(trials: Int, delta: Double, low a: Double, high b: Double) -> PairedDifferenceDistribution {
        let plus = min(max((b + delta) / 2, 0), 1)
        let minus = min(max((a - delta) / 2, 0), max(0, 1 - plus))
        return PairedDifferenceDistribution(trials: trials, plusProbability: plus, minusProbability: minus)
    }

    /// Chernoff's bound on the tail of `law(trials:delta:low:high:)`: the law has disagreement rate
    /// (a + b)/2 and mean (b − a)/2 + Δ.
    static func logChernoffTail(trials: Int, threshold s: Int, delta: Double, low a: Double, high b: Double) -> Double {
        let dominating = law(trials: trials, delta: delta, low: a, high: b)
        let (plus, minus) = (dominating.plusProbability, dominating.minusProbability)
        return ExactPairedTest.logChernoffTail(trials: trials, threshold: s, delta: plus - minus, disagreement: plus + minus)
    }

    /// `ln P_{Δ,p}(S ≥ s)` at one rate.
    public static func logTail(trials: Int, threshold s: Int, delta: Double, disagreement p: Double) -> Double {
        law(trials: trials, delta: delta, low: p, high: p).logSurvival(s)
    }

    /// `ln sup_{p ∈ [lo, hi]} P_{Δ,p}(S ≥ s)`, decided against `target`.
    ///
    /// `lo ≥ |Δ|` and `hi ≤ 1` are required (they are clamped).
    public static func logSupremum(
        trials n: Int, threshold s: Int, delta: Double, lowest: Double, highest: Double, target: Double
    ) -> Bound {
        let lo = min(max(lowest, abs(delta)), 1)
        let hi = min(max(highest, lo), 1)
        if s > n { return Bound(logValue: -.infinity, certified: true) }
        if s <= -n { return Bound(logValue: 0, certified: target >= 0) }
        var budget = evaluationCap
        let top = logTail(trials: n, threshold: s, delta: delta, disagreement: hi)
        budget -= 1
        if top > target { return Bound(logValue: top, certified: false) }
        var upper = top
        let limit = logConcaveLimit(delta: delta)
        // The log-concave part: monotone cells and cells already below the target.
        if lo < limit, n >= 2 {
            let bound = monotonePart(
                trials: n, threshold: s, delta: delta, low: lo, high: min(hi, limit), topValue: hi <= limit ? top : nil,
                floor: top, target: target, budget: &budget)
            guard bound.certified else { return Bound(logValue: max(top, bound.logValue), certified: false) }
            upper = max(upper, bound.logValue)
        }
        // The rest (rates above the log-concave limit, or N = 1): dominance cells.
        let start = (lo < limit && n >= 2) ? min(hi, limit) : lo
        if hi > start || (n < 2 && hi >= lo) {
            let bound = dominancePart(trials: n, threshold: s, delta: delta, low: start, high: hi, target: target, floor: top, budget: &budget)
            guard bound.certified else { return Bound(logValue: max(top, bound.logValue), certified: false) }
            upper = max(upper, bound.logValue)
        }
        return Bound(logValue: upper, certified: upper <= target)
    }

    /// Covers `[low, high]` (inside the log-concave range) with cells that are either monotone or
    /// below the target by dominance; the supremum is the largest of the cells' bounds and the tail
    /// at the top of every maximal run of monotone cells.
    static func monotonePart(
        trials n: Int, threshold s: Int, delta: Double, low: Double, high: Double, topValue: Double?,
        floor: Double, target: Double, budget: inout Int
    ) -> Bound {
        enum Kind { case monotone, small(Double) }
        var resolved: [(a: Double, b: Double, kind: Kind)] = []
        var pending: [(Double, Double)] = [(low, high)]
        while let (a, b) = pending.popLast() {
            if budget <= 0 { return Bound(logValue: 0, certified: false) }
            if isMonotone(trials: n, threshold: s, delta: delta, low: a, high: b) {
                budget -= 1
                resolved.append((a, b, .monotone))
                continue
            }
            // A cell whose Chernoff bound is below a value the supremum already reaches changes nothing.
            if logChernoffTail(trials: n, threshold: s, delta: delta, low: a, high: b) <= floor {
                budget -= 1
                resolved.append((a, b, .small(floor)))
                continue
            }
            let small = law(trials: n, delta: delta, low: a, high: b).logSurvival(s)
            budget -= 2
            if small <= target {
                resolved.append((a, b, .small(small)))
                continue
            }
            guard b - a > minimumWidth * max(1, b) else { return Bound(logValue: small, certified: false) }
            let middle = a + (b - a) / 2
            // Depth first on the upper half: that is where the tail is largest.
            pending.append((a, middle))
            pending.append((middle, b))
        }
        resolved.sort { $0.a < $1.a }
        var upper = -Double.infinity
        var index = 0
        while index < resolved.count {
            switch resolved[index].kind {
            case .small(let value):
                upper = max(upper, value)
                index += 1
            case .monotone:
                var end = index
                while end + 1 < resolved.count, case .monotone = resolved[end + 1].kind { end += 1 }
                let runTop = resolved[end].b
                let value = runTop == high && topValue != nil
                    ? topValue! : logTail(trials: n, threshold: s, delta: delta, disagreement: runTop)
                budget -= 1
                if value > target { return Bound(logValue: value, certified: false) }
                upper = max(upper, value)
                index = end + 1
            }
        }
        return Bound(logValue: upper, certified: upper <= target)
    }

    /// Fact 2 of the type documentation on `[a, b]` (inside the log-concave range): `f` is
    /// nondecreasing there.
    static func isMonotone(trials n: Int, threshold s: Int, delta: Double, low a: Double, high b: Double) -> Bool {
        // Facts 3 and 2 with Chernoff's bound at the cell's top rate cover the whole of [|Δ|, b],
        // hence the cell; failing those, fact 2 with the cell's dominance law: Chernoff's bound on
        // its tail, then the tail itself (each bounds the tail: the same answer when it decides).
        if isMonotone(trials: n...n, threshold: s, delta: delta, high: b) { return true }
        let m = n - 1
        guard m >= 1, b <= logConcaveLimit(delta: delta) else { return false }
        let level = monotoneLevel(outcomes: m...m, threshold: s, delta: delta, high: b)
        if logChernoffTail(trials: m, threshold: s - 2, delta: delta, low: a, high: b) < level - 1e-9 { return true }
        return law(trials: m, delta: delta, low: a, high: b).logSurvival(s - 2) < level - 1e-9
    }

    /// `f` nondecreasing on the whole range `[|Δ|, b]` at every N of `trials` at once: by fact 3 at
    /// the range's ends (its condition is linear in N), else by fact 2 with Chernoff's bound at b
    /// with the mean Δ itself, which bounds the tail at every rate up to b (one evaluation covers a
    /// wide cell, whose dominance law, of mean (b − a)/2 + Δ, is far from the tail). Over several N
    /// that needs Δ ≥ 0: then the bound at a fixed threshold never falls as N grows
    /// (`N·rate(t/N) = sup_λ≥0 λt − N·ln E e^{λX}` with `ln E e^{λX} ≥ 0`), so its value at the
    /// largest N bounds every N's, and the Cantelli level is taken at its smallest over the N.
    /// A `false` decides nothing (the range may still be monotone at each N).
    static func isMonotone(trials range: ClosedRange<Int>, threshold s: Int, delta: Double, high b: Double) -> Bool {
        let outcomes = (range.lowerBound - 1)...(range.upperBound - 1)
        guard outcomes.lowerBound >= 1, b <= logConcaveLimit(delta: delta) else { return false }
        if isRealRooted(delta: delta, high: b),
            s - 1 >= max(decreasingFrom(outcomes: outcomes.lowerBound, delta: delta), decreasingFrom(outcomes: outcomes.upperBound, delta: delta)) {
            return true
        }
        guard delta >= 0 || outcomes.count == 1 else { return false }
        let level = monotoneLevel(outcomes: outcomes, threshold: s, delta: delta, high: b)
        return ExactPairedTest.logChernoffTail(trials: outcomes.upperBound, threshold: s - 2, delta: delta, disagreement: b) < level - 1e-9
    }

    /// Whether every rate up to b has a real-rooted step (fact 3): `1 − 2b + Δ² ≥ 0`, with Δ² rounded
    /// down (`1 − 2b` is exact where it matters, and a rounded sum has the sign of the exact one).
    static func isRealRooted(delta: Double, high b: Double) -> Bool {
        (1 - 2 * b) + delta * delta * (1 - 1e-15) >= 0
    }

    /// Fact 3's j from which the law of S over m real-rooted outcomes never rises: ⌊mΔ⌋ + 1, the
    /// product rounded up first.
    static func decreasingFrom(outcomes m: Int, delta: Double) -> Int {
        let mean = Double(m) * delta
        return Int((mean + abs(mean) * 1e-15).rounded(.down)) + 1
    }

    /// The level of fact 2 (Cantelli's lower bound on `P(S′ ≥ s − 2)` when `g` rises up to s, S′ the
    /// sum of m outcomes with mean Δ and a rate up to b), at most its value at every m of
    /// `outcomes`: each count of points is taken at its largest over the range.
    static func monotoneLevel(outcomes: ClosedRange<Int>, threshold s: Int, delta: Double, high b: Double) -> Double {
        let (fewest, most) = (Double(outcomes.lowerBound), Double(outcomes.upperBound))
        let lowestMean = delta >= 0 ? fewest * delta : most * delta
        let sd = (most * max(b - delta * delta, 0)).squareRoot()
        var level = -log(most + Double(s))  // every point below the threshold (k = ∞ in the bound)
        for k in [1.0, 1.5, 2, 3, 4, 6, 8] {
            let first = (lowestMean - k * sd).rounded(.up)
            let points = max(0, Double(s - 2) - max(first, -most) + 1)
            level = max(level, log(k * k / (1 + k * k)) - log(points + 1))
        }
        return level
    }

    /// Fact 1 only: splits `[low, high]` until every cell's dominance bound is below the target.
    static func dominancePart(
        trials n: Int, threshold s: Int, delta: Double, low: Double, high: Double, target: Double, floor: Double, budget: inout Int
    ) -> Bound {
        var upper = -Double.infinity
        var pending: [(Double, Double)] = [(low, high)]
        while let (a, b) = pending.popLast() {
            if budget <= 0 { return Bound(logValue: 0, certified: false) }
            if logChernoffTail(trials: n, threshold: s, delta: delta, low: a, high: b) <= floor {
                upper = max(upper, floor)
                continue
            }
            let bound = law(trials: n, delta: delta, low: a, high: b).logSurvival(s)
            budget -= 1
            if bound <= target {
                upper = max(upper, bound)
                continue
            }
            // The tail at the cell's top is a lower bound on the supremum: past the target, stop.
            let point = logTail(trials: n, threshold: s, delta: delta, disagreement: b)
            budget -= 1
            if point > target { return Bound(logValue: point, certified: false) }
            guard b - a > minimumWidth * max(1, b) else { return Bound(logValue: bound, certified: false) }
            let middle = a + (b - a) / 2
            pending.append((a, middle))
            pending.append((middle, b))
        }
        return Bound(logValue: upper, certified: upper <= target)
    }
}
