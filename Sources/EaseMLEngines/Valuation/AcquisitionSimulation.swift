/// Replays labelling on a fully labelled training set to compare labelling orders: labels are
/// hidden except for a random starting set, then revealed batch by batch in the order a rule
/// chooses, and after each batch the K-NN validation accuracy of the labelled rows is recorded.
///
/// Protocol (the one the Market tests use): a seeded shuffle of the training rows; the first
/// `initial` rows are labelled, the rest form the pool. Each round labels `batch` pool rows — the
/// first `batch` of `AcquisitionRanking` recomputed on the current labelled set, or the next
/// `batch` of a seeded random order — until `budget` rows are labelled.
public enum AcquisitionSimulation {
    /// The labelling order under test.
    public enum Order: Sendable, Equatable {
        case ranking
        case random
    }

    /// Validation accuracy after each batch: `accuracy[i]` after `(i + 1) · batch` labels. `term` is
    /// the ranking's value term (ignored by random order).
    public static func run(
        training: [[Double]], labels: [Int], validation: [[Double]], validationLabels: [Int],
        initial: Int, budget: Int, batch: Int, k: Int, seed: UInt64, order: Order,
        term: AcquisitionRanking.ValueTerm = .expectedUtilityGain
    ) -> [Double] {
        precondition(initial >= 1 && batch >= 1 && initial + budget <= training.count, "simulation sizes out of range")
        var generator = SeededRandomGenerator(seed: seed)
        var shuffled = Array(training.indices)
        generator.shuffle(&shuffled)
        var labelled = Array(shuffled.prefix(initial))
        var pool = Array(shuffled.dropFirst(initial))
        var accuracy: [Double] = []
        while labelled.count - initial < budget {
            let size = min(batch, budget - (labelled.count - initial))
            let chosen: [Int]
            switch order {
            case .random:
                chosen = Array(pool.prefix(size))
            case .ranking:
                let ranked = AcquisitionRanking.rank(
                    labeled: labelled.map { training[$0] }, labels: labelled.map { labels[$0] },
                    pool: pool.map { training[$0] }, validation: validation, validationLabels: validationLabels,
                    k: k, batch: size, limit: size, term: term)
                chosen = ranked.map { pool[$0.index] }
            }
            let taken = Set(chosen)
            labelled += chosen
            pool.removeAll { taken.contains($0) }
            accuracy.append(
                validationAccuracy(
                    training: labelled.map { training[$0] }, labels: labelled.map { labels[$0] },
                    validation: validation, validationLabels: validationLabels, k: k))
        }
        return accuracy
    }

    /// Accuracy of the unweighted K-NN majority vote (squared Euclidean, neighbours tied by index,
    /// vote ties to the smaller class code).
    public static func validationAccuracy(
        training: [[Double]], labels: [Int], validation: [[Double]], validationLabels: [Int], k: Int
    ) -> Double {
        guard !validation.isEmpty else { return 0 }
        let classes = (labels.max() ?? 0) + 1
        let width = validation[0].count
        let neighbours = training.isEmpty
            ? [[NearestNeighbor]](repeating: [], count: validation.count)
            : NearestNeighborSearch(references: Matrix(rowArrays: training), metric: .euclidean)
                .rankedNeighbours(k: k, of: Matrix(rows: validation.count, columns: width, values: validation.flatMap { $0 }))
        var correct = 0
        for v in validation.indices {
            var votes = [Int](repeating: 0, count: classes)
            for neighbour in neighbours[v] { votes[labels[neighbour.index]] += 1 }
            let predicted = votes.indices.max { (votes[$0], -$0) < (votes[$1], -$1) }!
            if predicted == validationLabels[v] { correct += 1 }
        }
        return Double(correct) / Double(validation.count)
    }
}
