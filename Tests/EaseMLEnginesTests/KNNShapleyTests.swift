import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

/// U(S) for one validation point: the fraction of the K nearest points of S with label `y`,
/// nearest by (distance, index).
private func utility(_ subset: [Int], distances: [Int], labels: [Int], y: Int, k: Int) -> Double {
    let ranked = subset.sorted { (distances[$0], $0) < (distances[$1], $1) }
    return Double(ranked.prefix(k).filter { labels[$0] == y }.count) / Double(k)
}

/// The Shapley formula by enumerating every subset (N ≤ 9).
private func bruteForceShapley(distances: [Int], labels: [Int], y: Int, k: Int) -> [Double] {
    let n = distances.count
    var factorial = [1.0]
    for i in 1...max(1, n) { factorial.append(factorial[i - 1] * Double(i)) }
    return (0..<n).map { i in
        let others = (0..<n).filter { $0 != i }
        var value = 0.0
        for mask in 0..<(1 << others.count) {
            let subset = others.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            let weight = factorial[subset.count] * factorial[n - subset.count - 1] / factorial[n]
            value += weight * (utility(subset + [i], distances: distances, labels: labels, y: y, k: k)
                - utility(subset, distances: distances, labels: labels, y: y, k: k))
        }
        return value
    }
}

