import Testing
@testable import EaseMLEngines

/// Every world, enumerated: the fraction predicting each label.
private func enumerate(_ distances: [[Double]], _ labels: [Int], classes: Int, k: Int) -> [Double] {
    var counts = [Double](repeating: 0, count: classes)
    var choice = [Int](repeating: 0, count: labels.count)
    var worlds = 0.0
    while true {
        let nearest = labels.indices.sorted { (distances[$0][choice[$0]], $0) < (distances[$1][choice[$1]], $1) }.prefix(k)
        var tally = [Int](repeating: 0, count: classes)
        for row in nearest { tally[labels[row]] += 1 }
        counts[CertainPrediction.vote(tally)] += 1
        worlds += 1
        var row = 0
        while row < labels.count {
            choice[row] += 1
            if choice[row] < distances[row].count { break }
            choice[row] = 0
            row += 1
        }
        if row == labels.count { break }
    }
    return counts.map { $0 / worlds }
}

@Test func countingAndCertaintyEqualWorldEnumeration() {
    var state: UInt64 = 0xC1EA
    func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
    var certain = 0
    var uncertain = 0
    for _ in 0..<300 {
        let rows = 1 + next(6)
        let classes = 2 + next(2)
        let k = 1 + next(4)
        let labels = (0..<rows).map { _ in next(classes) }
        let distances = (0..<rows).map { _ in (0..<(1 + next(3))).map { _ in Double(next(4)) } }
        let fractions = CertainPrediction.labelFractions(distances: distances, labels: labels, classCount: classes, k: k)
        let expected = enumerate(distances, labels, classes: classes, k: k)
        for (a, b) in zip(fractions, expected) { #expect(abs(a - b) < 1e-12, "rows \(rows) k \(k)") }
        let label = CertainPrediction.certainLabel(distances: distances, labels: labels, classCount: classes, k: k)
        let possible = expected.indices.filter { expected[$0] > 0 }
        #expect(label == (possible.count == 1 ? possible[0] : nil))
        if label == nil { uncertain += 1 } else { certain += 1 }
    }
    // The random instances exercise both answers.
    #expect(certain > 30 && uncertain > 30)
}
