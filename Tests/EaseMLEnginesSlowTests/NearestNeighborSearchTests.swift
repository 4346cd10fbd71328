import Foundation
import Testing
@testable import EaseMLEngines

/// A naive double loop: the nearest other row by directly summed squared differences (or cosine),
/// lowest index among exact ties.
private func naiveNearest(_ queries: Matrix, _ references: Matrix, metric: DistanceMetric, excludingSelf: Bool) -> [Int] {
    (0..<queries.rows).map { q in
        var best = -1
        var bestDistance = Double.infinity
        for r in 0..<references.rows where !(excludingSelf && r == q) {
            var distance: Double
            switch metric {
            case .euclidean:
                distance = 0
                for k in 0..<queries.columns { let x = queries[q, k] - references[r, k]; distance += x * x }
            case .cosine:
                var dot = 0.0, qq = 0.0, rr = 0.0
                for k in 0..<queries.columns {
                    dot += queries[q, k] * references[r, k]; qq += queries[q, k] * queries[q, k]; rr += references[r, k] * references[r, k]
                }
                distance = qq * rr == 0 ? 1 : 1 - dot / (qq.squareRoot() * rr.squareRoot())
            }
            if distance < bestDistance { bestDistance = distance; best = r }
        }
        return best
    }
}

private func randomMatrix(rows: Int, columns: Int, seed: UInt64, integers: Bool = false) -> Matrix {
    var rng = SeededRandomGenerator(seed: seed)
    return Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in
        integers ? Double(rng.below(4)) : rng.uniform() * 2 - 1
    })
}

@Test func blasDistancesEqualANaiveLoop() {
    // 600 queries × 2,500 references crosses both block sizes (256 and 2,048).
    let references = randomMatrix(rows: 2500, columns: 17, seed: 1)
    let queries = randomMatrix(rows: 600, columns: 17, seed: 2)
    for metric in DistanceMetric.allCases {
        let found = NearestNeighborSearch(references: references, metric: metric).nearest(to: queries)
        #expect(found.map(\.index) == naiveNearest(queries, references, metric: metric, excludingSelf: false))
        for (q, neighbour) in found.enumerated().prefix(50) {
            var direct: Double
            switch metric {
            case .euclidean:
                direct = 0
                for k in 0..<17 { let x = queries[q, k] - references[neighbour.index, k]; direct += x * x }
                direct = direct.squareRoot()
            case .cosine:
                let a = queries.row(q), b = references.row(neighbour.index)
                let dot = zip(a, b).map(*).reduce(0, +)
                direct = 1 - dot / (a.map { $0 * $0 }.reduce(0, +).squareRoot() * b.map { $0 * $0 }.reduce(0, +).squareRoot())
            }
            #expect(abs(neighbour.distance - direct) <= 1e-9)
        }
    }
}

@Test func exactTiesGoToTheLowestIndexDespiteGemmRounding() {
    // Small-integer features in 3 dimensions: most queries have several references at exactly the same
    // distance, and large offsets make ‖a‖² + ‖b‖² − 2a·b round differently for them.
    let base = randomMatrix(rows: 3000, columns: 3, seed: 3, integers: true)
    let shifted = Matrix(rows: base.rows, columns: 3, values: base.values.map { $0 + 1e4 })
    let found = NearestNeighborSearch.leaveOneOut(shifted, metric: .euclidean)
    #expect(found.map(\.index) == naiveNearest(shifted, shifted, metric: .euclidean, excludingSelf: true))
    // With 64 possible points among 3,000 rows, every row has a duplicate: the nearest is the first
    // other copy of itself, at distance 0.
    #expect(found.allSatisfy { $0.distance == 0 })
    #expect(found[0].index == (1..<3000).first { shifted.row($0) == shifted.row(0) })
}

@Test func leaveOneOutErrorsMatchTheReferenceFacts() throws {
    let facts: [(String, Double)] = [("digits", 0.0117), ("breast_cancer", 0.0844), ("wine", 0.2303), ("iris", 0.0400)]
    for (name, expected) in facts {
        let data = try readDataset(name)
        let estimate = NearestNeighborErrorEstimate.leaveOneOut(data, metric: .euclidean)
        #expect((estimate.rate * 10_000).rounded() / 10_000 == expected, "\(name): \(estimate.rate)")
        // And the brute-force loop agrees error for error.
        let naive = naiveNearest(data.features, data.features, metric: .euclidean, excludingSelf: true)
        let naiveErrors = naive.enumerated().filter { data.labels[$0.element] != data.labels[$0.offset] }.count
        #expect(estimate.errors == naiveErrors)
        #expect(estimate.lower < estimate.rate && estimate.rate < estimate.upper)
    }
}

