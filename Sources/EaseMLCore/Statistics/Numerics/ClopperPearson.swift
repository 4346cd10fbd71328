/// Exact one-sided Clopper–Pearson confidence bounds for a binomial proportion, with the error
/// probability given as a natural log so that `α = e^logAlpha` may be far below the smallest Double.
///
/// For every true `p` the bounds satisfy `P_p(lowerBound(X) > p) ≤ α` and `P_p(upperBound(X) < p) ≤ α`.
/// Each bound is the root of an exact binomial tail equation, found by bisection in `p` to an absolute
/// width of at most `1e-13` (and a relative width of `1e-12` when the root is tiny), and the endpoint
/// returned is always the conservative one: the lower bound may be slightly too low, never too high;
/// the upper bound may be slightly too high, never too low.
public enum ClopperPearson {
    /// The largest `L` with `P_L(X ≥ successes) ≤ α` (the root of `ln P_p(X ≥ k) = logAlpha`), rounded
    /// down; `0` when `successes = 0`. `successes` must lie in `0...trials` and `logAlpha` in `(-∞, 0)`.
    public static func lowerBound(successes: Int, trials: Int, logAlpha: Double) -> Double {
        precondition(trials >= 0 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials")
        precondition(logAlpha < 0 && !logAlpha.isNaN, "need ln α < 0")
        if successes == 0 { return 0 }
        // P_p(X ≥ k) increases with p: find the last p where it is still ≤ α.
        return bisect { p in
            BinomialDistribution(trials: trials, probability: p).logSurvival(successes) <= logAlpha
        }
    }

    /// The smallest `U` with `P_U(X ≤ successes) ≤ α` (the root of `ln P_p(X ≤ k) = logAlpha`), rounded
    /// up; `1` when `successes = trials`. Same preconditions as `lowerBound`.
    public static func upperBound(successes: Int, trials: Int, logAlpha: Double) -> Double {
        precondition(trials >= 0 && successes >= 0 && successes <= trials, "need 0 ≤ successes ≤ trials")
        precondition(logAlpha < 0 && !logAlpha.isNaN, "need ln α < 0")
        if successes == trials { return 1 }
        let r = bisect { r in
            // r = 1 − p and Y = trials − X ~ Binomial(trials, r): P_p(X ≤ k) = P_r(Y ≥ trials − k),
            // which increases with r. The root in r is approached from below, so 1 − r is ≥ the root
            // in p; one ulp up absorbs the rounding of the subtraction.
            BinomialDistribution(trials: trials, probability: r).logSurvival(trials - successes) <= logAlpha
        }
        return Swift.min(1, (1 - r).nextUp)
    }

    /// Bisection for the boundary of a predicate that holds on `[0, root]` and fails on `(root, 1]`.
    ///
    /// Returns the last point known to satisfy it, i.e. a value ≤ the root. Midpoints are geometric
    /// while the bracket spans more than a factor of 2, so tiny roots (down to ~1e-300) are resolved in
    /// relative terms.
    private static func bisect(_ holds: (Double) -> Bool) -> Double {
        var low = 0.0
        var high = 1.0
        for _ in 0..<2000 {
            if high - low <= 1e-13 && (low == 0 ? high < 1e-300 : high - low <= 1e-12 * low) { break }
            let mid: Double
            if low == 0 {
                mid = high * 0x1p-32
            } else if high > 2 * low {
                mid = low.squareRoot() * high.squareRoot()
            } else {
                mid = low + (high - low) / 2
            }
            if mid <= low || mid >= high { break }
            if holds(mid) { low = mid } else { high = mid }
        }
        return low
    }
}
