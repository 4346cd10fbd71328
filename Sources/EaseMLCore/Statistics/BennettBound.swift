import Foundation

/// The paper's Pattern 1 (ease.ml/ci §4): Bennett's inequality with a variance bound p.
///
/// N = (ln H_eff − ln(δ/4)) / (p · h(ε/p)), h(u) = (1+u)·ln(1+u) − u, with ln H_eff the log of the
/// number of transcripts. It applies to the paired difference n − o (variance ≤ p from a `d`
/// clause or an assumption) and to a `d < A` clause itself (variance of a Bernoulli(d) ≤ A).
/// δ/4 covers both clauses of the pattern, each on both sides, as in the paper.
public enum BennettBound {
    /// h(u) = (1+u)·ln(1+u) − u, computed without cancellation for small u.
    public static func h(_ u: Double) -> Double {
        (1 + u) * log1p(u) - u
    }

    /// The real-valued sample size for tolerance `tolerance` on the clause's own scale.
    public static func sampleSize(
        tolerance: Double, varianceBound p: Double, logDelta: Double, logTranscripts: Double
    ) -> Double {
        (logTranscripts - (logDelta - log(4.0))) / (p * h(tolerance / p))
    }
}