@Test func heldOutUsesOnlyTrainingLabels() throws {
    let iris = try readDataset("iris")
    let training = iris.selectingRows(Array(stride(from: 0, to: 150, by: 2)))
    let test = iris.selectingRows(Array(stride(from: 1, to: 150, by: 2)))
    let estimate = NearestNeighborErrorEstimate.heldOut(training: training, test: test, metric: .euclidean)
    let naive = naiveNearest(test.features, training.features, metric: .euclidean, excludingSelf: false)
    #expect(estimate.errors == naive.enumerated().filter { training.labels[$0.element] != test.labels[$0.offset] }.count)
    #expect(estimate.trials == 75 && estimate.references == 75)
}

@Test func rankedNeighboursEqualAFullSortOfDirectDistances() {
    // Integer features with a large offset: many exact ties, and the product rounds them differently.
    // 300 queries × 2,500 references crosses both block sizes.
    let base = randomMatrix(rows: 2800, columns: 4, seed: 5, integers: true)
    let shifted = Matrix(rows: base.rows, columns: 4, values: base.values.map { $0 + 1e4 })
    let references = shifted.selectingRows(0..<2500)
    let queries = shifted.selectingRows(2500..<2800)
    let search = NearestNeighborSearch(references: references, metric: .euclidean)
    for k in [1, 7, 40] {
        let found = search.rankedNeighbours(k: k, of: queries, excluding: (0..<300).map { $0 % 3 == 0 ? $0 : -1 })
        for q in 0..<queries.rows {
            let direct = (0..<references.rows).filter { !(q % 3 == 0 && $0 == q) }.map { r -> (Double, Int) in
                var sum = 0.0
                for c in 0..<4 { let x = queries[q, c] - references[r, c]; sum += x * x }
                return (sum, r)
            }.sorted { $0 < $1 }.prefix(k)
            #expect(found[q].map(\.index) == direct.map(\.1), "query \(q), k \(k)")
            #expect(found[q].map(\.distance) == direct.map(\.0))
        }
    }
    // Fewer references than k: all of them, in order.
    let few = NearestNeighborSearch(references: references.selectingRows(0..<3), metric: .cosine).rankedNeighbours(k: 5, of: queries)
    #expect(few.allSatisfy { $0.count == 3 && Set($0.map(\.index)) == [0, 1, 2] })
}

/// One pass over the references answers every prefix exactly as a search over that prefix alone:
/// integer features with many exact ties (the lowest index wins) and large offsets that make the
/// product round, prefixes that end inside and at the edge of a reference block, both metrics.
@Test func prefixesInOnePassEqualSeparateSearches() {
    for (seed, metric) in [(UInt64(11), DistanceMetric.euclidean), (12, .cosine)] {
        let base = randomMatrix(rows: 5_000, columns: 3, seed: seed, integers: true)
        let references = Matrix(rows: base.rows, columns: 3, values: base.values.map { $0 + (metric == .euclidean ? 1e4 : 0) })
        let queries = randomMatrix(rows: 700, columns: 3, seed: seed + 100, integers: true)
        let shiftedQueries = Matrix(rows: queries.rows, columns: 3, values: queries.values.map { $0 + (metric == .euclidean ? 1e4 : 0) })
        let prefixes = [1, 7, 2_048, 2_049, 3_333, 5_000]
        let together = NearestNeighborSearch(references: references, metric: metric).nearest(to: shiftedQueries, inPrefixes: prefixes)
        for (p, prefix) in prefixes.enumerated() {
            let alone = NearestNeighborSearch(references: references.selectingRows(0..<prefix), metric: metric).nearest(to: shiftedQueries)
            #expect(together[p].map(\.index) == alone.map(\.index), "\(metric) prefix \(prefix)")
            #expect(together[p].map(\.distance) == alone.map(\.distance), "\(metric) prefix \(prefix)")
        }
    }
}
