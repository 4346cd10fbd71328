/// A labeled pool of items with every candidate model's predicted class: the ground truth a
/// simulation draws streams from. Class codes are any `Int32`s shared by labels and predictions.
///
/// Precomputes, per item, which models are wrong and whether the models disagree, so simulations
/// run over flat integer arrays.
public struct ModelSelectionPool: Sendable {
    /// k ≥ 2.
    public let modelCount: Int
    /// n ≥ 1.
    public let itemCount: Int
    /// Row-major n × k: `predictions[item * k + model]`.
    public let predictions: [Int32]
    /// The true class of each item.
    public let labels: [Int32]
    /// Row-major n × k: 1 where the model is wrong on the item.
    let mistakes: [UInt8]
    /// Per item: 1 when not all models predict the same class.
    let disagrees: [UInt8]

    /// A pool from one prediction column per model (`predictionsByModel[model][item]`) and the labels.
    public init(labels: [Int32], predictionsByModel: [[Int32]]) throws(ModelPickerError) {
        let k = predictionsByModel.count
        guard k >= 2 else { throw .tooFewModels(k) }
        let n = labels.count
        guard n >= 1 else { throw .invalidSimulation("the pool has no items") }
        for (model, column) in predictionsByModel.enumerated() where column.count != n {
            throw .invalidSimulation("model \(model + 1) has \(column.count) predictions for \(n) labels")
        }
        var flat = [Int32](repeating: 0, count: n * k)
        var wrong = [UInt8](repeating: 0, count: n * k)
        var differ = [UInt8](repeating: 0, count: n)
        for item in 0..<n {
            let first = predictionsByModel[0][item]
            for model in 0..<k {
                let f = predictionsByModel[model][item]
                flat[item * k + model] = f
                if f != labels[item] { wrong[item * k + model] = 1 }
                if f != first { differ[item] = 1 }
            }
        }
        modelCount = k
        itemCount = n
        predictions = flat
        self.labels = labels
        mistakes = wrong
        disagrees = differ
    }

    /// The predictions of all models on one item.
    public func predictions(item: Int) -> [Int32] { Array(predictions[item * modelCount..<(item + 1) * modelCount]) }

    /// Each model's number of errors on the whole pool.
    public var errorCounts: [Int] {
        var counts = [Int](repeating: 0, count: modelCount)
        for item in 0..<itemCount {
            for model in 0..<modelCount { counts[model] += Int(mistakes[item * modelCount + model]) }
        }
        return counts
    }

    /// The number of items on which not all models agree.
    public var disagreementCount: Int { disagrees.reduce(0) { $0 + Int($1) } }

    /// `length` distinct items in uniformly random order (a partial Fisher–Yates shuffle).
    public func drawStream(length: Int, using rng: inout SeededRandomGenerator) -> [Int] {
        precondition(length >= 0 && length <= itemCount, "a stream is at most the pool")
        var order = Array(0..<itemCount)
        for i in 0..<length { order.swapAt(i, i + rng.below(itemCount - i)) }
        return Array(order[0..<length])
    }
}
