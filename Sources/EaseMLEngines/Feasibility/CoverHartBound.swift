/// The Cover–Hart (1967) relation between the asymptotic 1-nearest-neighbour error R₁ₙₙ and the Bayes
/// error R* of a C-class problem: R* ≤ R₁ₙₙ ≤ R*(2 − C/(C−1) R*), inverted into a lower bound on R*.
///
/// All rates are fractions in [0, 1] (not percent). The bound holds for the large-sample 1-NN error;
/// a finite-sample estimate is usually above its limit, so the bound computed from it is optimistic
/// about the Bayes error — see `ConvergenceCurve` for the extrapolation.
public enum CoverHartBound {
    /// R* ≥ ((C−1)/C)(1 − sqrt(1 − (C/(C−1)) R₁ₙₙ)), the square-root argument clamped at 0 (so the bound
    /// never exceeds (C−1)/C, the error of guessing). One class: 0.
    public static func bayesErrorLowerBound(nearestNeighborError r: Double, classes: Int) -> Double {
        precondition(classes >= 1, "need at least one class")
        precondition(r >= 0 && r <= 1, "a 1-NN error rate is in [0, 1], got \(r)")
        guard classes >= 2 else { return 0 }
        let c = Double(classes)
        let argument = max(0, 1 - c / (c - 1) * r)
        return (c - 1) / c * (1 - argument.squareRoot())
    }

    /// The implied ceiling on accuracy, 1 − (the Bayes-error lower bound): no classifier's expected
    /// accuracy exceeds it (in the large-sample limit the 1-NN estimate stands for).
    public static func accuracyCeiling(nearestNeighborError r: Double, classes: Int) -> Double {
        1 - bayesErrorLowerBound(nearestNeighborError: r, classes: classes)
    }
}
