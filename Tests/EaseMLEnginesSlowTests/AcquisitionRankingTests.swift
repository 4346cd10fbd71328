import Foundation
import Testing
@testable import EaseMLEngines

private func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in a.indices {
        let d = a[i] - b[i]
        sum += d * d
    }
    return sum
}

/// The simple implementation of `AcquisitionRanking.rank`: the value term from full sorts of direct
/// distances (`KNNShapley.neighbourOrder`), greedy coverage by direct per-pair loops over
/// `[[Double]]`. The fast path must return exactly the same entries.
private func simpleRank(
    labeled: [[Double]], labels: [Int], pool: [[Double]], validation: [[Double]], validationLabels: [Int],
    k: Int, batch: Int, limit: Int? = nil, term: AcquisitionRanking.ValueTerm
) -> [AcquisitionRanking.Entry] {
    let limit = min(pool.count, limit ?? pool.count)
    guard !pool.isEmpty else { return [] }
    let predicted: [Double]
    if labeled.isEmpty {
        predicted = pool.map { _ in 0 }
    } else if term == .shapleyRegression {
        let values = KNNShapley.values(training: labeled, trainingLabels: labels, validation: validation, validationLabels: validationLabels, k: k)
        predicted = pool.map { row in
            let nearest = KNNShapley.neighbourOrder(of: row, in: labeled).prefix(k)
            return nearest.reduce(0) { $0 + values[$1] } / Double(nearest.count)
        }
    } else {
        predicted = simpleExpectedGain(labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels, k: k)
    }
    let byValue = pool.indices.sorted { (-predicted[$0], $0) < (-predicted[$1], $1) }
    let eligibleCount = min(pool.count, max(batch, pool.count / 2))
    let eligible = Set(byValue.prefix(eligibleCount))
    var entries: [AcquisitionRanking.Entry] = []
    for group in [byValue.prefix(eligibleCount).sorted(), byValue.dropFirst(eligibleCount).sorted()] {
        var nearest = group.map { index in labeled.reduce(Double.infinity) { min($0, squaredDistance($1, pool[index])) } }
        for entry in entries {
            for (slot, index) in group.enumerated() { nearest[slot] = min(nearest[slot], squaredDistance(pool[entry.index], pool[index])) }
        }
        var taken = [Bool](repeating: false, count: group.count)
        for _ in group.indices where entries.count < limit {
            var best = -1
            for slot in group.indices where !taken[slot] && (best < 0 || nearest[slot] > nearest[best]) { best = slot }
            taken[best] = true
            let index = group[best]
            entries.append(
                AcquisitionRanking.Entry(
                    index: index, predictedValue: predicted[index], eligible: eligible.contains(index), coverageDistance: nearest[best]))
            for slot in group.indices where !taken[slot] { nearest[slot] = min(nearest[slot], squaredDistance(pool[index], pool[group[slot]])) }
        }
    }
    return entries
}

/// The expected utility gain by its definition: a pool row x labelled c joins validation row v's K
/// nearest when strictly nearer than the K-th (or when fewer than K rows are labelled), c weighted
/// by its share among x's K nearest labelled rows.
private func simpleExpectedGain(
    labeled: [[Double]], labels: [Int], pool: [[Double]], validation: [[Double]], validationLabels: [Int], k: Int
) -> [Double] {
    let classes = labels.max()! + 1
    let n = labeled.count
    let neighbourhoods = validation.map { Array(KNNShapley.neighbourOrder(of: $0, in: labeled).prefix(k)) }
    return pool.map { x in
        var share = [Double](repeating: 0, count: classes)
        let near = KNNShapley.neighbourOrder(of: x, in: labeled).prefix(k)
        for index in near { share[labels[index]] += 1 / Double(near.count) }
        var gain = 0.0
        for (v, row) in validation.enumerated() where (0..<classes).contains(validationLabels[v]) {
            let y = validationLabels[v]
            let nearest = neighbourhoods[v]
            let matches = Double(nearest.filter { labels[$0] == y }.count)
            if n < k {
                gain += (matches + share[y]) / Double(n + 1) - matches / Double(n)
            } else if squaredDistance(row, x) < squaredDistance(row, labeled[nearest[k - 1]]) {
                gain += (share[y] - (labels[nearest[k - 1]] == y ? 1 : 0)) / Double(k)
            }
        }
        return gain / Double(validation.count)
    }
}

/// The K-NN vote `AcquisitionSimulation.validationAccuracy` replaced, by a full sort per validation row.
private func simpleAccuracy(training: [[Double]], labels: [Int], validation: [[Double]], validationLabels: [Int], k: Int) -> Double {
    let classes = (labels.max() ?? 0) + 1
    let correct = validation.indices.filter { v in
        var votes = [Int](repeating: 0, count: classes)
        for index in KNNShapley.neighbourOrder(of: validation[v], in: training).prefix(k) { votes[labels[index]] += 1 }
        return votes.indices.max { (votes[$0], -$0) < (votes[$1], -$1) }! == validationLabels[v]
    }.count
    return Double(correct) / Double(validation.count)
}

/// The first rank at which two rankings differ (`nil` when equal, entry for entry).
private func firstDifference(_ a: [AcquisitionRanking.Entry], _ b: [AcquisitionRanking.Entry]) -> Int? {
    a.count == b.count ? a.indices.first { a[$0] != b[$0] } : min(a.count, b.count)
}

