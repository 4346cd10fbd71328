import Foundation
import Testing
@testable import EaseMLEngines

// MARK: - The early-stopping scan equals the verified general answers

@Test func cpCleanScanEqualsCertainPredictionOnRandomInstances() {
    var random = SeededRandomGenerator(seed: 0xC1EA9)
    var checkedGains = 0
    for _ in 0..<300 {
        let rows = 1 + random.below(6)
        let classes = 2 + random.below(2)
        let k = 1 + random.below(4)
        let labels = (0..<rows).map { _ in random.below(classes) }
        // One feature; the validation points sit at 0 and 1, so distances are squares (with ties).
        let candidates = (0..<rows).map { _ in (0..<(1 + random.below(3))).map { _ in [Double(random.below(4))] } }
        let validation: [[Double]] = [[0], [1]]
        let engine = CPClean(candidates: candidates, labels: labels, classCount: classes, validation: validation, k: k)
        for (point, query) in validation.enumerated() {
            let distances = candidates.map { $0.map { CPClean.squaredDistance($0, query) } }
            let expected = CertainPrediction.labelFractions(distances: distances, labels: labels, classCount: classes, k: k)
            let fractions = engine.labelFractions(point: point)
            for (a, b) in zip(fractions, expected) { #expect(abs(a - b) < 1e-12) }
            let label = CertainPrediction.certainLabel(distances: distances, labels: labels, classCount: classes, k: k)
            #expect(engine.certainLabels[point] == label)
        }
        // Gains: the expected entropy drop, from conditional answers with the row's candidates replaced.
        let uncertain = engine.uncertainPoints
        guard !uncertain.isEmpty else { continue }
        for gain in engine.gains() {
            var total = 0.0
            for point in uncertain {
                let query = validation[point]
                let distances = candidates.map { $0.map { CPClean.squaredDistance($0, query) } }
                let before = CPClean.entropy(CertainPrediction.labelFractions(distances: distances, labels: labels, classCount: classes, k: k))
                var expected = 0.0
                for candidate in distances[gain.row] {
                    var fixed = distances
                    fixed[gain.row] = [candidate]
                    expected += CPClean.entropy(CertainPrediction.labelFractions(distances: fixed, labels: labels, classCount: classes, k: k))
                }
                total += before - expected / Double(distances[gain.row].count)
            }
            #expect(abs(gain.gain - total / Double(uncertain.count)) < 1e-12)
            checkedGains += 1
        }
    }
    #expect(checkedGains > 50)
}

@Test func cleaningARowMakesItsPointsCertainEventually() {
    // Two rows of opposite labels, each either near or far: uncertain until both are cleaned.
    let candidates: [[[Double]]] = [[[1], [5]], [[2], [6]], [[10]]]
    var engine = CPClean(candidates: candidates, labels: [0, 1, 1], classCount: 2, validation: [[0]], k: 1)
    #expect(engine.certainCount == 0)
    #expect(engine.dirtyRows == [0, 1])
    let next = engine.nextRow()
    #expect(next?.row == 0)
    engine.clean(row: 0, value: [1])
    #expect(engine.isComplete && engine.certainLabels == [0])
    #expect(engine.nextRow() == nil)
    #expect(engine.cleanedRows == [0])
}

// MARK: - Reading incomplete tables

@Test func incompleteTableReaderKeepsMissingCellsAsNaN() throws {
    let table = try IncompleteTableReader.readLabeled("a,b,label\n1,,x\nNaN,2.5,y\n3,4,x\n", file: "t.csv")
    #expect(table.features.rows == 3 && table.features.columns == 2)
    #expect(table.features[0, 1].isNaN && table.features[1, 0].isNaN)
    #expect(table.features[2, 1] == 4 && table.labels == [0, 1, 0])
}

@Test func incompleteTableReaderNamesBadCells() {
    #expect(throws: MatrixFileError.notANumber(file: "t.csv", line: 3, column: 2, field: "oops")) {
        try IncompleteTableReader.readLabeled("a,b,label\n1,2,x\n1,oops,y\n", file: "t.csv")
    }
    #expect(throws: MatrixFileError.notANumber(file: "t.csv", line: 2, column: 1, field: "inf")) {
        try IncompleteTableReader.readLabeled("a,b,label\ninf,2,x\n", file: "t.csv")
    }
    #expect(throws: MatrixFileError.raggedRow(file: "t.csv", line: 2, expected: 3, found: 2)) {
        try IncompleteTableReader.readLabeled("a,b,label\n1,x\n", file: "t.csv")
    }
}

@Test func builtInCandidatesFollowTheMethodOrder() throws {
    let features = Matrix(rowArrays: [[0, 0], [1, 10], [2, .nan], [4, 30], [3, 20]])
    let candidates = try CandidateRepairs.builtIn(features: features)
    #expect(candidates[0] == [[0, 0]])
    let filled = candidates[2].map { $0[1] }
    // mean, median, min, max, grid25, grid75, knn5 (donors 1, 4, 0, 3 by distance over column 0).
    #expect(filled == [15, 15, 0, 30, 7.5, 22.5, 15])
    #expect(candidates[2].allSatisfy { $0[0] == 2 })
    #expect(throws: CandidateRepairError.columnWithoutObservedCells(column: 1)) {
        try CandidateRepairs.builtIn(features: Matrix(rowArrays: [[0, .nan], [1, .nan]]))
    }
}

