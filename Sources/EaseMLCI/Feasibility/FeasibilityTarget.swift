import EaseMLCore
import Foundation

/// The accuracy a condition asks of the new model, which the feasibility study compares with the
/// data's accuracy ceiling.
///
/// Every `>` clause over `n` alone or `n` and `o` (with a positive coefficient on `n`) bounds the
/// new model's accuracy from below: `a·n + b·o > c` needs `n > (c − b·o) / a`, so `n > 0.9` asks
/// for 0.9 and `n - o > 0.02` asks for the old model's accuracy plus 0.02. All clauses must hold,
/// so the target is the largest such bound. Clauses with `d`, `<` clauses and clauses where `n`
/// has a negative coefficient put no lower bound on `n` and are ignored. The tolerance ε is not
/// added: the study asks whether the threshold itself is reachable.
public struct FeasibilityTarget: Sendable, Codable, Equatable {
    /// The target accuracy in (0, 1].
    public var accuracy: Double
    /// The clause that sets it, e.g. `n - o > 0.02 +/- 0.01 (old accuracy 0.9120)`.
    public var clause: String
    /// Clauses that bound `n` through `o` but were left out because the old accuracy is unknown.
    public var clausesNeedingOldAccuracy: [String]

    /// What a condition asks of the new model.
    public enum Resolution: Sendable, Equatable {
        /// A target accuracy (possibly ignoring clauses that need the old accuracy; see the target).
        case target(FeasibilityTarget)
        /// Only clauses through `o` bound `n`, and the old model's accuracy is unknown.
        case needsOldAccuracy(clauses: [String])
        /// No clause bounds the new model's accuracy from below.
        case none
    }

    /// The target of `condition`, with the old model's accuracy when it is known (in [0, 1]).
    public static func resolve(_ condition: Condition, oldAccuracy: Double?) -> Resolution {
        var best: (accuracy: Double, clause: String)?
        var missing: [String] = []
        for clause in condition.clauses where clause.comparison == .greater {
            let coefficients = clause.expression.coefficients
            guard let a = coefficients[.new], a > 0, coefficients.keys.allSatisfy({ $0 == .new || $0 == .old }) else { continue }
            let b = coefficients[.old] ?? 0
            let bound: Double
            var text = clause.description
            if b == 0 {
                bound = clause.threshold / a
            } else if let oldAccuracy {
                bound = (clause.threshold - b * oldAccuracy) / a
                text += " (old accuracy \(String(format: "%.4f", oldAccuracy)))"
            } else {
                missing.append(clause.description)
                continue
            }
            if best == nil || bound > best!.accuracy { best = (bound, text) }
        }
        guard let best else { return missing.isEmpty ? .none : .needsOldAccuracy(clauses: missing) }
        return .target(FeasibilityTarget(accuracy: best.accuracy, clause: best.clause, clausesNeedingOldAccuracy: missing))
    }
}
