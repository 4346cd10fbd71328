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
    ///
    /// Where the proof of the exact supremum stops short, the Chernoff bound at p̄ (`logChernoffTail`,
    /// valid for every rate up to p̄) certifies when it is below the target: the test is the exact one
    /// wherever that proves, and never weaker than Chernoff's. That floor is what makes the planned N
    /// stable (`stableSampleSize`).
    public func upperPValue(trials: Int, observed s: Int, delta: Double, target: Double) -> PairedWorstCase.Bound {
        upperTail(trials: trials, threshold: s, delta: delta, rates: rates(for: delta), target: target)
    }

    /// ln sup_p P_{Δ=delta, p}(S ≤ s): the p-value for "Δ < delta" (−S is the walk with mean −Δ).
    public func lowerPValue(trials: Int, observed s: Int, delta: Double, target: Double) -> PairedWorstCase.Bound {
        upperTail(trials: trials, threshold: -s, delta: -delta, rates: rates(for: delta), target: target)
    }

    /// ln sup over `rates` of P(S ≥ s) for the walk with mean `delta`: the exact supremum where its
    /// proof certifies, else Chernoff's bound at the top rate when that certifies.
    private func upperTail(trials: Int, threshold s: Int, delta: Double, rates: (low: Double, high: Double), target: Double) -> PairedWorstCase.Bound {
        let exact = PairedWorstCase.logSupremum(trials: trials, threshold: s, delta: delta, lowest: rates.low, highest: rates.high, target: target)
        if exact.certified { return exact }
        let chernoff = Self.logChernoffTail(trials: trials, threshold: s, delta: delta, disagreement: rates.high)
        return chernoff <= target ? PairedWorstCase.Bound(logValue: chernoff, certified: true) : exact
    }

    /// ln of the Chernoff bound on P(S ≥ s) for N outcomes with mean Δ = `delta` and disagreement
    /// rate p̄, `inf_λ N·ln E e^{λX} − λs`; the bound holds for every rate p ≤ p̄ because
    /// `E e^{λX} = 1 + p(cosh λ − 1) + Δ sinh λ` grows with p. `0` for s ≤ NΔ.
    public static func logChernoffTail(trials n: Int, threshold s: Int, delta: Double, disagreement p: Double) -> Double {
        guard n > 0 else { return s <= 0 ? 0 : -.infinity }
        return Double(n) * -rate(mean: Double(s) / Double(n), delta: delta, disagreement: p)
    }

    /// The Chernoff rate `sup_λ λx − ln E e^{λX}` of one outcome for x ≥ Δ (0 below, +∞ above 1).
    static func rate(mean x: Double, delta: Double, disagreement p: Double) -> Double {
        let plus = max(0, (p + delta) / 2), minus = max(0, (p - delta) / 2), zero = max(0, 1 - plus - minus)
        if x <= delta { return 0 }
        if x > 1 || plus == 0 { return .infinity }
        if x == 1 { return -log(plus) }
        // The optimal y = e^λ solves π₊(1 − x)y² − xπ₀y − π₋(1 + x) = 0.
        let y = (x * zero + (x * x * zero * zero + 4 * plus * minus * (1 - x) * (1 + x)).squareRoot()) / (2 * plus * (1 - x))
        guard y > 0, y.isFinite else { return .infinity }
        let value = x * log(y) - log(zero + plus * y + minus / y)
        return max(0, value)
    }

    /// The smallest x > Δ with `rate(x) ≥ target` (to within bisection), or +∞ when even x = 1 falls short.
    static func deviation(delta: Double, disagreement p: Double, rate target: Double) -> Double {
        if rate(mean: 1, delta: delta, disagreement: p) < target { return .infinity }
        var lo = delta, hi = 1.0
        for _ in 0..<100 {
            let mid = lo + (hi - lo) / 2
            if rate(mean: mid, delta: delta, disagreement: p) < target { lo = mid } else { hi = mid }
        }
        return hi
    }

    /// Whether Chernoff's bounds alone separate Δ ≤ c₀ from Δ ≥ c₁ at N: with x₀ the mean at which
    /// the null's bound reaches δ_size and x₁ the one at which the alternative's lower bound reaches
    /// δ_miss, x₀ ≤ x₁. Monotone in N (x₀ falls and x₁ rises with N, each solving N·rate = ln(1/δ)).
    func chernoffSeparates(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        let x0 = Self.deviation(delta: c0, disagreement: rates(for: c0).high, rate: -logDeltaSize / Double(n))
        let x1 = -Self.deviation(delta: -c1, disagreement: rates(for: c1).high, rate: -logDeltaMiss / Double(n))
        return x0 <= x1
    }

    /// The smallest N from which Chernoff's bounds separate (every larger N too).
    func chernoffSampleSize(null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Int? {
        func fits(_ n: Int) -> Bool { chernoffSeparates(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss) }
        var hi = 1
        while !fits(hi) {
            hi *= 2
            if hi > 4 * ExactBinomialTest.largestExactSearch { return nil }
        }
        var lo = hi / 2
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if fits(mid) { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The smallest s whose p-value is proven ≤ e^logDelta (N + 1 when none is): the test rejects
    /// "Δ ≤ c₀" when S ≥ this.
    public func criticalDifference(trials n: Int, null c0: Double, logDelta: Double, near hint: Int? = nil) -> Int {
        var s = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDelta, near: hint)
        while s <= n, !upperPValue(trials: n, observed: s, delta: c0, target: logDelta).certified { s += 1 }
        return s
    }

    /// The smallest s whose tail at p̄ alone is ≤ e^logDelta: a lower bound on `criticalDifference`,
    /// equal to it where the tail is proven nondecreasing in p.
    /// `near`, the critical value at a neighbouring N, starts a galloping search there.
    func criticalDifferenceAtBound(trials n: Int, null c0: Double, logDelta: Double, near hint: Int? = nil) -> Int {
        let high = rates(for: c0).high
        func small(_ s: Int) -> Bool { PairedWorstCase.logTail(trials: n, threshold: s, delta: c0, disagreement: high) <= logDelta }
        var lo = Int((Double(n) * c0).rounded(.down)) - 1
        var hi = n + 1
        if let hint, hint > lo, hint <= hi {
            // The tail falls with s: bracket the first small s from the hint outwards.
            var step = 1
            if small(hint) {
                hi = hint
                while hi - step > lo, small(hi - step) { hi -= step; step *= 2 }
                lo = max(lo, hi - step)
            } else {
                lo = hint
                while lo + step < hi, !small(lo + step) { lo += step; step *= 2 }
                hi = min(hi, lo + step)
            }
        }
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
        var critical: Int?
        return separates(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical)
    }

    /// `separates`, starting the critical value's search at `critical` (a neighbouring N's) and
    /// leaving this N's there.
    func separates(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double, critical: inout Int?) -> Bool {
        let s = criticalDifference(trials: n, null: c0, logDelta: logDeltaSize, near: critical)
        critical = s
        guard s <= n else { return false }
        return keepsPower(trials: n, critical: s, alternative: c1, logDeltaMiss: logDeltaMiss)
    }

    /// Whether a miss (S below the critical value `s`) is proven to have probability
    /// ≤ e^logDeltaMiss at every law of the alternative Δ = c₁ with rates up to p̄.
    func keepsPower(trials n: Int, critical s: Int, alternative c1: Double, logDeltaMiss: Double) -> Bool {
        lowerPValue(trials: n, observed: s - 1, delta: c1, target: logDeltaMiss).certified
    }

    /// The same with the tails at p̄ only (a necessary condition, cheap): the search's guide.
    func separatesAtBound(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        var critical: Int?
        return separatesAtBound(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical)
    }

    /// `separatesAtBound` with the critical value's search started at (and left in) `critical`.
    func separatesAtBound(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double, critical: inout Int?) -> Bool {
        let hi = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDeltaSize, near: critical)
        critical = hi
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
        // Each candidate's critical value starts its search at the previous candidate's, scaled.
        var critical: Int?
        var last = 0
        func guide(_ n: Int) -> Bool {
            var hint = critical.map { last > 0 ? Int((Double($0) * Double(n) / Double(last)).rounded()) : $0 }
            defer { critical = hint; last = n }
            return separatesAtBound(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &hint)
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

    /// The planned N and how far the promise of every larger N is known.
    public struct StableSize: Sendable, Hashable {
        /// The N to plan: the stable N when `scanned`, otherwise the smallest N the search found.
        public var sampleSize: Int
        /// Every N ≥ this keeps both promises: the stable N when `scanned`, otherwise the size from
        /// which Chernoff's bounds alone separate.
        public var everyLargerFrom: Int
        /// Whether every N below Chernoff's N down to the stable N was checked (else the search's N
        /// is planned and the sizes up to Chernoff's were not all checked).
        public var scanned: Bool
    }

    /// The stable N (statistics.md, item 4): the smallest N from which every larger N keeps both
    /// promises. From Chernoff's N on, every N does (the tests certify through Chernoff's bound
    /// wherever it certifies, and `chernoffSeparates` is monotone in N), so the N below it are
    /// checked downwards until one fails: by blocks in the proven range (`stableByBlocks`, which
    /// needs no search), else one by one with the planner's own check (`stableByEveryN`) from the
    /// search's N (`sampleSize`), also when the blocks would decide more than `scanLimit` N one by
    /// one. When more than `scanLimit` N lie between the search's N and Chernoff's, the search's N
    /// is planned and `everyLargerFrom` is Chernoff's N.
    public func stableSampleSize(null c0: Double, tolerance: Double, logDeltaSize: Double, logDeltaMiss: Double, scanLimit: Int = 1_500) -> StableSize? {
        let c1 = alternative(null: c0, tolerance: tolerance)
        guard c1 > c0 else { return nil }
        let anchor = chernoffSampleSize(null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss)
        if let anchor, anchor <= ExactBinomialTest.largestExactSearch, isProvable(null: c0, alternative: c1), c0 >= 0,
            let stable = stableByBlocks(below: anchor, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, singles: scanLimit) {
            return StableSize(sampleSize: stable, everyLargerFrom: stable, scanned: true)
        }
        guard let planned = sampleSize(null: c0, tolerance: tolerance, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss) else { return nil }
        guard let anchor else { return StableSize(sampleSize: planned, everyLargerFrom: .max, scanned: false) }
        guard anchor - planned <= scanLimit else {
            return StableSize(sampleSize: planned, everyLargerFrom: anchor, scanned: false)
        }
        let stable = stableByEveryN(below: anchor, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss)
        return StableSize(sampleSize: stable, everyLargerFrom: stable, scanned: true)
    }

    /// The stable N below `anchor` (from which every N keeps both promises), the planner's check
    /// run at every N downwards until one fails.
    func stableByEveryN(below anchor: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Int {
        var n = anchor - 1
        var critical: Int?
        while n >= 1, plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical) {
            n -= 1
        }
        return n + 1
    }

    /// `stableByEveryN` by blocks of N (stable-n.md, "The scan by blocks"): a block [A, B] below
    /// the N already known to keep both promises is covered at once when, with ŝ the critical value
    /// of the tail at p̄ at B,
    /// - the proof certifies ŝ at every N of the block, so the check's critical value is at most ŝ
    ///   there: the tail at p̄ at ŝ never falls as N grows (c₀ ≥ 0), so it is ≤ δ′ from B down, and
    ///   the whole range of rates is proven monotone at every N of the block at once
    ///   (`PairedWorstCase.isMonotone(trials:threshold:delta:high:)`, one closed form), so the proof's
    ///   supremum is that tail; and
    /// - the power is proven at (A, ŝ): at a fixed critical value s ≥ 1 the miss of every
    ///   alternative law (Δ = c₁ ≥ 0, rates in the log-concave range) never rises with N, and a lower
    ///   critical value misses less.
    /// Blocks double while they are covered and halve when not; a block of one N that is not is
    /// decided by the planner's own check (`plannedSeparation`), and the first N that fails it ends
    /// the scan; `nil` when more than `singles` N would be decided so. Requires `isProvable` and
    /// c₀ ≥ 0.
    func stableByBlocks(below anchor: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double, singles: Int = .max) -> Int? {
        let (low, high) = rates(for: c0)
        func covered(_ block: ClosedRange<Int>, critical s: Int) -> Bool {
            guard s >= 1, s <= block.lowerBound else { return false }
            let monotone = block.count == 1
                ? PairedWorstCase.isMonotone(trials: block.lowerBound, threshold: s, delta: c0, low: low, high: high)
                : PairedWorstCase.isMonotone(trials: block, threshold: s, delta: c0, high: high)
            return monotone && keepsPower(trials: block.lowerBound, critical: s, alternative: c1, logDeltaMiss: logDeltaMiss)
        }
        var top = anchor - 1
        var width = 1
        var singlesLeft = singles
        // The last two critical values found: their slope predicts the next one (its search's start).
        var known: [(n: Int, s: Int)] = []
        while top >= 1 {
            var hint = known.last?.s
            if known.count == 2, known[0].n > known[1].n {
                let slope = Double(known[0].s - known[1].s) / Double(known[0].n - known[1].n)
                hint = known[1].s - Int((slope * Double(known[1].n - top)).rounded())
            }
            let s = criticalDifferenceAtBound(trials: top, null: c0, logDelta: logDeltaSize, near: hint)
            known = Array((known + [(top, s)]).suffix(2))
            var size = min(width, top)
            while size > 1, !covered((top - size + 1)...top, critical: s) { size /= 2 }
            if size > 1 || covered(top...top, critical: s) {
                // A block that had to shrink is near where the promises fail: not doubled at once.
                width = size < min(width, top) ? size : 2 * size
                top -= size
                continue
            }
            // One N the argument does not cover: the planner's check decides it.
            guard singlesLeft > 0 else { return nil }
            singlesLeft -= 1
            var critical: Int? = s
            guard plannedSeparation(trials: top, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical) else { break }
            top -= 1
            width = 1
        }
        return top + 1
    }

    /// Whether the planner's check at (c₀, c₁) is the proven one (`separates`): every rate the
    /// worst cases run over lies in the log-concave range.
    func isProvable(null c0: Double, alternative c1: Double) -> Bool {
        let p = max(varianceBound, abs(c0))
        return max(p, abs(c1)) <= min(PairedWorstCase.logConcaveLimit(delta: c0), PairedWorstCase.logConcaveLimit(delta: c1))
    }

    /// The planner's check at one N: `separates` (proven) below the log-concave limit, the grid
    /// check above it.
    public func plannedSeparation(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double) -> Bool {
        var critical: Int?
        return plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical)
    }

    /// `plannedSeparation` with the critical value's search started at (and left in) `critical`.
    func plannedSeparation(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double, critical: inout Int?) -> Bool {
        return isProvable(null: c0, alternative: c1)
            ? separates(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical)
            : separatesOnGrid(trials: n, null: c0, alternative: c1, logDeltaSize: logDeltaSize, logDeltaMiss: logDeltaMiss, critical: &critical)
    }

    /// `separates` with both worst cases taken on 9 rates from |c| to p̄ (p̄ included) and the
    /// critical value of the tail at p̄: the planner's check where the proof is too costly.
    func separatesOnGrid(trials n: Int, null c0: Double, alternative c1: Double, logDeltaSize: Double, logDeltaMiss: Double, critical: inout Int?) -> Bool {
        let s = criticalDifferenceAtBound(trials: n, null: c0, logDelta: logDeltaSize, near: critical)
        critical = s
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
