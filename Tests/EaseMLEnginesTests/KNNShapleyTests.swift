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
