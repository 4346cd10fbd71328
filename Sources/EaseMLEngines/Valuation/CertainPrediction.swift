/// Nearest-neighbour predictions over incomplete training data (CPClean, Karlaš et al., PVLDB
/// 14(3), 2021), for any number of classes.
///
/// Every training row has a known label and a set of candidate feature vectors (its possible
/// repairs; a clean row has one). A *world* picks one candidate per row. For one validation point,
/// `distances[i][j]` is the squared distance from it to candidate j of row i. In a world the K
/// nearest rows (by distance, then row index) vote; a vote tie goes to the smallest label.
public enum CertainPrediction {
    /// Q2, the counting query: for each label, the fraction of worlds (each row's candidate drawn
    /// uniformly and independently) in which KNN predicts that label. Exact, in
    /// O(E · N · T) for E candidate elements, N rows and T label tallies of size < K.
    ///
    /// All (row, candidate) elements are sorted by (distance, row, candidate). Element (i, j) is the
    /// K-th neighbour of a world iff row i picks j and exactly K − 1 other rows pick an element
    /// ranked before it; rows are independent, so the label tally of those K − 1 rows follows a
    /// Poisson-binomial law computed by a dynamic program over tallies.
    public static func labelFractions(distances: [[Double]], labels: [Int], classCount: Int, k: Int) -> [Double] {
        precondition(k >= 1 && distances.count == labels.count && distances.allSatisfy { !$0.isEmpty })
        let n = labels.count
        if n <= k {
            // Every row is a neighbour in every world: one deterministic vote.
            var tally = [Int](repeating: 0, count: classCount)
            for label in labels { tally[label] += 1 }
            var result = [Double](repeating: 0, count: classCount)
            result[vote(tally)] = 1
            return result
        }
        let elements = sortedElements(distances)
        // rank[i][j]: position of (i, j) in the sorted order.
        var rank = distances.map { [Int](repeating: 0, count: $0.count) }
        for (position, element) in elements.enumerated() { rank[element.row][element.candidate] = position }
        var result = [Double](repeating: 0, count: classCount)
        for (position, element) in elements.enumerated() {
            var states: [[Int]: Double] = [[Int](repeating: 0, count: classCount): 1]
            for row in 0..<n where row != element.row {
                let before = Double(rank[row].filter { $0 < position }.count) / Double(rank[row].count)
                var next: [[Int]: Double] = [:]
                for (tally, probability) in states {
                    if before < 1 { next[tally, default: 0] += probability * (1 - before) }
                    if before > 0 && tally.reduce(0, +) < k - 1 {
                        var grown = tally
                        grown[labels[row]] += 1
                        next[grown, default: 0] += probability * before
                    }
                }
                states = next
            }
            let pick = 1 / Double(distances[element.row].count)
            for (tally, probability) in states where tally.reduce(0, +) == k - 1 {
                var withSelf = tally
                withSelf[labels[element.row]] += 1
                result[vote(withSelf)] += probability * pick
            }
        }
        return result
    }

    /// Q1: the label KNN predicts in *every* world, or `nil` when worlds disagree. Decided by an
    /// exact reachability version of the same scan (no floating-point underflow can hide a world).
    public static func certainLabel(distances: [[Double]], labels: [Int], classCount: Int, k: Int) -> Int? {
        let n = labels.count
        if n <= k {
            var tally = [Int](repeating: 0, count: classCount)
            for label in labels { tally[label] += 1 }
            return vote(tally)
        }
        let elements = sortedElements(distances)
        var rank = distances.map { [Int](repeating: 0, count: $0.count) }
        for (position, element) in elements.enumerated() { rank[element.row][element.candidate] = position }
        var possible = Set<Int>()
        for (position, element) in elements.enumerated() {
            var states: Set<[Int]> = [[Int](repeating: 0, count: classCount)]
            for row in 0..<n where row != element.row {
                let canBefore = rank[row].contains { $0 < position }
                let canAfter = rank[row].contains { $0 > position }
                var next = Set<[Int]>()
                for tally in states {
                    if canAfter { next.insert(tally) }
                    if canBefore && tally.reduce(0, +) < k - 1 {
                        var grown = tally
                        grown[labels[row]] += 1
                        next.insert(grown)
                    }
                }
                states = next
            }
            for tally in states where tally.reduce(0, +) == k - 1 {
                var withSelf = tally
                withSelf[labels[element.row]] += 1
                possible.insert(vote(withSelf))
                if possible.count > 1 { return nil }
            }
        }
        return possible.count == 1 ? possible.first : nil
    }

    /// Plurality vote; ties go to the smallest label.
    static func vote(_ tally: [Int]) -> Int {
        var best = 0
        for label in tally.indices where tally[label] > tally[best] { best = label }
        return best
    }

    private struct Element { var row: Int; var candidate: Int; var distance: Double }

    private static func sortedElements(_ distances: [[Double]]) -> [Element] {
        distances.enumerated().flatMap { row, candidates in
            candidates.enumerated().map { Element(row: row, candidate: $0.offset, distance: $0.element) }
        }.sorted { ($0.distance, $0.row, $0.candidate) < ($1.distance, $1.row, $1.candidate) }
    }
}
