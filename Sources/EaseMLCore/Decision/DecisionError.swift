/// Why the decision rule could not decide.
public enum DecisionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Predictions and labels have different lengths.
    case lengthMismatch(new: Int, old: Int?, labels: Int)
    /// A clause needs a statistic the counts do not carry (no old model, labels missing).
    case missingStatistic(clause: String, needs: String)
    /// There are no test examples.
    case emptyTestSet

    public var description: String {
        switch self {
        case .lengthMismatch(let new, let old, let labels):
            let oldText = old.map { ", old model \($0)" } ?? ""
            return "prediction and label counts differ: new model \(new)\(oldText), labels \(labels)"
        case .missingStatistic(let clause, let needs):
            return "cannot decide `\(clause)`: it needs \(needs)"
        case .emptyTestSet:
            return "the test set is empty"
        }
    }
}
