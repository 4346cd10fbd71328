#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A block of the paired-difference tail sum `Σ_{D=a}^{b} P(D) · T(D)` by three-term recurrences, with
/// `P(D)` the Binomial(N, p) mass and `T(D) = P(Bin(D, q) ≥ m(D))`, `m(D) = ⌈(D + s)/2⌉`
/// (see `PairedDifferenceDistribution`). One incomplete-beta evaluation per monotone run of `T`
/// replaces one per term.
///
/// Method. The `D` of one parity form a chain `D, D + 2, …` on which `m` rises by exactly 1, and
/// `T_{D+2}(m+1) = T_D(m) − (1−q)²·b_D(m) + q²·b_D(m−1)` (`b_D` the Binomial(D, q) mass: the two
/// extra trials move the count by −1, 0 or +1). The step raises `T` exactly when
/// `q·m > (1−q)(D − m + 1)`, a quantity linear in the chain index (slope `2q − 1`), so each chain
/// splits into at most two runs on which `T` is monotone. Each run is walked **in the direction in
/// which `T` grows**, starting from one exact evaluation (`IncompleteBeta`): the subtracted term is then
/// smaller than the result, so the absolute rounding error carried from earlier steps shrinks relative
/// to the value and the relative error stays a few ulps per step (≈1e-13 over 10⁵ steps). The masses
/// `b` and `P(D)` move by exact ratios. Values are kept as mantissas with separate log scales,
/// rescaled by 2^±400, so tails far below the smallest Double (e^-700 and beyond) are represented.
enum PairedTailRecurrence {
    /// `ln Σ_{D=a}^{b} P(D)·T(D)` for `max(0, s) ≤ a ≤ b ≤ n`, `0 < p < 1`, `0 < q ≤ 1`; `nil` when a
    /// mantissa left the representable range (the caller then sums the block term by term).
    static func logBlockSum(n: Int, p: Double, q: Double, threshold s: Int, from a: Int, to b: Int) -> Double? {
        var total = -Double.infinity
        for start in [a, a + 1] where start <= b {
            guard let chain = logChainSum(n: n, p: p, q: q, s: s, first: start, last: b) else { return nil }
            total = LogSpace.logAdd(total, chain)
        }
        return total
    }

