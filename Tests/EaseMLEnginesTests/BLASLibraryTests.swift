import Foundation
import Testing
@testable import EaseMLEngines

@Test func linkedBLASIsOpenBLAS() {
    #expect(BLASLibrary.configuration.hasPrefix("OpenBLAS"))
}

/// Stopping OpenBLAS's thread pool for single-threaded work changes no product, and the pool
/// starts again for the products after it (a threaded product of 600 × 700 × 64 runs on it).
@Test func theThreadPoolStopsForSingleThreadedWorkAndStartsAgain() {
    var random = SeededRandomGenerator(seed: 42)
    func next() -> Double { Double.random(in: -0.5..<0.5, using: &random) }
    let references = Matrix(rows: 700, columns: 64, values: (0..<(700 * 64)).map { _ in next() })
    let queries = Matrix(rows: 600, columns: 64, values: (0..<(600 * 64)).map { _ in next() })
    let search = NearestNeighborSearch(references: references, metric: .euclidean)
    let before = search.nearest(to: queries)
    let alone = BLASLibrary.withoutBLASThreads { search.nearest(to: queries) }
    let after = search.nearest(to: queries)
    #expect(before.map(\.index) == alone.map(\.index) && alone.map(\.index) == after.map(\.index))
    #expect(before.map(\.distance) == after.map(\.distance))
    // The brute force agrees on the first query.
    let direct = (0..<700).min { a, b in
        let da = (0..<64).reduce(0.0) { $0 + pow(queries.values[$1] - references.values[a * 64 + $1], 2) }
        let db = (0..<64).reduce(0.0) { $0 + pow(queries.values[$1] - references.values[b * 64 + $1], 2) }
        return (da, a) < (db, b)
    }
    #expect(before[0].index == direct)
}
