#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numerically stable arithmetic on natural logarithms of non-negative quantities.
///
/// Every value passed to or returned by these functions is a natural logarithm (`ln`) unless stated
/// otherwise. `-infinity` stands for the logarithm of exactly zero and is returned only in that case.
/// All functions are pure and thread-safe.
public enum LogSpace {
    /// `ln(2π)`.
    static let logTwoPi = 1.8378770664093454835606594728112352797227949472755668

    /// `ln(Σ exp(vᵢ))` for log-values `vᵢ`, without overflow or underflow.
    ///
    /// Returns `-infinity` for an empty array or when every value is `-infinity` (a sum of zeros), and
    /// `+infinity` when any value is `+infinity`. The relative error of the represented sum is a few
    /// ulps of `ln` plus `count · ε` in the summation.
    public static func logSumExp(_ values: [Double]) -> Double {
        guard let maximum = values.max() else { return -.infinity }
        if maximum == -.infinity || maximum == .infinity { return maximum }
        var sum = 0.0
        for value in values { sum += exp(value - maximum) }
        return maximum + log(sum)
    }

    /// `ln(eᵃ + eᵇ)`, stable for any magnitudes (`-infinity` is the log of zero).
    public static func logAdd(_ a: Double, _ b: Double) -> Double {
        let larger = Swift.max(a, b)
        let smaller = Swift.min(a, b)
        if smaller == -.infinity || larger == .infinity { return larger }
        return larger + log1p(exp(smaller - larger))
    }

    /// `ln(1 − eˣ)` for `x ≤ 0`: the log of the complement of the probability `eˣ`.
    ///
    /// Uses `ln(−expm1(x))` for `x > −ln 2` and `log1p(−eˣ)` otherwise (Mächler 2012), so it keeps full
    /// relative accuracy both for `x` near 0 (result very negative) and for very negative `x` (result
    /// near 0). Returns `-infinity` for `x = 0`, `0` for `x = -infinity`, and NaN for `x > 0` (the input
    /// is then not the log of a probability).
    public static func log1mExp(_ x: Double) -> Double {
        if x > 0 || x.isNaN { return .nan }
        if x > -0.693_147_180_559_945_3 { return log(-expm1(x)) }
        return log1p(-exp(x))
    }

    /// `ln |Γ(x)|`, via the C library's re-entrant `lgamma_r` (thread-safe; ~1 ulp for large `x`).
    ///
    /// Returns `+infinity` at the poles (`x = 0, −1, −2, …`).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// `ln C(n, k)`, the log of a binomial coefficient; `-infinity` when `k < 0` or `k > n`.
    ///
    /// For `n ≥ 0` the result is computed from the Stirling-series error terms and positive
    /// `k·ln(n/k)`-type terms (Loader 2000) rather than by subtracting three `lgamma` values, so its
    /// relative error stays near machine precision even for `n` around 10⁹.
    public static func logChoose(_ n: Int, _ k: Int) -> Double {
        if n < 0 || k < 0 || k > n { return -.infinity }
        if k == 0 || k == n { return 0 }
        let nn = Double(n)
        let kk = Double(k)
        let rest = Double(n - k)
        let small = Swift.min(kk, rest), large = Swift.max(kk, rest)
        // small·ln(n/small) + large·ln(n/large), the second as −large·log1p(−small/n) (no cancellation).
        return small * log(nn / small) - large * log1p(-small / nn)
            + Stirling.error(nn) - Stirling.error(kk) - Stirling.error(rest)
            - 0.5 * (logTwoPi + log(kk) + log(rest) - log(nn))
    }
}

/// Building blocks of Loader's saddle-point expansion ("Fast and Accurate Computation of Binomial
/// Probabilities", 2000), shared by the binomial pmf and the incomplete-beta front factor.
enum Stirling {
    /// `δ(z) = ln Γ(z + 1) − [(z + ½) ln z − z + ½ ln 2π]`, the error of Stirling's formula, for `z > 0`.
    ///
    /// For `z > 15` the asymptotic series (absolute error < 1e-17); below that, the defining difference
    /// evaluated with `lgamma` (absolute error ~ 1e-15 because all terms are small).
    static func error(_ z: Double) -> Double {
        let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
        if z > 15 {
            let zz = z * z
            if z > 500 { return (s0 - s1 / zz) / z }
            if z > 80 { return (s0 - (s1 - s2 / zz) / zz) / z }
            if z > 35 { return (s0 - (s1 - (s2 - s3 / zz) / zz) / zz) / z }
            return (s0 - (s1 - (s2 - (s3 - s4 / zz) / zz) / zz) / zz) / z
        }
        return LogSpace.logGamma(z + 1) - (z + 0.5) * log(z) + z - 0.5 * LogSpace.logTwoPi
    }

    /// The deviance term `x·ln(x/m) + m − x ≥ 0`, computed without cancellation when `x ≈ m`.
    ///
    /// `logM` must equal `ln m`; passing it separately keeps the result finite when `m` underflows.
    static func deviance(_ x: Double, mean m: Double, logMean logM: Double) -> Double {
        if x == 0 { return m }
        if abs(x - m) < 0.1 * (x + m) {
            var v = (x - m) / (x + m)
            var sum = (x - m) * v
            var term = 2 * x * v
            v *= v
            var j = 1.0
            while true {
                term *= v
                let next = sum + term / (2 * j + 1)
                if next == sum { return next }
                sum = next
                j += 1
            }
        }
        return x * (log(x) - logM) + m - x
    }

    /// `ln[Γ(a+b+1) / (Γ(a+1) Γ(b+1)) · xᵃ yᵇ]` for `a, b > 0`, `x, y > 0`, `x + y = 1`: the
    /// real-argument binomial "density" at `a` successes in `a + b` trials, accurate in relative terms
    /// even when `a` and `b` are ~10⁹.
    static func logBinomialDensity(a: Double, b: Double, x: Double, y: Double, logX: Double, logY: Double) -> Double {
        let n = a + b
        let logN = log(n)
        let core = error(n) - error(a) - error(b)
            - deviance(a, mean: n * x, logMean: logN + logX)
            - deviance(b, mean: n * y, logMean: logN + logY)
        return core - 0.5 * (LogSpace.logTwoPi + log(a) + log(b) - logN)
    }
}