    /// The chain `first, first + 2, …, ≤ last`.
    private static func logChainSum(n: Int, p: Double, q: Double, s: Int, first: Int, last: Int) -> Double? {
        let count = (last - first) / 2 + 1
        // Indices k with m(D_k) ≤ 0 have T = 1: D_k + s ≤ 0.
        let ones = -s - first < 0 ? 0 : min(count, (-s - first) / 2 + 1)
        var total: Double? = -Double.infinity
        func add(from: Int, to: Int, upward: Bool, tailIsOne: Bool) {
            guard let sum = total, let part = walk(n: n, p: p, q: q, s: s, first: first, from: from, to: to, upward: upward, tailIsOne: tailIsOne)
            else { total = nil; return }
            total = LogSpace.logAdd(sum, part)
        }
        if ones > 0 { add(from: 0, to: ones - 1, upward: true, tailIsOne: true) }
        guard ones < count else { return total }
        if q >= 1 {
            add(from: ones, to: count - 1, upward: true, tailIsOne: true)
            return total
        }
        // T grows from k to k + 1 exactly when q·m_k − (1−q)(D_k − m_k + 1) > 0, linear in k.
        let m0 = ceilHalf(first + s)
        func rising(_ k: Int) -> Bool {
            let m = Double(m0 + k), d = Double(first + 2 * k)
            return q * m - (1 - q) * (d - m + 1) > 0
        }
        // The first index of the run where the step condition differs from its value at `ones`.
        let initial = rising(ones)
        var lo = ones, hi = count - 1
        if rising(hi) == initial {
            lo = count - 1
        } else {
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                if rising(mid) == initial { lo = mid } else { hi = mid }
            }
        }
        // Steps k → k + 1 for k in ones…lo keep `initial`; from lo + 1 on the other kind.
        let turn = lo + 1  // the first index whose outgoing step is of the other kind
        if initial {
            // T rises up to `turn`, then falls: walk up from `ones` to `turn`, down from the end to turn + 1.
            add(from: ones, to: min(turn, count - 1), upward: true, tailIsOne: false)
            if turn + 1 <= count - 1 { add(from: count - 1, to: turn + 1, upward: false, tailIsOne: false) }
        } else {
            // T falls down to `turn`, then rises: walk both ways out of `turn`.
            let bottom = min(turn, count - 1)
            add(from: bottom, to: count - 1, upward: true, tailIsOne: false)
            if bottom - 1 >= ones { add(from: bottom - 1, to: ones, upward: false, tailIsOne: false) }
        }
        return total
    }

    private static let rescaleUp = 0x1p400
    private static let rescaleDown = 0x1p-400
    private static let logRescale = 400 * M_LN2

    /// `ln Σ P(D_k)·T(D_k)` for k from `from` to `to` (inclusive, in the given direction), with one exact
    /// start at `from`.
    private static func walk(
        n: Int, p: Double, q: Double, s: Int, first: Int, from: Int, to: Int, upward: Bool, tailIsOne: Bool
    ) -> Double? {
        var k = from
        var d = first + 2 * k
        var m = ceilHalf(d + s)
        let disagreements = BinomialDistribution(trials: n, probability: p)
        let wins = BinomialDistribution(trials: d, probability: q)
        // Mantissas and log scales: P(D) = w·e^wScale, T = t·e^tScale, b_D(m) = bm·e^tScale, b_D(m−1) = bm1·e^tScale.
        var w = 1.0, wScale = disagreements.logPMF(d)
        var t = 1.0, tScale = 0.0
        var bm = 0.0, bm1 = 0.0
        if !tailIsOne {
            tScale = wins.logSurvival(m)
            bm = exp(wins.logPMF(m) - tScale)
            bm1 = exp(wins.logPMF(m - 1) - tScale)
        }
        if wScale == -.infinity || tScale == -.infinity { return -.infinity }
        let odds = p / (1 - p), oddsSquared = odds * odds, inverseOddsSquared = 1 / oddsSquared
        let qq = q * q, rr = (1 - q) * (1 - q), qr = q * (1 - q)
        var total = -Double.infinity
        var base = wScale + tScale
        var sum = 0.0
        while true {
            sum += w * t
            if k == to { break }
            if upward {
                let dd = Double(d), mm = Double(m), nn = Double(n)
                let pairs = (dd + 1) * (dd + 2)
                if !tailIsOne {
                    // One division for the three ratios (the divisions, not the loop-carried
                    // products, bound this loop's speed).
                    let up = (mm + 1) * (dd + 1 - mm), same = (dd + 2 - mm) * (dd + 1 - mm)
                    let inverse = 1 / (up * same * pairs)
                    let nextT = t - rr * bm + qq * bm1
                    let scaled = bm * pairs * pairs * inverse
                    bm1 = scaled * up * rr
                    bm = scaled * same * qr
                    t = nextT
                    w *= (nn - dd) * (nn - dd - 1) * up * same * inverse * oddsSquared
                } else {
                    w *= (nn - dd) * (nn - dd - 1) / pairs * oddsSquared
                }
                k += 1
                d += 2
                m += 1
            } else {
                k -= 1
                d -= 2
                m -= 1
                let dd = Double(d), mm = Double(m), nn = Double(n)
                if !tailIsOne {
                    // At D + 2 the state holds b_{D+2}(m+1) (bm) and b_{D+2}(m) (bm1).
                    let below = bm1 * (dd + 2 - mm) * (dd + 1 - mm) / ((dd + 2) * (dd + 1)) / rr
                    let belowMinus = below * mm * (1 - q) / ((dd - mm + 1) * q)
                    t = t + rr * below - qq * belowMinus
                    bm = below
                    bm1 = belowMinus
                }
                w *= (dd + 1) * (dd + 2) / ((nn - dd) * (nn - dd - 1)) * inverseOddsSquared
            }
            guard t > 0, t.isFinite, w > 0, w.isFinite, bm >= 0, bm1 >= 0 else { return nil }
            // Rescale mantissas; a change of scale flushes the running sum into the log total.
            var rescaled = false
            if t > rescaleUp || t < rescaleDown {
                let factor = t > rescaleUp ? rescaleDown : rescaleUp
                t *= factor; bm *= factor; bm1 *= factor
                tScale += factor == rescaleDown ? logRescale : -logRescale
                rescaled = true
            }
            if w > rescaleUp || w < rescaleDown {
                let factor = w > rescaleUp ? rescaleDown : rescaleUp
                w *= factor
                wScale += factor == rescaleDown ? logRescale : -logRescale
                rescaled = true
            }
            if rescaled {
                total = LogSpace.logAdd(total, base + log(sum))
                base = wScale + tScale
                sum = 0
            }
        }
        return sum > 0 ? LogSpace.logAdd(total, base + log(sum)) : total
    }

    /// `⌈x/2⌉` for any integer `x`.
    static func ceilHalf(_ x: Int) -> Int {
        x >= 0 ? (x + 1) / 2 : -((-x) / 2)
    }
}