// MARK: - The reference case (valuation.md §4.3)

/// breast_cancer, split r % 10 < 7, min–max scaled with the training rows, dirty rows t % 5 == 2
/// missing base feature b = (t div 5) mod 10 (columns b, b+10, b+20).
struct CPCleanReference {
    let clean: [[Double]]
    let dirty: Matrix
    let labels: [Int]
    let classCount: Int
    let validation: [[Double]]
    let candidates: [[[Double]]]

    private static let read = Result<CPCleanReference, any Error> { try CPCleanReference() }

    /// The reference, built once; throws (failing the test that asks) when breast_cancer cannot be read.
    static var shared: CPCleanReference { get throws { try read.get() } }

    init() throws {
        let data = try readDataset("breast_cancer")
        let rows = 0..<data.features.rows
        let training = rows.filter { $0 % 10 < 7 }
        let validationRows = rows.filter { $0 % 10 >= 7 }
        let columns = data.features.columns
        var low = [Double](repeating: .infinity, count: columns)
        var high = [Double](repeating: -.infinity, count: columns)
        for r in training {
            for c in 0..<columns {
                low[c] = Swift.min(low[c], data.features[r, c])
                high[c] = Swift.max(high[c], data.features[r, c])
            }
        }
        func scaled(_ r: Int) -> [Double] {
            (0..<columns).map { c in
                let range = high[c] - low[c]
                return (data.features[r, c] - low[c]) / (range == 0 ? 1 : range)
            }
        }
        clean = training.map(scaled)
        validation = validationRows.map(scaled)
        labels = training.map { data.labels[$0] }
        classCount = data.classCount
        var dirtyRows = clean
        for t in dirtyRows.indices where t % 5 == 2 {
            let b = (t / 5) % 10
            for c in [b, b + 10, b + 20] { dirtyRows[t][c] = .nan }
        }
        dirty = Matrix(rowArrays: dirtyRows)
        candidates = try CandidateRepairs.builtIn(features: dirty)
    }

    /// The candidate nearest the true clean row (ties → earlier method).
    func groundTruth(_ row: Int) -> [Double] {
        candidates[row].min { CPClean.squaredDistance($0, clean[row]) < CPClean.squaredDistance($1, clean[row]) }!
    }

    /// Cleans greedily until every validation point is certain; the rows in cleaning order.
    func greedyOrder(k: Int) -> (certainBefore: Int, order: [Int]) {
        var engine = CPClean(candidates: candidates, labels: labels, classCount: classCount, validation: validation, k: k)
        let before = engine.certainCount
        while let next = engine.nextRow() { engine.clean(row: next.row, value: groundTruth(next.row)) }
        return (before, engine.cleanedRows)
    }
}

@Test func referenceCandidateChecksum() throws {
    let reference = try CPCleanReference.shared
    #expect(reference.dirty.rows == 399 && reference.validation.count == 170)
    #expect(reference.candidates.count { $0.count == 7 } == 80)
    #expect(reference.dirty.values.count { $0.isNaN } == 240)
    let sum = reference.candidates.joined().joined().reduce(0, +)
    #expect(abs(sum - 6843.5636355388) < 1e-9, "checksum \(sum)")
}

@Test func referenceCleaningOrderK3() throws {
    let reference = try CPCleanReference.shared
    let engine = CPClean(candidates: reference.candidates, labels: reference.labels, classCount: reference.classCount,
                         validation: reference.validation, k: 3)
    #expect(engine.certainCount == 166)
    let entropy = engine.uncertainPoints.map { engine.entropy(point: $0) }.reduce(0, +)
    #expect(abs(entropy - 2.109464) < 5e-7, "entropy checksum \(entropy)")
    let result = reference.greedyOrder(k: 3)
    #expect(result.order == [342, 57, 152])
}

@Test func referenceCleaningOrderK1AndK5() throws {
    let reference = try CPCleanReference.shared
    let one = reference.greedyOrder(k: 1)
    #expect(one.certainBefore == 166 && one.order == [342, 82, 377])
    let five = reference.greedyOrder(k: 5)
    #expect(five.certainBefore == 165 && five.order == [372, 7, 342, 27, 152, 367])
}

@Test func referenceRandomOrderNeedsFarMoreRows() throws {
    // valuation.md §4.3: random order needs 49.35 rows on average (sd 18.8, range 12–80) for K = 3.
    let reference = try CPCleanReference.shared
    let start = CPClean(candidates: reference.candidates, labels: reference.labels, classCount: reference.classCount,
                        validation: reference.validation, k: 3)
    var counts: [Int] = []
    for seed in 0..<20 {
        var random = SeededRandomGenerator(seed: UInt64(seed))
        var order = start.dirtyRows
        random.shuffle(&order)
        var engine = start
        for row in order where !engine.isComplete { engine.clean(row: row, value: reference.groundTruth(row)) }
        #expect(engine.isComplete)
        counts.append(engine.cleanedRows.count)
    }
    let mean = Double(counts.reduce(0, +)) / 20
    #expect(mean > 35 && mean < 65, "random-order mean \(mean), counts \(counts)")
    #expect(counts.allSatisfy { $0 >= 3 })
}
