import Foundation
import Testing
@testable import EaseMLEngines

/// Two tight clusters far apart (class 0 around x = 0, class 1 around x = 100), with the labels of
/// `flipped` rows swapped.
private func twoClusters(perClass: Int, flipped: Set<Int>) -> LabeledMatrix {
    var rows: [[Double]] = []
    var labels: [Int] = []
    for row in 0..<(2 * perClass) {
        let cls = row < perClass ? 0 : 1
        let jitter = Double(row % 7) * 0.1
        rows.append([Double(cls) * 100 + jitter, Double(row % 5) * 0.1])
        labels.append(flipped.contains(row) ? 1 - cls : cls)
    }
    return LabeledMatrix(features: Matrix(rowArrays: rows), labels: labels, classNames: ["a", "b"])
}

@Test func foldsAreBalancedSeededAndCoverEveryRow() {
    let valuation = CrossValidatedShapley(k: 3, metric: .euclidean, folds: 4, seed: 9)
    let fold = valuation.assignment(rows: 103)
    let sizes = (0..<4).map { f in fold.filter { $0 == f }.count }
    #expect(sizes.reduce(0, +) == 103)
    #expect(sizes.max()! - sizes.min()! <= 1)
    #expect(fold == valuation.assignment(rows: 103))
    #expect(fold != CrossValidatedShapley(k: 3, metric: .euclidean, folds: 4, seed: 10).assignment(rows: 103))
}

/// Each fold's values add up to the utility of all the rows outside it (the Shapley efficiency
/// property), so on clean, separable clusters — utility 1 in every fold — the row values add up to
/// folds / (folds − 1).
@Test func valuesAddUpToTheFoldUtilities() {
    for folds in [2, 3, 5] {
        let values = CrossValidatedShapley(k: 3, metric: .euclidean, folds: folds, seed: 3).values(twoClusters(perClass: 30, flipped: []))
        #expect(values.count == 60)
        #expect(abs(values.reduce(0, +) - Double(folds) / Double(folds - 1)) < 1e-9, "folds \(folds)")
        #expect(values.allSatisfy { $0 > 0 })
    }
}

@Test func flippedLabelsAreExactlyTheNegativeValues() {
    let flipped: Set<Int> = [2, 17, 33, 48, 51]
    let values = CrossValidatedShapley(k: 5, metric: .euclidean, folds: 5, seed: 1).values(twoClusters(perClass: 30, flipped: flipped))
    let negative = Set(values.indices.filter { values[$0] < 0 })
    #expect(negative == flipped)
    let lowest = Set(values.indices.sorted { values[$0] < values[$1] }.prefix(flipped.count))
    #expect(lowest == flipped)
}
