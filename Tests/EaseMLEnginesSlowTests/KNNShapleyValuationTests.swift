import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

/// Rows of `matrix` as arrays, for the simple path.
private func rowArrays(_ matrix: Matrix) -> [[Double]] { (0..<matrix.rows).map(matrix.row) }

private func randomMatrix(rows: Int, columns: Int, rng: inout SeededRandomGenerator, levels: Int? = nil, offset: Double = 0) -> Matrix {
    Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in
        offset + (levels.map { Double(rng.below($0)) } ?? rng.uniform() * 2 - 1)
    })
}

/// The fast path against `KNNShapley.values(training:…)` (direct distances, full sort): bit for bit.
private func expectSameAsSimplePath(
    training: Matrix, trainingLabels: [Int], validation: Matrix, validationLabels: [Int], k: Int, metric: DistanceMetric,
    blocks: [Int?] = [nil], comment: String
) {
    let simple = KNNShapley.values(
        training: rowArrays(training), trainingLabels: trainingLabels, validation: rowArrays(validation),
        validationLabels: validationLabels, k: k, metric: metric)
    let valuation = KNNShapleyValuation(training: training, trainingLabels: trainingLabels, k: k, metric: metric)
    for block in blocks {
        let fast = valuation.values(validation: validation, validationLabels: validationLabels, queryBlock: block)
        #expect(fast == simple, "\(comment) block \(block.map(String.init) ?? "default"): max diff \(zip(fast, simple).map { abs($0 - $1) }.max() ?? 0)")
    }
}

@Test func fastPathEqualsSimplePathWithIntegerFeaturesAndTies() {
    var rng = SeededRandomGenerator(seed: 91)
    for trial in 0..<12 {
        let n = 1 + rng.below(300)
        let v = 1 + rng.below(40)
        let d = 1 + rng.below(6)
        let k = 1 + rng.below(8)
        let metric: DistanceMetric = trial % 3 == 2 ? .cosine : .euclidean
        // Features in 0..<3: dozens of training rows at exactly the same distance, zero rows for cosine.
        let training = randomMatrix(rows: n, columns: d, rng: &rng, levels: 3)
        let validation = randomMatrix(rows: v, columns: d, rng: &rng, levels: 3)
        let trainingLabels = (0..<n).map { _ in rng.below(3) }
        let validationLabels = (0..<v).map { _ in rng.below(4) - (trial % 4 == 0 ? 1 : 0) }
        expectSameAsSimplePath(
            training: training, trainingLabels: trainingLabels, validation: validation, validationLabels: validationLabels,
            k: k, metric: metric, blocks: [nil, 1, 7], comment: "trial \(trial) n=\(n) v=\(v) d=\(d) k=\(k) \(metric)")
    }
}

@Test func exactTiesAreRankedByIndexDespiteGemmRounding() {
    // Integer features offset by 10⁴ + 0.3 (not a binary fraction): differences are still exact
    // integers, so exact ties abound, but ‖a‖² + ‖b‖² − 2a·b rounds differently for rows at exactly
    // the same distance; only the direct recomputation of near-ties gets the tie rule right.
    var rng = SeededRandomGenerator(seed: 7)
    let training = randomMatrix(rows: 1500, columns: 3, rng: &rng, levels: 4, offset: 10_000.3)
    let validation = randomMatrix(rows: 60, columns: 3, rng: &rng, levels: 4, offset: 10_000.3)
    let trainingLabels = (0..<1500).map { _ in rng.below(2) }
    let validationLabels = (0..<60).map { _ in rng.below(2) }
    for k in [1, 5] {
        expectSameAsSimplePath(
            training: training, trainingLabels: trainingLabels, validation: validation, validationLabels: validationLabels,
            k: k, metric: .euclidean, blocks: [nil, 13], comment: "offset k=\(k)")
    }
}

@Test func fastPathEqualsSimplePathOnFloatFeatures() {
    var rng = SeededRandomGenerator(seed: 3)
    let training = randomMatrix(rows: 2100, columns: 40, rng: &rng)
    let validation = randomMatrix(rows: 70, columns: 40, rng: &rng)
    let trainingLabels = (0..<2100).map { _ in rng.below(10) }
    let validationLabels = (0..<70).map { _ in rng.below(10) }
    for metric in DistanceMetric.allCases {
        expectSameAsSimplePath(
            training: training, trainingLabels: trainingLabels, validation: validation, validationLabels: validationLabels,
            k: 5, metric: metric, blocks: [nil, 1, 64], comment: "float \(metric)")
    }
}

@Test(arguments: ["breast_cancer", "digits"])
func fastPathEqualsSimplePathOnRealData(_ name: String) throws {
    let url = try Fixtures.url("data/\(name).csv")
    let data = try CSVMatrixReader.readLabeled(String(contentsOf: url, encoding: .utf8), file: name, labels: .last)
    let rows = 0..<data.features.rows
    let train = data.selectingRows(rows.filter { $0 % 10 < 7 })
    let valid = data.selectingRows(rows.filter { $0 % 10 >= 7 })
    for metric in DistanceMetric.allCases {
        expectSameAsSimplePath(
            training: train.features, trainingLabels: train.labels, validation: valid.features, validationLabels: valid.labels,
            k: 5, metric: metric, blocks: [nil, 100], comment: "\(name) \(metric)")
    }
}

@Test func radixSortOrdersByTheBitsFromTheStartBitAndKeepsTheInputOrderOfEqualKeys() {
    var rng = SeededRandomGenerator(seed: 5)
    for (fromBit, toBit) in [(0, 64), (20, 64), (41, 64), (63, 64), (20, 45)] {
        var keys = (0..<3000).map { _ in rng.next() >> UInt64(rng.below(40)) }
        // Equal high bits in a block of keys: the digit-skipping path.
        if fromBit == 41 { for i in 0..<keys.count { keys[i] = keys[i] & ((1 << 50) - 1) | (0x3FF << 50) } }
        if toBit < 64 { for i in 0..<keys.count { keys[i] &= (1 << UInt64(toBit)) - 1 } }
        var scratch = [UInt64](repeating: 0, count: keys.count)
        let expected = keys.enumerated().sorted { ($0.element >> UInt64(fromBit), $0.offset) < ($1.element >> UInt64(fromBit), $1.offset) }.map(\.element)
        let sorted = keys.withUnsafeMutableBufferPointer { keys in
            scratch.withUnsafeMutableBufferPointer { scratch in
                Array(KNNShapleyValuation.radixSort(keys, scratch: scratch, fromBit: fromBit, toBit: toBit))
            }
        }
        #expect(sorted == expected, "bits \(fromBit)..<\(toBit)")
    }
}

@Test func orderedBitsFollowTheOrderOfDoubles() {
    let values: [Double] = [-.greatestFiniteMagnitude, -3.5, -1e-300, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 1e-300, 2, 1e300]
    let keys = values.map(KNNShapleyValuation.orderedBits)
    #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
    #expect(values.allSatisfy { KNNShapleyValuation.distance(orderedBits: KNNShapleyValuation.orderedBits($0)).bitPattern == $0.bitPattern })
}