@Test func recursionEqualsSubsetEnumerationWithTiesAndSmallN() {
    var state: UInt64 = 0x5EED
    func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
    var checked = 0
    for _ in 0..<300 {
        let n = 1 + next(9)
        let k = 1 + next(5)
        let distances = (0..<n).map { _ in next(4) }
        let labels = (0..<n).map { _ in next(3) }
        let y = next(3)
        let order = (0..<n).sorted { (distances[$0], $0) < (distances[$1], $1) }
        let values = KNNShapley.values(trainingLabels: labels, validationLabels: [y], orders: [order], k: k)
        let expected = bruteForceShapley(distances: distances, labels: labels, y: y, k: k)
        for (a, b) in zip(values, expected) { #expect(abs(a - b) < 1e-12, "n=\(n) k=\(k)") }
        checked += 1
    }
    #expect(checked == 300)
}

@Test func valuesAddUpToTheUtilityOfTheWholeSet() {
    let labels = [0, 1, 1, 0, 2, 1]
    let order = [3, 1, 0, 5, 2, 4]
    for k in 1...7 {
        let values = KNNShapley.values(trainingLabels: labels, validationLabels: [1], orders: [order], k: k)
        let whole = Double(order.prefix(k).filter { labels[$0] == 1 }.count) / Double(k)
        #expect(abs(values.reduce(0, +) - whole) < 1e-12)
    }
}

/// `Tests/Fixtures/data/*.csv`: features then a last `label` column.
private func dataset(_ name: String) throws -> (features: [[Double]], labels: [Int]) {
    let url = try Fixtures.url("data/\(name).csv")
    let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
    var features: [[Double]] = []
    var labels: [Int] = []
    for (index, row) in rows.enumerated() {
        let fields = row.split(separator: ",").map { Double($0) }
        guard fields.count > 1, let label = fields.last.flatMap({ $0.map(Int.init) }), !fields.contains(nil) else {
            throw MalformedFixture(path: "data/\(name).csv", message: "line \(index + 2) is not numbers ending with a label")
        }
        features.append(fields.dropLast().map { $0! })
        labels.append(label)
    }
    return (features, labels)
}

private struct ReferenceFile: Decodable {
    struct Vector: Decodable {
        var n: Int
        var sum: Double
        var min: Double
        var max: Double
        var n_negative: Int
        var sum_sq: Double
        var first5: [Double]
        var top10_idx: [Int]
        var bottom10_idx: [Int]
    }
    var vectors: [String: Vector]
}

@Test(arguments: [
    "breast_cancer/raw/K=1", "breast_cancer/raw/K=5", "breast_cancer/std/K=1", "breast_cancer/std/K=5",
    "digits/raw/K=1", "digits/raw/K=5", "digits/std/K=1", "digits/std/K=5",
])
func referenceValuesAreReproduced(_ key: String) throws {
    let url = try Fixtures.url("reference/knn-shapley-vectors.json")
    let reference = try #require(try JSONDecoder().decode(ReferenceFile.self, from: Data(contentsOf: url)).vectors[key])
    let parts = key.split(separator: "/")
    let data = try dataset(String(parts[0]))
    let k = Int(parts[2].dropFirst(2))!
    var train: [[Double]] = []
    var trainLabels: [Int] = []
    var valid: [[Double]] = []
    var validLabels: [Int] = []
    for (r, row) in data.features.enumerated() {
        if r % 10 < 7 { train.append(row); trainLabels.append(data.labels[r]) } else { valid.append(row); validLabels.append(data.labels[r]) }
    }
    if parts[1] == "std" {
        let d = train[0].count
        let mean = (0..<d).map { c in train.reduce(0) { $0 + $1[c] } / Double(train.count) }
        let std = (0..<d).map { c -> Double in
            let s = (train.reduce(0) { $0 + ($1[c] - mean[c]) * ($1[c] - mean[c]) } / Double(train.count)).squareRoot()
            return s == 0 ? 1 : s
        }
        train = train.map { row in row.enumerated().map { ($1 - mean[$0]) / std[$0] } }
        valid = valid.map { row in row.enumerated().map { ($1 - mean[$0]) / std[$0] } }
    }
    let simple = KNNShapley.values(training: train, trainingLabels: trainLabels, validation: valid, validationLabels: validLabels, k: k)
    let fast = KNNShapleyValuation(training: Matrix(rowArrays: train), trainingLabels: trainLabels, k: k, metric: .euclidean)
        .values(validation: Matrix(rowArrays: valid), validationLabels: validLabels)
    for values in [simple, fast] { expectReference(values, reference) }
}

private func expectReference(_ values: [Double], _ reference: ReferenceFile.Vector) {
    #expect(values.count == reference.n)
    #expect(abs(values.reduce(0, +) - reference.sum) < 1e-9)
    #expect(abs(values.min()! - reference.min) < 1e-12)
    #expect(abs(values.max()! - reference.max) < 1e-12)
    #expect(values.filter { $0 < 0 }.count == reference.n_negative)
    #expect(abs(values.reduce(0) { $0 + $1 * $1 } - reference.sum_sq) < 1e-12)
    for (a, b) in zip(values.prefix(5), reference.first5) { #expect(abs(a - b) < 1e-12) }
    let byValue = values.indices.sorted { (-values[$0], $0) < (-values[$1], $1) }
    #expect(Array(byValue.prefix(10)) == reference.top10_idx)
    let ascending = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
    #expect(Array(ascending.prefix(10)) == reference.bottom10_idx)
}

/// valuation.md §4.2: with 10 % of the training labels flipped, the lowest values find them.
@Test func lowestValuesFindFlippedLabels() throws {
    let data = try dataset("breast_cancer")
    var train: [[Double]] = []
    var trainLabels: [Int] = []
    var valid: [[Double]] = []
    var validLabels: [Int] = []
    for (r, row) in data.features.enumerated() {
        if r % 10 < 7 { train.append(row); trainLabels.append(data.labels[r]) } else { valid.append(row); validLabels.append(data.labels[r]) }
    }
    let classes = Set(data.labels).count
    let flipped = Set(trainLabels.indices.filter { $0 % 10 == 3 })
    for t in flipped { trainLabels[t] = (trainLabels[t] + 1) % classes }
    let values = KNNShapley.values(training: train, trainingLabels: trainLabels, validation: valid, validationLabels: validLabels, k: 5)
    let ascending = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
    func found(_ q: Double) -> Int {
        let m = Int((q * Double(values.count)).rounded(.toNearestOrEven))
        return ascending.prefix(m).filter(flipped.contains).count
    }
    #expect(flipped.count == 40)
    #expect(found(0.1) == 32)
    #expect(found(0.2) == 38)
}
