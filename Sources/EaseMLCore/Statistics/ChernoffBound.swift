import Foundation

/// The Chernoff–KL bound for a Bernoulli mean: P(p̂ ≥ t) ≤ exp(−N·KL(t ‖ p)) for t > p.
///
/// To separate H0: x ≤ p₀ from H1: x ≥ p₁ with both errors ≤ δ′ a threshold t ∈ (p₀, p₁) is
/// chosen where KL(t ‖ p₀) = KL(t ‖ p₁); then N = ln(1/δ′) / KL(t ‖ p₀).
public enum ChernoffBound {
    /// The real-valued sample size; `p1` may be 1 (the power side then costs nothing extra).
    public static func sampleSize(null p0: Double, alternative p1: Double, logDelta: Double) -> Double {
        var lo = p0
        var hi = min(p1, 1)
        for _ in 0..<200 {
            let t = (lo + hi) / 2
            if BernoulliDivergence.kl(t, p0) < BernoulliDivergence.kl(t, min(p1, 1)) { lo = t } else { hi = t }
        }
        let rate = BernoulliDivergence.kl(lo, p0)
        return rate > 0 ? -logDelta / rate : .infinity
    }
}
