import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

// Exact KNN-Shapley on the full breast_cancer and digits data sets against the reference vectors of
// `valuation.md` (a minute and a half in a debug build; the small exact checks are in
// EaseMLEnginesTests/KNNShapleyTests.swift).

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
