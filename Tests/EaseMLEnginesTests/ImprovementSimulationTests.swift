import Foundation
import Testing
@testable import EaseMLEngines

/// The improvement loop with an oracle on breast_cancer (split and removed cells of
/// `ImprovementScenario`: 100 labelled rows, about half with half their cells missing, a pool of
/// 299 rows, 170 validation rows).
@Suite struct ImprovementSimulationTests {
    static func scenario(seed: UInt64 = 1) throws -> ImprovementScenario {
        let data = try readDataset("breast_cancer")
        return try ImprovementScenario.make(
            features: (0..<data.features.rows).map(data.features.row), labels: data.labels, classCount: data.classCount, missingRows: 0.5,
            missingCells: 0.5, k: 3, seed: seed)
    }

    @Test func theScenarioFollowsTheDocumentedSplit() throws {
        let scenario = try Self.scenario()
        #expect(scenario.trueRows.count == 100 && scenario.poolLabels.count == 299 && scenario.loop.validation.count == 170)
        let dirty = scenario.loop.dirtyRows
        #expect(dirty.count > 30 && dirty.count < 70)
        // Dirty rows differ from their true values in the first (mean) candidate; clean rows are exact.
        for row in scenario.trueRows.indices {
            let first = scenario.loop.candidates[row][0]
            #expect((first == scenario.trueRows[row]) == !dirty.contains(row))
        }
        // Cleaning every dirty row with the oracle gives the complete labelled rows' ceiling.
        var loop = scenario.loop
        for row in dirty { loop.clean(row: row, value: scenario.trueRows[row]) }
        let complete = ImprovementLoop(
            candidates: scenario.trueRows.map { [$0] }, labels: loop.labels, pool: [], validation: loop.validation,
            validationLabels: loop.validationLabels, classCount: 2, k: 3)
        #expect(loop.ceiling() == complete.ceiling())
        #expect(loop.availableArms().isSubset(of: [.acquire]))
    }

    @Test func theBanditImprovesTheEstimateAndEndsNoWorseThanTheWorseArm() throws {
        let scenario = try Self.scenario()
        func run(_ policy: ImprovementSimulation.Policy) -> [ImprovementSimulation.Point] {
            ImprovementSimulation.run(scenario, policy: policy, rounds: 6, batch: 10, cleanCost: 1, labelCost: 1, exploration: 1)
        }
        let bandit = run(.bandit)
        let clean = run(.clean)
        let acquire = run(.acquire)
        #expect(bandit.map(\.arm).prefix(3) == [nil, .clean, .acquire])
        #expect(bandit.count == 7 && bandit.last!.effort == 60)
        #expect(bandit.last!.ceiling > bandit[0].ceiling)
        let budget = bandit.last!.effort
        let finals = [clean, acquire].map { ImprovementSimulation.ceiling(of: $0, atEffort: budget) }
        #expect(bandit.last!.ceiling >= finals.min()!)
        // Cleaning alone stops once every 3-NN validation prediction is certain; its curve stays flat.
        #expect(clean.count < 7 && ImprovementSimulation.ceiling(of: clean, atEffort: budget) == clean.last!.ceiling)
        // The mean over the effort grid is the step function's average.
        let grid = [0.0, 10, 20, 30, 40, 50, 60].map { ImprovementSimulation.ceiling(of: bandit, atEffort: $0) }
        #expect(ImprovementSimulation.meanCeiling(of: bandit, step: 10, maxEffort: budget) == grid.reduce(0, +) / 7)
        // Deterministic: the same scenario replays the same curve.
        #expect(run(.bandit) == bandit)
        // Each point's effort grows by its rows times the cost.
        for (before, after) in zip(bandit, bandit.dropFirst()) { #expect(after.effort - before.effort == Double(after.rows)) }
    }

    @Test func acquiredRowsJoinTheTrainingRowsAndLeaveThePool() throws {
        var loop = try Self.scenario().loop
        let first = loop.acquireBatch(size: 5).map(\.index)
        #expect(first.count == 5 && Set(first).count == 5)
        for row in first { loop.label(poolRow: row, label: 0) }
        #expect(loop.trainingRows.rows.count == 105 && loop.trainingRows.labels.suffix(5) == [0, 0, 0, 0, 0])
        #expect(loop.trainingRows.rows.suffix(5) == first.map { loop.pool[$0] })
        #expect(loop.unlabelledPoolRows.count == 294)
        let second = loop.acquireBatch(size: 5).map(\.index)
        #expect(Set(second).isDisjoint(with: first) && second.allSatisfy { $0 < loop.pool.count })
        // The clean arm's rows are dirty original rows, best first by CPClean's gain.
        let clean = loop.cleanBatch(size: 3)
        #expect(clean.count == 3 && clean.allSatisfy { loop.dirtyRows.contains($0.row) } && clean.map(\.gain) == clean.map(\.gain).sorted(by: >))
    }

    @Test func costsChangeTheEffortAxis() throws {
        let scenario = try Self.scenario()
        let curve = ImprovementSimulation.run(scenario, policy: .bandit, rounds: 2, batch: 5, cleanCost: 3, labelCost: 0.5, exploration: 1)
        #expect(curve.map(\.effort) == [0, 15, 17.5])
    }
}
