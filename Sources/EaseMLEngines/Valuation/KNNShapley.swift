/// Exact Shapley values of training points for an unweighted K-nearest-neighbour classifier
/// (Jia et al., PVLDB 2019), in O(N log N) per validation point instead of O(2^N).
///
/// The utility of a training subset S for a validation point (x, y) is the fraction of its K
/// nearest points in S (fewer when |S| < K) whose label is y; U(∅) = 0. Training points are ranked
/// by (squared Euclidean distance to x, training index): the tie rule is part of the definition.
/// With m_i = 1[label of the i-th nearest = y] (1-based ranks):
///
///     s(α_N) = m_N / max(N, K)
///     s(α_i) = s(α_{i+1}) + (m_i − m_{i+1}) / max(K, i)      for i = N−1 … 1
///
/// (The published base case m_N / N is exact only for N ≥ K.) A point's value is the mean of s
/// over the validation points; the values add up to the mean utility of the whole training set.
public enum KNNShapley {
    /// The Shapley value of each rank for one validation point: `matches[r]` says whether the
    /// (r+1)-th nearest training point has the validation point's label. Result indexed by rank.
    public static func valuesByRank(matches: [Bool], k: Int) -> [Double] {
        let n = matches.count
        guard n > 0 else { return [] }
        precondition(k >= 1, "K must be at least 1")
        var values = [Double](repeating: 0, count: n)
        values[n - 1] = (matches[n - 1] ? 1 : 0) / Double(max(n, k))
        var i = n - 1
        while i >= 1 {
            let mi: Double = matches[i - 1] ? 1 : 0
            let next: Double = matches[i] ? 1 : 0
            values[i - 1] = values[i] + (mi - next) / Double(max(k, i))
            i -= 1
        }
        return values
    }

    /// The training indices sorted by (distance to `query`, index), the distance computed directly
    /// in Double: squared Euclidean as Σ (a − b)² in feature order, or cosine as
    /// 1 − a·b / (‖a‖ ‖b‖) (1 when either row is zero). Exact ties (common with integer features) stay
    /// ties. The simple reference for `KNNShapleyValuation`, which ranks the same way through BLAS.
    public static func neighbourOrder(of query: [Double], in training: [[Double]], metric: DistanceMetric = .euclidean) -> [Int] {
        func norm(_ row: [Double]) -> Double { row.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let queryNorm = norm(query)
        let distances = training.map { row in
            var sum = 0.0
            switch metric {
            case .euclidean:
                for (a, b) in zip(row, query) {
                    let d = a - b
                    sum += d * d
                }
                return sum
            case .cosine:
                let denominator = queryNorm * norm(row)
                if denominator == 0 { return 1 }
                for (a, b) in zip(query, row) { sum += a * b }
                return 1 - sum / denominator
            }
        }
        return distances.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }
    }

    /// The exact KNN-Shapley value of every training point against a labelled validation set,
    /// from each validation point's neighbour order (`orders[v]` lists all training indices,
    /// nearest first). Values are means over validation points.
    public static func values(
        trainingLabels: [Int], validationLabels: [Int], orders: [[Int]], k: Int
    ) -> [Double] {
        var total = [Double](repeating: 0, count: trainingLabels.count)
        for (v, order) in orders.enumerated() {
            let label = validationLabels[v]
            let byRank = valuesByRank(matches: order.map { trainingLabels[$0] == label }, k: k)
            for (rank, index) in order.enumerated() { total[index] += byRank[rank] }
        }
        let count = Double(max(1, orders.count))
        return total.map { $0 / count }
    }

    /// Values for feature rows from `neighbourOrder` (a full sort of direct distances per validation
    /// row): the simple path. `KNNShapleyValuation` gives the same values through BLAS, much faster.
    public static func values(
        training: [[Double]], trainingLabels: [Int], validation: [[Double]], validationLabels: [Int], k: Int,
        metric: DistanceMetric = .euclidean
    ) -> [Double] {
        values(
            trainingLabels: trainingLabels, validationLabels: validationLabels,
            orders: validation.map { neighbourOrder(of: $0, in: training, metric: metric) }, k: k)
    }
}
