/// Why a ModelPicker operation was refused. Rendered once, by the caller, at the edge.
public enum ModelPickerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Model selection needs at least two candidate models.
    case tooFewModels(Int)
    /// γ must be finite and ≥ 0.
    case invalidGamma(Double)
    /// An item came with a number of predictions different from the number of models.
    case predictionCount(expected: Int, found: Int)
    /// A label was given for a round that was not queried (p = 0, skipped, or in the future).
    case notQueried(round: Int)
    /// A label was given twice for the same round.
    case alreadyLabeled(round: Int)
    /// A recorded query probability is not in (0, 1].
    case invalidProbability(round: Int, probability: Double)
    /// A saved state is inconsistent (wrong number of losses, rounds out of order, …).
    case inconsistentState(String)
    /// The data given to a simulation cannot be used.
    case invalidSimulation(String)

    public var description: String {
        switch self {
        case .tooFewModels(let k): return "model selection needs at least 2 candidate models, got \(k)"
        case .invalidGamma(let gamma): return "the query scale γ must be finite and ≥ 0, got \(gamma)"
        case .predictionCount(let expected, let found): return "an item has \(found) predictions for \(expected) models"
        case .notQueried(let round): return "round \(round) was not queried, so it takes no label"
        case .alreadyLabeled(let round): return "round \(round) is already labeled"
        case .invalidProbability(let round, let p): return "round \(round) has query probability \(p), outside (0, 1]"
        case .inconsistentState(let message): return "inconsistent ModelPicker state: \(message)"
        case .invalidSimulation(let message): return "cannot simulate: \(message)"
        }
    }
}
