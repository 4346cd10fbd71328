/// SMOTE-style augmentation (Chawla et al., 2002): new rows on the segment between a row and one of
/// its K nearest rows of the same class, so synthetic rows stay inside each class's region.
///
/// Synthetic row i takes as its source the i-th usable row in file order (cycling), so classes are
/// augmented in proportion to their size; the neighbour is drawn uniformly among the source's K
/// nearest same-class rows (squared Euclidean, ties by row index) and the point at a uniform weight
/// u ∈ [0, 1) along the segment. Rows with a missing (NaN) cell and classes with a single usable row
/// are neither sources nor neighbours. Everything is drawn from one `SeededRandomGenerator`, so the
/// same inputs and seed give the same rows on every platform. The neighbours come from
/// `NearestNeighborSearch` (one search per class).
public enum ClassInterpolation {
    /// One synthetic row and where it came from.
    public struct Synthetic: Sendable, Equatable {
        public var values: [Double]
        public var label: Int
        public var source: Int
        public var neighbour: Int
        public var weight: Double
    }

    public static func synthesize(features: Matrix, labels: [Int], count: Int, k: Int, seed: UInt64) -> [Synthetic] {
        precondition(k >= 1, "K must be at least 1")
        let complete = (0..<features.rows).filter { row in !features.row(row).contains { $0.isNaN } }
        var byClass: [Int: [Int]] = [:]
        for row in complete { byClass[labels[row], default: []].append(row) }
        let sources = complete.filter { (byClass[labels[$0]]?.count ?? 0) >= 2 }
        guard count > 0, !sources.isEmpty else { return [] }
        // Each class's K nearest rows of the same class, by the engines' one exact neighbour search
        // (squared Euclidean, ties by index), computed once per class.
        var neighbours: [Int: [Int]] = [:]
        for rows in byClass.values where rows.count >= 2 {
            let members = features.selectingRows(rows)
            let ranked = NearestNeighborSearch(references: members, metric: .euclidean)
                .rankedNeighbours(k: k, of: members, excluding: Array(0..<rows.count))
            for (position, row) in rows.enumerated() { neighbours[row] = ranked[position].map { rows[$0.index] } }
        }
        var generator = SeededRandomGenerator(seed: seed)
        var result: [Synthetic] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let source = sources[index % sources.count]
            let candidates = neighbours[source]!
            let neighbour = candidates[Int(generator.next() % UInt64(candidates.count))]
            let weight = generator.uniform()
            let values = zip(features.row(source), features.row(neighbour)).map { $0 + weight * ($1 - $0) }
            result.append(Synthetic(values: values, label: labels[source], source: source, neighbour: neighbour, weight: weight))
        }
        return result
    }
}
