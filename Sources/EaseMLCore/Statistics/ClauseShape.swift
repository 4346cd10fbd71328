/// The statistical shape of a clause, which decides which methods apply to it.
public enum ClauseShape: Sendable, Hashable, Codable {
    /// `a·v ⋚ c`: one variable (`n`, `o` or `d`), a Bernoulli mean.
    case single(Variable)
    /// `a·(n − o) ⋚ c`: the paired difference of accuracies on the same sample.
    case paired
    /// Any other linear combination; only the Hoeffding bound applies.
    case linear
}

/// A clause rewritten on its natural scale: `v ⋚ threshold +/- tolerance` for one variable, or
/// `n − o ⋚ threshold +/- tolerance` for the paired difference (dividing by the coefficient and
/// flipping the comparison when it is negative). For `.linear` clauses nothing is rewritten.
public struct NormalizedClause: Sendable, Hashable {
    public var shape: ClauseShape
    public var comparison: Comparison
    public var threshold: Double
    public var tolerance: Double
    /// Σ|cᵢ| of the original clause: the range of the expression, used by Hoeffding.
    public var coefficientMass: Double
    /// The number of distinct variables with a non-zero coefficient.
    public var variableCount: Int

    public init(_ clause: Clause) {
        let coefficients = clause.expression.coefficients
        coefficientMass = coefficients.values.reduce(0) { $0 + abs($1) }
        variableCount = coefficients.count
        comparison = clause.comparison
        threshold = clause.threshold
        tolerance = clause.tolerance
        shape = .linear
        let scale: Double
        if coefficients.count == 1, let (variable, a) = coefficients.first {
            shape = .single(variable)
            scale = a
        } else if coefficients.count == 2, let a = coefficients[.new], let b = coefficients[.old],
            a == -b
        {
            shape = .paired
            scale = a
        } else {
            return
        }
        threshold = clause.threshold / scale
        tolerance = clause.tolerance / abs(scale)
        if scale < 0 { comparison = comparison == .greater ? .less : .greater }
    }

    /// Whether the gate must *certify* that the value is above the threshold (rather than below)
    /// to decide this clause in `mode`: fp-free passes `>` only on certainty, fn-free fails `>`
    /// only on certainty that the value is below.
    public func certifiesAbove(in mode: DecisionMode) -> Bool {
        (comparison == .greater) == (mode == .fpFree)
    }
}
