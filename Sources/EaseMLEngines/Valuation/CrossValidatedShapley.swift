/// KNN-Shapley values without a separate clean validation set: the training rows are split into
/// `folds` seeded folds, the rows outside each fold are valued against the fold (its labels as the
/// validation labels, `KNNShapleyValuation`), and each row's value is the mean of its `folds − 1`
/// values. A mislabelled row then has a low value because the rows near it in other folds carry
/// another label — the same out-of-sample idea as cleanlab's cross-validated probabilities, with
/// the exact KNN-Shapley value in place of a classifier's confidence.
public struct CrossValidatedShapley: Sendable {
    public var k: Int
    public var metric: DistanceMetric
    /// At least 2.
    public var folds: Int
    public var seed: UInt64

    public init(k: Int, metric: DistanceMetric, folds: Int = 5, seed: UInt64 = 1) {
        self.k = k
        self.metric = metric
        self.folds = folds
        self.seed = seed
    }

    /// The fold of each row: a seeded shuffle dealt round-robin, so fold sizes differ by at most one.
    public func assignment(rows: Int) -> [Int] {
        var order = Array(0..<rows)
        var rng = SeededRandomGenerator(seed: seed)
        rng.shuffle(&order)
        var fold = [Int](repeating: 0, count: rows)
        for (position, row) in order.enumerated() { fold[row] = position % folds }
        return fold
    }

    /// One value per row of `data` (at least `folds` rows).
    public func values(_ data: LabeledMatrix) -> [Double] {
        let n = data.features.rows
        precondition(folds >= 2 && n >= folds, "need at least 2 folds and a row per fold")
        let fold = assignment(rows: n)
        var sums = [Double](repeating: 0, count: n)
        for f in 0..<folds {
            let inside = (0..<n).filter { fold[$0] == f }
            let outside = (0..<n).filter { fold[$0] != f }
            let training = data.selectingRows(outside)
            let values = KNNShapleyValuation(training: training.features, trainingLabels: training.labels, k: k, metric: metric)
                .values(validation: data.features.selectingRows(inside), validationLabels: inside.map { data.labels[$0] })
            for (position, row) in outside.enumerated() { sums[row] += values[position] }
        }
        return sums.map { $0 / Double(folds - 1) }
    }
}
