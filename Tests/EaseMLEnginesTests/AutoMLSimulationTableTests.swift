import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

/// The 100 tenant/prior splits of `Tests/Fixtures/data/automl/splits.json`, read once.
private let referenceSplitsRead = Result<[AutoMLSimulationTable.Split], any Error> {
    struct File: Decodable { var splits: [AutoMLSimulationTable.Split] }
    return try JSONDecoder().decode(File.self, from: Fixtures.data("data/automl/splits.json")).splits
}

/// The splits; throws (failing the test that asks) when their fixture is missing or malformed.
var referenceSplits: [AutoMLSimulationTable.Split] { get throws { try referenceSplitsRead.get() } }

/// The statistical table of `automl.md` against the simulator over all 100 splits (one worker).
struct AutoMLSimulationTableTests {
    /// The reference mean times, per (clock, policy), at ε = 0.05, 0.02, 0.01, 0.
    static let reference: [(AutoMLSimulation.Clock, AutoMLPolicy, [Double])] = [
        (.evaluations, .roundRobin, [17.5, 25.8, 32.2, 55.6]),
        (.evaluations, .maxWidth, [17.0, 27.6, 34.8, 61.0]),
        (.evaluations, .maxGap, [14.2, 21.8, 29.4, 54.2]),
        (.cost, .roundRobin, [0.9, 3.7, 6.8, 21.3]),
        (.cost, .maxGap, [0.7, 2.9, 6.6, 20.8]),
        (.cost, .costGap, [0.4, 1.4, 3.9, 17.5]),
    ]

    @Test func theDeterministicPoliciesReproduceTheReferenceTable() throws {
        #expect(try referenceSplits.count == 100)
        #expect(try referenceSplits.allSatisfy { $0.tenants.count == 8 && $0.prior.count == 24 })
        let table = try AutoMLSimulationTable.run(matrix: skMatrix, splits: referenceSplits, rows: Self.reference.map { ($0.0, $0.1) })
        for (clock, policy, expected) in Self.reference {
            let row = try #require(table.row(clock, policy))
            #expect(row.reached == [100, 100, 100, 100])
            for (e, mean) in row.meanTimes.enumerated() {
                let value = try #require(mean)
                // ±5 %, plus half a unit of the reference's last printed digit (0.9 stands for 0.85…0.95).
                #expect(abs(value - expected[e]) <= 0.05 * expected[e] + 0.05, "\(clock) \(policy.rawValue) ε#\(e): \(value) vs \(expected[e])")
            }
        }
        // The ordering of the policies in every column, per clock, is the reference's.
        for clock in AutoMLSimulation.Clock.allCases {
            let rows = Self.reference.filter { $0.0 == clock }
            for e in 0..<4 {
                let expectedOrder = rows.sorted { $0.2[e] < $1.2[e] }.map(\.1)
                let simulated = rows.map { ($0.1, table.row(clock, $0.1)!.meanTimes[e]!) }.sorted { $0.1 < $1.1 }.map(\.0)
                #expect(simulated == expectedOrder, "\(clock) ε#\(e)")
            }
        }
    }

    @Test func costGapReachesFivePointsMuchSoonerThanRandomAndRoundRobin() throws {
        let table = try AutoMLSimulationTable.run(
            matrix: skMatrix, splits: Array(referenceSplits.prefix(30)), rows: [(.cost, .roundRobin), (.cost, .costGap), (.cost, .random)],
            epsilons: [0.05])
        let costGap = try #require(table.row(.cost, .costGap)?.meanTimes[0])
        let roundRobin = try #require(table.row(.cost, .roundRobin)?.meanTimes[0])
        let random = try #require(table.row(.cost, .random)?.meanTimes[0])
        #expect(costGap * 2 < roundRobin)
        #expect(costGap * 5 < random)
    }

    @Test func severalWorkersFinishSoonerOnTheCostClock() throws {
        let splits = try Array(referenceSplits.prefix(10))
        let one = try AutoMLSimulationTable.run(matrix: skMatrix, splits: splits, rows: [(.cost, .costGap)], epsilons: [0])
        let four = try AutoMLSimulationTable.run(matrix: skMatrix, splits: splits, rows: [(.cost, .costGap)], epsilons: [0], workers: 4)
        let t1 = try #require(one.rows[0].meanTimes[0])
        let t4 = try #require(four.rows[0].meanTimes[0])
        #expect(t4 < t1 / 2)
        #expect(four.rows[0].reached == [10])
    }

    @Test func anUnknownDataSetIsNamed() throws {
        let matrix = try skMatrix
        #expect(throws: AutoMLError.unknownDataset("nope")) {
            try AutoMLSimulationTable.run(matrix: matrix, splits: [.init(tenants: ["nope"], prior: [])])
        }
    }
}
