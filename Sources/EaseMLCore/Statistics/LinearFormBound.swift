import Foundation

/// Chernoff–KL for a linear form Σ cᵢ·vᵢ over the per-example Bernoulli variables n, o, d.
///
/// Per example the form's value Xᵢ = Σ cᵢ·vᵢ lies in [lo, lo + r] with lo = Σ min(cᵢ, 0) and
/// r = Σ |cᵢ|, whatever the joint law of the variables. Hoeffding's Theorem 1 (1963) bounds the
/// mean of any independent variables in [0, 1] like a Bernoulli mean:
/// P(X̄′ ≥ μ′ + t) ≤ exp(−N·KL(μ′ + t ‖ μ′)) with X′ = (X − lo)/r. So the form is tested as one
/// variable, with the KL rate instead of the paper's 2t² per variable and no union over the
/// variables: never wider than Hoeffding, much narrower away from the middle of the range.
public struct LinearFormBound: Sendable, Hashable {
    /// The smallest value of the form on one example.
    public var low: Double
    /// The width of its range, Σ|cᵢ| (> 0).
    public var range: Double

    public init(_ expression: LinearExpression) {
        low = expression.coefficients.values.reduce(0) { $0 + min($1, 0) }
        range = expression.coefficients.values.reduce(0) { $0 + abs($1) }
    }

    /// (p₀, p₁) on the [0, 1] scale for the hypotheses "value ≤ c" against "value ≥ c + 2ε" when
    /// certifying above, mirrored (1 − ·) when certifying below.
    public func hypotheses(threshold c: Double, tolerance: Double, above: Bool) -> (Double, Double) {
        let scaled = (c - low) / range
        let p0 = above ? scaled : 1 - scaled
        return (min(max(0, p0), 1), min(1, max(0, p0) + 2 * tolerance / range))
    }

    /// A lower confidence bound on the form's mean from the observed mean `value` of N examples:
    /// P(bound > mean) ≤ e^logDelta. Rounded outward.
    public func lowerBound(value: Double, samples n: Int, logDelta: Double) -> Double {
        let x = min(max((value - low) / range, 0), 1)
        let q = Self.root(observed: x, samples: n, logDelta: logDelta)
        return low + range * q
    }

    /// The upper confidence bound, mirrored.
    public func upperBound(value: Double, samples n: Int, logDelta: Double) -> Double {
        let x = min(max((value - low) / range, 0), 1)
        let q = 1 - Self.root(observed: 1 - x, samples: n, logDelta: logDelta)
        return low + range * q
    }

    /// The smallest q ≤ x with N·KL(x ‖ q) ≤ −logDelta (bisection; the returned q is never above
    /// the root).
    static func root(observed x: Double, samples n: Int, logDelta: Double) -> Double {
        guard x > 0 else { return 0 }
        let limit = -logDelta / Double(n)
        if BernoulliDivergence.kl(x, 0) <= limit { return 0 }
        var lo = 0.0
        var hi = x
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid <= lo || mid >= hi { break }
            if BernoulliDivergence.kl(x, mid) > limit { lo = mid } else { hi = mid }
        }
        return lo
    }
}
