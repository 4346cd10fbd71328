/// The sufficient statistics of one evaluation: everything the decision rule needs, and nothing
/// that identifies individual examples.
///
/// `predictionsDiffer` needs no labels. `onlyNewCorrect`/`onlyOldCorrect` need labels only on
/// the examples where the predictions differ (active labeling). `newCorrect`/`oldCorrect` need
/// every label. A count is `nil` when its labels (or the old model) are not available.
public struct EvaluationCounts: Sendable, Hashable, Codable {
    /// N, the number of test examples.
    public var total: Int
    /// Examples on which the new and old models predict different classes (`d`·N).
    public var predictionsDiffer: Int?
    /// Examples only the new model gets right (N₊).
    public var onlyNewCorrect: Int?
    /// Examples only the old model gets right (N₋).
    public var onlyOldCorrect: Int?
    /// Examples the new model gets right (`n`·N).
    public var newCorrect: Int?
    /// Examples the old model gets right (`o`·N).
    public var oldCorrect: Int?

    public init(
        total: Int, predictionsDiffer: Int? = nil, onlyNewCorrect: Int? = nil, onlyOldCorrect: Int? = nil,
        newCorrect: Int? = nil, oldCorrect: Int? = nil
    ) {
        self.total = total
        self.predictionsDiffer = predictionsDiffer
        self.onlyNewCorrect = onlyNewCorrect
        self.onlyOldCorrect = onlyOldCorrect
        self.newCorrect = newCorrect
        self.oldCorrect = oldCorrect
    }

    /// Tallies per-example predictions against labels in one pass.
    ///
    /// - Parameters:
    ///   - new: the new model's predictions.
    ///   - old: the old model's predictions on the same examples, or `nil` for a first model.
    ///   - labels: the true labels; all of the same length.
    ///
    /// Inlinable so that callers get a copy specialised to their label type (ten million
    /// `Int32` codes tally in milliseconds, not through generic witnesses).
    @inlinable
    public static func tally<Label: Equatable>(new: [Label], old: [Label]?, labels: [Label]) throws(DecisionError) -> EvaluationCounts {
        if let old { return try tally(new: new, paired: old, labels: labels) }
        guard new.count == labels.count else { throw .lengthMismatch(new: new.count, old: nil, labels: labels.count) }
        var newRight = 0
        for i in labels.indices where new[i] == labels[i] { newRight += 1 }
        return EvaluationCounts(total: labels.count, newCorrect: newRight)
    }

    /// `tally` with an old model, whose predictions may be any random-access view of them (the
    /// gate reads an accepted model's stored bytes in place, without a decoded copy).
    @inlinable
    public static func tally<Label: Equatable, Old: RandomAccessCollection<Label>>(
        new: [Label], paired old: Old, labels: [Label]
    ) throws(DecisionError) -> EvaluationCounts where Old.Index == Int {
        guard new.count == labels.count, old.count == labels.count else {
            throw .lengthMismatch(new: new.count, old: old.count, labels: labels.count)
        }
        var newRight = 0
        var oldRight = 0
        var differ = 0
        var onlyNew = 0
        var onlyOld = 0
        let start = old.startIndex
        for i in labels.indices {
            let label = labels[i], newLabel = new[i], oldLabel = old[start + i]
            let n = newLabel == label
            let o = oldLabel == label
            if n { newRight += 1 }
            if o { oldRight += 1 }
            if newLabel != oldLabel { differ += 1 }
            if n && !o { onlyNew += 1 }
            if o && !n { onlyOld += 1 }
        }
        return EvaluationCounts(
            total: labels.count, predictionsDiffer: differ, onlyNewCorrect: onlyNew, onlyOldCorrect: onlyOld,
            newCorrect: newRight, oldCorrect: oldRight)
    }

    /// The observed value of one variable, if it can be computed from these counts.
    public func estimate(_ variable: Variable) -> Double? {
        guard total > 0 else { return nil }
        let count: Int? = switch variable {
        case .new: newCorrect
        case .old: oldCorrect
        case .disagreement: predictionsDiffer
        }
        return count.map { Double($0) / Double(total) }
    }
}
