import Foundation

/// Why a plan could not be made.
public enum PlanningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Even the tightest method needs more examples than any test set could hold.
    case needsTooManySamples(clause: String, samples: Double)
    /// The configuration is outside the planner's domain (reliability, steps, empty condition).
    case invalidInput(String)

    /// The largest test set the planner will plan for.
    public static let sampleSizeLimit = 1e9

    public var description: String {
        switch self {
        case .needsTooManySamples(let clause, let samples):
            let shown = samples.isFinite ? "about \(String(format: "%.3g", samples))" : "an unbounded number of"
            return "`\(clause)` needs more than 10⁹ test examples (\(shown)); widen the tolerance, lower the reliability or use fewer steps"
        case .invalidInput(let message):
            return message
        }
    }
}
