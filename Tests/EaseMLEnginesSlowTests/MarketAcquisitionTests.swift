import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

/// Market (valuation.md §2): labelling in `AcquisitionRanking`'s order beats random order on real
/// data. Split as elsewhere: data row r is training when r % 10 < 7, else validation.
@Suite struct MarketAcquisitionTests {
    private func split(_ name: String, standardize: Bool) throws -> (train: [[Double]], labels: [Int], valid: [[Double]], validLabels: [Int]) {
        let path = try Fixtures.url("data/\(name).csv").path
        let table = try CSVMatrixReader.readLabeled(try String(contentsOfFile: path, encoding: .utf8), file: path, labels: .last)
        var rows = (0..<table.features.rows).map(table.features.row)
        if standardize {
            let training = rows.indices.filter { $0 % 10 < 7 }.map { rows[$0] }
            let n = Double(training.count)
            let mean = (0..<rows[0].count).map { c in training.reduce(0) { $0 + $1[c] } / n }
            let std = (0..<rows[0].count).map { c -> Double in
                let s = (training.reduce(0) { $0 + ($1[c] - mean[c]) * ($1[c] - mean[c]) } / n).squareRoot()
                return s == 0 ? 1 : s
            }
            rows = rows.map { row in row.enumerated().map { ($1 - mean[$0]) / std[$0] } }
        }
        let train = rows.indices.filter { $0 % 10 < 7 }
        let valid = rows.indices.filter { $0 % 10 >= 7 }
        return (train.map { rows[$0] }, train.map { table.labels[$0] }, valid.map { rows[$0] }, valid.map { table.labels[$0] })
    }

    /// Mean accuracy curve of `order` (with value term `term`) over `seeds`, batches of 10, 5-NN.
    private func curve(
        _ name: String, standardize: Bool, initial: Int, budget: Int, seeds: [UInt64], _ order: AcquisitionSimulation.Order,
        term: AcquisitionRanking.ValueTerm = .expectedUtilityGain
    ) throws -> [Double] {
        let data = try split(name, standardize: standardize)
        let runs = seeds.map { seed in
            AcquisitionSimulation.run(
                training: data.train, labels: data.labels, validation: data.valid, validationLabels: data.validLabels,
                initial: initial, budget: budget, batch: 10, k: 5, seed: seed, order: order, term: term)
        }
        let mean = runs[0].indices.map { i in runs.reduce(0) { $0 + $1[i] } / Double(runs.count) }
        print("\(name) \(order) \(order == .ranking ? "\(term)" : "") \(mean.map { String(format: "%.4f", $0) })")
        return mean
    }

    @Test func rankingIsDiverseAndValueFiltered() throws {
        let data = try split("digits", standardize: false)
        let labelled = Array(0..<60)
        let pool = Array(60..<400)
        let ranked = AcquisitionRanking.rank(
            labeled: labelled.map { data.train[$0] }, labels: labelled.map { data.labels[$0] },
            pool: pool.map { data.train[$0] }, validation: data.valid, validationLabels: data.validLabels, k: 5, batch: 10)
        #expect(ranked.count == pool.count)
        #expect(Set(ranked.map(\.index)).count == pool.count)
        // The better half by predicted value comes first, then the rest.
        #expect(ranked.prefix(170).allSatisfy { $0.eligible })
        #expect(ranked.dropFirst(170).allSatisfy { !$0.eligible })
        let worstEligible = ranked.prefix(170).map(\.predictedValue).min()!
        #expect(ranked.dropFirst(170).allSatisfy { $0.predictedValue <= worstEligible })
        // Greedy coverage: within each part, pick distances never increase.
        let distances = ranked.prefix(170).map(\.coverageDistance)
        #expect(zip(distances, distances.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(distances[0] > distances[9])
        // The limit returns the same prefix.
        let first = AcquisitionRanking.rank(
            labeled: labelled.map { data.train[$0] }, labels: labelled.map { data.labels[$0] },
            pool: pool.map { data.train[$0] }, validation: data.valid, validationLabels: data.validLabels, k: 5, batch: 10, limit: 10)
        #expect(first == Array(ranked.prefix(10)))
    }

    /// Measured (5 seeds, 60 labelled, batches of 10, 5-NN): after 50 labels 0.9020 vs 0.8570 for
    /// random order and 0.8790 for the former value term (KNN-Shapley regression), after 100 labels
    /// 0.9345 vs 0.8998 and 0.9155; ahead of both at every batch.
    @Test func beatsRandomOrderOnDigits() throws {
        let curves = { (order: AcquisitionSimulation.Order, term: AcquisitionRanking.ValueTerm) in
            try self.curve("digits", standardize: false, initial: 60, budget: 100, seeds: [1, 2, 3, 4, 5], order, term: term)
        }
        let ranking = try curves(.ranking, .expectedUtilityGain)
        let random = try curves(.random, .expectedUtilityGain)
        #expect(zip(ranking, random).allSatisfy { $0 > $1 })
        #expect(ranking[4] - random[4] > 0.015)
        #expect(ranking[9] - random[9] > 0.01)
        let shapley = try curves(.ranking, .shapleyRegression)
        #expect(zip(ranking, shapley).allSatisfy { $0 > $1 })
    }

    /// Measured (10 seeds, 10 labelled, z-scored, batches of 10, 5-NN): 0.9250 / 0.9635 / 0.9769 /
    /// 0.9827 after 10 / 20 / 30 / 40 labels vs 0.8942 / 0.9346 / 0.9346 / 0.9423 for random order
    /// (the former value term: 0.8250 / 0.9692 / 0.9654 / 0.9769).
    @Test func beatsRandomOrderOnWine() throws {
        let ranking = try curve("wine", standardize: true, initial: 10, budget: 40, seeds: Array(1...10), .ranking)
        let random = try curve("wine", standardize: true, initial: 10, budget: 40, seeds: Array(1...10), .random)
        for batch in 0...3 { #expect(ranking[batch] - random[batch] > 0.02) }
    }

    /// Measured (10 seeds, 20 labelled, z-scored, batches of 10, 5-NN): 0.9059 … 0.9659 after 10 … 60
    /// labels vs 0.8971 … 0.9553 for the former value term (ahead at every batch) and 0.9306 …
    /// 0.9512 for random order (behind for the first 40 labels, ahead after 50 and 60).
    @Test func expectedGainBeatsTheShapleyRegressionOnBreastCancer() throws {
        let run = { (order: AcquisitionSimulation.Order, term: AcquisitionRanking.ValueTerm) in
            try self.curve("breast_cancer", standardize: true, initial: 20, budget: 60, seeds: Array(1...10), order, term: term)
        }
        let ranking = try run(.ranking, .expectedUtilityGain)
        let shapley = try run(.ranking, .shapleyRegression)
        let random = try run(.random, .expectedUtilityGain)
        #expect(zip(ranking, shapley).allSatisfy { $0 > $1 })
        #expect(ranking[4] > random[4] && ranking[5] > random[5])
    }
}
