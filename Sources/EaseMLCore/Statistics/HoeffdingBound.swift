import Foundation

/// The paper's baseline: one-sided Hoeffding with a union bound over the clause's variables.
///
/// A clause Σ cᵢ·vᵢ over m variables, each in [0, 1], needs
/// N = (Σ|cᵢ|)² · ln(m/δ′) / (2ε²) for m > 1 and c² · ln(1/δ′) / (2ε²) for one variable
/// (ease.ml/ci, SysML 2019; reproduced exactly by `sample-size-paper.json`).
public enum HoeffdingBound {
    /// The real-valued sample size (print its ceiling) for a clause at ln δ′ = `logDelta`.
    public static func sampleSize(for clause: NormalizedClause, originalTolerance: Double, logDelta: Double) -> Double {
        let spread = clause.coefficientMass
        return spread * spread * (logUnion(clause) - logDelta) / (2 * originalTolerance * originalTolerance)
    }

    /// The half-width of the interval [Φ̂ − w, Φ̂ + w] that holds on each side with probability
    /// ≥ 1 − δ′ after `samples` examples: the inverse of `sampleSize`.
    public static func halfWidth(for clause: NormalizedClause, samples: Int, logDelta: Double) -> Double {
        clause.coefficientMass * ((logUnion(clause) - logDelta) / (2 * Double(samples))).squareRoot()
    }

    private static func logUnion(_ clause: NormalizedClause) -> Double {
        clause.variableCount > 1 ? log(Double(clause.variableCount)) : 0
    }
}