/// Rows of small integers (0…3) plus `offset`: many exact ties among distances and among values.
private func integerRows(_ count: Int, columns: Int, offset: Double, _ generator: inout SeededRandomGenerator) -> [[Double]] {
    (0..<count).map { _ in (0..<columns).map { _ in Double(generator.below(4)) + offset } }
}

@Suite struct AcquisitionRankingTests {
    @Test func fastPathEqualsTheSimpleImplementationOnTiedRandomData() {
        var generator = SeededRandomGenerator(seed: 11)
        for (columns, offset) in [(3, 0.0), (5, 1e4)] {
            let labeled = integerRows(40, columns: columns, offset: offset, &generator)
            let labels = labeled.map { _ in generator.below(3) }
            let pool = integerRows(300, columns: columns, offset: offset, &generator)
            let validation = integerRows(50, columns: columns, offset: offset, &generator)
            // One validation label no labelled row has (never matches).
            let validationLabels = validation.indices.map { $0 == 0 ? -1 : generator.below(3) }
            // K = 50 > 40 labelled rows: every pool row joins every neighbourhood.
            let cases: [(Int, Int, Int?)] = [(1, 10, nil), (5, 10, nil), (5, 200, 7), (50, 1, 160)]
            for (k, batch, limit) in cases {
                for term in [AcquisitionRanking.ValueTerm.expectedUtilityGain, .shapleyRegression] {
                    let fast = AcquisitionRanking.rank(
                        labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels,
                        k: k, batch: batch, limit: limit, term: term)
                    let simple = simpleRank(
                        labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels,
                        k: k, batch: batch, limit: limit, term: term)
                    #expect(firstDifference(fast, simple) == nil, "columns \(columns), K \(k), batch \(batch), limit \(String(describing: limit)), \(term)")
                    #expect(fast.count == limit ?? pool.count)
                }
            }
            // Nothing labelled yet: pure coverage from infinitely far.
            let cold = AcquisitionRanking.rank(
                labeled: [], labels: [], pool: pool, validation: validation, validationLabels: validationLabels, k: 5, batch: 10)
            let simpleCold = simpleRank(
                labeled: [], labels: [], pool: pool, validation: validation, validationLabels: validationLabels, k: 5, batch: 10,
                term: .expectedUtilityGain)
            #expect(firstDifference(cold, simpleCold) == nil)
            #expect(cold[0].index == 0 && cold[0].coverageDistance == .infinity)
        }
    }

    @Test func fastPathEqualsTheSimpleImplementationWhenCoverageRunsOnAllCores() {
        // 1,250 eligible rows × 256 features (over `GreedyCoverage.parallelWork`): the coverage
        // passes are split over threads.
        var generator = SeededRandomGenerator(seed: 12)
        let labeled = integerRows(30, columns: 256, offset: 0, &generator)
        let labels = labeled.map { _ in generator.below(2) }
        let pool = integerRows(2500, columns: 256, offset: 0, &generator)
        let validation = integerRows(20, columns: 256, offset: 0, &generator)
        let validationLabels = validation.map { _ in generator.below(2) }
        #expect(1250 * 256 >= GreedyCoverage.parallelWork)
        let fast = AcquisitionRanking.rank(
            labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels, k: 3, batch: 10, limit: 30)
        let simple = simpleRank(
            labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels, k: 3, batch: 10, limit: 30,
            term: .expectedUtilityGain)
        #expect(firstDifference(fast, simple) == nil)
    }

    @Test func fastPathEqualsTheSimpleImplementationOnDigits() throws {
        let digits = try readDataset("digits")
        let train = (0..<digits.features.rows).filter { $0 % 10 < 7 }
        let valid = (0..<digits.features.rows).filter { $0 % 10 >= 7 }
        let rows = { (indices: [Int]) in indices.map(digits.features.row) }
        let labeled = rows(Array(train.prefix(60)))
        let labels = train.prefix(60).map { digits.labels[$0] }
        let pool = rows(Array(train.dropFirst(60)))
        let validation = rows(valid)
        let validationLabels = valid.map { digits.labels[$0] }
        for term in [AcquisitionRanking.ValueTerm.expectedUtilityGain, .shapleyRegression] {
            let fast = AcquisitionRanking.rank(
                labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels, k: 5, batch: 10,
                term: term)
            let simple = simpleRank(
                labeled: labeled, labels: labels, pool: pool, validation: validation, validationLabels: validationLabels, k: 5, batch: 10,
                term: term)
            #expect(fast.count == pool.count)
            #expect(firstDifference(fast, simple) == nil, "\(term)")
        }
        let accuracy = AcquisitionSimulation.validationAccuracy(
            training: labeled, labels: labels, validation: validation, validationLabels: validationLabels, k: 5)
        #expect(accuracy == simpleAccuracy(training: labeled, labels: labels, validation: validation, validationLabels: validationLabels, k: 5))
    }

    @Test func validationAccuracyEqualsTheSimpleVoteOnTiedRandomData() {
        var generator = SeededRandomGenerator(seed: 13)
        let training = integerRows(200, columns: 3, offset: 0, &generator)
        let labels = training.map { _ in generator.below(4) }
        let validation = integerRows(100, columns: 3, offset: 0, &generator)
        let validationLabels = validation.map { _ in generator.below(4) }
        for k in [1, 4, 9] {
            let fast = AcquisitionSimulation.validationAccuracy(
                training: training, labels: labels, validation: validation, validationLabels: validationLabels, k: k)
            #expect(fast == simpleAccuracy(training: training, labels: labels, validation: validation, validationLabels: validationLabels, k: k))
            #expect(fast > 0)
        }
    }
}
