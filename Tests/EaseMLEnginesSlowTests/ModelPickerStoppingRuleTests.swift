import Foundation
import Testing
@testable import EaseMLEngines

/// The certified stopping rule: its schedule, its verdicts on clear cases, and its error rate by
/// simulation (DESIGN §9: decisions hold their guarantee in simulation).
struct ModelPickerStoppingRuleTests {
    /// A fixed pool of `n` items and 3 models: model 0 is best; model 1 and model 2 each make
    /// `gap` more errors than model 0 on disjoint sets of `split + gap` / `split` differing items.
    static func stressPool(n: Int, split: Int, gap: Int) throws -> ModelSelectionPool {
        var labels: [Int32] = []
        var columns: [[Int32]] = [[], [], []]
        func add(_ label: Int32, _ f0: Int32, _ f1: Int32, _ f2: Int32) {
            labels.append(label)
            columns[0].append(f0); columns[1].append(f1); columns[2].append(f2)
        }
        for _ in 0..<(split + gap) { add(0, 0, 1, 0) }  // only model 1 wrong
        for _ in 0..<split { add(0, 1, 0, 1) }          // only model 1 right
        for _ in 0..<(split + gap) { add(0, 0, 0, 2) }  // only model 2 wrong
        for _ in 0..<split { add(1, 0, 0, 1) }          // only model 2 right
        while labels.count < n { add(Int32(labels.count % 2), 0, 0, 0) }  // all agree
        return try ModelSelectionPool(labels: labels, predictionsByModel: columns)
    }

    @Test func theStressPoolHasTheIntendedMargins() throws {
        let pool = try Self.stressPool(n: 1000, split: 60, gap: 21)
        let errors = pool.errorCounts
        #expect(errors[1] - errors[0] == 21)
        #expect(errors[2] - errors[0] == 21)
        #expect(pool.disagreementCount == 2 * (60 + 60 + 21))
    }

    @Test func looksFollowTheScheduleAndSpendAtMostDelta() throws {
        let rule = try ModelPickerStoppingRule(epsilon: 0.01, delta: 0.05)
        #expect((1...4).map { rule.draws(atLook: $0) } == [20, 24, 29, 35])
        #expect(rule.look(atDraws: 29) == 3)
        #expect(rule.look(atDraws: 30) == nil)
        let spent = (1...100_000).reduce(0.0) { $0 + exp(rule.logDelta(look: $1)) }
        #expect(spent <= 0.05)
        #expect(spent > 0.0499)
        #expect(throws: ModelPickerError.self) { try ModelPickerStoppingRule(epsilon: 0, delta: 0.05) }
        #expect(throws: ModelPickerError.self) { try ModelPickerStoppingRule(epsilon: 0.01, delta: 1) }
    }

    @Test func verdictsOnClearCases() throws {
        // Two models that differ on 10 of 1,000 items: with ε = 0.02 neither can be worse by more than
        // 20 items, so the first look certifies whatever is chosen, from the labels of the draws.
        let predictions: (Int) -> [Int32] = { $0 < 10 ? [0, 1] : [0, 0] }
        var evidence = try ModelSelectionEvidence(modelCount: 2, poolSize: 1000, predictions: predictions)
        #expect(evidence.disagreementCount == 10)
        #expect(evidence.pairDisagreement == [0, 1, 1, 0])
        let rule = try ModelPickerStoppingRule(epsilon: 0.02, delta: 0.05, firstLook: 1)
        #expect(rule.certificate(evidence, look: 0).status == .continuing)
        try evidence.add(predictions: [0, 1], label: 1, isNewItem: true)
        let verdict = rule.certificate(evidence, look: 1)
        #expect(verdict.status == .certified)
        #expect(verdict.chosen == 1)
        #expect(verdict.logPValues[0] == -.infinity)
        // With ε = 0.001 (1 item) one label is not enough …
        let strict = try ModelPickerStoppingRule(epsilon: 0.001, delta: 0.05, firstLook: 1)
        #expect(strict.certificate(evidence, look: 1).status == .continuing)
        // … but labeling all ten disagreement items is exact.
        for _ in 1..<10 { try evidence.add(predictions: [0, 1], label: 0, isNewItem: true) }
        let exact = strict.certificate(evidence, look: 0)
        #expect(exact.status == .exact)
        #expect(exact.chosen == 0)
        #expect(evidence.labeledErrors == [1, 9])
    }

    @Test func manyDrawsCertifyAClearWinnerAndNotAClearLoser() throws {
        // 3 models on a pool where model 0 is better than model 1 by 5 % and model 2 by 10 %.
        let pool = try Self.stressPool(n: 1000, split: 40, gap: 50)
        let rule = try ModelPickerStoppingRule(epsilon: 0.01, delta: 0.05)
        let report = try ModelPickerStoppingSimulation(pool: pool, rule: rule, streamLength: 1000, labelBudget: 1000, realizations: 100, seed: 1).run()
        #expect(report.certifiedRate > 0.9)
        #expect(report.bestRate == 1)
        #expect(report.meanLabels < 0.6 * report.meanDisagreements)
    }

    @Test func errorRateIsAtMostDeltaAtTheBoundary() throws {
        // The rivals are worse by ε·N + 1 = 21 items: certifying either is an error. δ = 0.2.
        let pool = try Self.stressPool(n: 1000, split: 60, gap: 21)
        let rule = try ModelPickerStoppingRule(epsilon: 0.02, delta: 0.2)
        let report = try ModelPickerStoppingSimulation(pool: pool, rule: rule, streamLength: 1000, labelBudget: 1000, realizations: 1000, seed: 7).run()
        print("stopping rule, boundary pool (ε = 0.02, δ = 0.2, 1,000 runs): \(report)")
        #expect(report.errorRate <= 0.2)
        // It does stop (certified or exact), so the rate is about decisions actually made.
        #expect(report.budgetRate == 0)
        #expect(report.certifiedRate + report.exactRate == 1)
    }

    @Test func emoContextErrorRateAndLabelsNeeded() throws {
        // 1,000 pools of 1,000 EmoContext items. With ε = 0.005, model4 (≈ 6.7 errors behind the best
        // per 1,000 items) is a wrong answer on many pools, so errors are possible.
        let clock = ContinuousClock()
        let start = clock.now
        let rule = try ModelPickerStoppingRule(epsilon: 0.01, delta: 0.05)
        let report = try ModelPickerStoppingSimulation(
            pool: emoContextPool, rule: rule, streamLength: 1000, labelBudget: 170, realizations: 1000, seed: 4).run()
        print("stopping rule, EmoContext (ε = 0.01, δ = 0.05, budget 170, 1,000 pools, \(clock.now - start)): \(report)")
        #expect(report.errorRate <= 0.05)
        #expect(report.certifiedRate + report.exactRate > 0.8)
        #expect(report.meanLabels < report.meanDisagreements)
        let tight = try ModelPickerStoppingRule(epsilon: 0.005, delta: 0.05)
        let tightReport = try ModelPickerStoppingSimulation(
            pool: emoContextPool, rule: tight, streamLength: 1000, labelBudget: 1000, realizations: 1000, seed: 5).run()
        print("stopping rule, EmoContext (ε = 0.005, δ = 0.05, no budget, 1,000 pools): \(tightReport)")
        #expect(tightReport.errorRate <= 0.05)
    }
}
