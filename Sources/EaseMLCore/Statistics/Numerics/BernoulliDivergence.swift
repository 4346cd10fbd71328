#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Kullback–Leibler divergence between Bernoulli distributions, in nats.
public enum BernoulliDivergence {
    /// `KL(Ber(p) ‖ Ber(q)) = p·ln(p/q) + (1−p)·ln((1−p)/(1−q))`, in nats, for `p, q ∈ [0, 1]`.
    ///
    /// Uses the conventions `0·ln(0/x) = 0` and `p·ln(p/0) = +∞` for `p > 0`, so the result is `0`
    /// when `p = q`, `+infinity` when `p` puts mass where `q` puts none, and otherwise finite and
    /// non-negative. Returns NaN when `p` or `q` lies outside `[0, 1]`.
    public static func kl(_ p: Double, _ q: Double) -> Double {
        guard (0...1).contains(p), (0...1).contains(q) else { return .nan }
        if p == q { return 0 }
        return term(p, q) + term(1 - p, 1 - q)
    }

    /// `a·ln(a/b)` with the conventions above.
    private static func term(_ a: Double, _ b: Double) -> Double {
        if a == 0 { return 0 }
        if b == 0 { return .infinity }
        return a * log(a / b)
    }
}
