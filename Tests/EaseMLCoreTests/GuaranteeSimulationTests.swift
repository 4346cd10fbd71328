import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCore

/// Monte-Carlo checks of the guarantee (DESIGN §9): at the planned N, with the true value on the
/// boundary of the condition, the gate passes with probability ≤ δ; at the far edge of the
/// tolerance zone it passes with probability ≥ 1 − δ.
///
/// δ = 0.1 (reliability 0.9, one step) so that rates are measurable with 10,000 test sets.
/// Monte-Carlo slack: 3 standard errors of a rate near 0.1 over 10,000 runs,
/// 3·√(0.1·0.9/10,000) = 0.009; a correct gate exceeds it with probability ≈ 0.13 %.
private let runs = 10_000
private let slack = 3 * (0.1 * 0.9 / Double(runs)).squareRoot()

/// The per-example outcome probabilities of a simulated pair of models.
private struct PairModel {
    /// P(only the new model is right), P(only the old one is), P(both wrong, predictions differ).
    var onlyNew: Double
    var onlyOld: Double
    var bothWrongDiffer: Double
    /// P(the new model is right) overall.
    var newAccuracy: Double

    func sample(_ n: Int, _ rng: inout SeededGenerator) -> EvaluationCounts {
        var plus = 0
        var minus = 0
        var differ = 0
        var newRight = 0
        let bothRight = newAccuracy - onlyNew
        for _ in 0..<n {
            let u = rng.uniform()
            if u < onlyNew {
                plus += 1; differ += 1; newRight += 1
            } else if u < onlyNew + onlyOld {
                minus += 1; differ += 1
            } else if u < onlyNew + onlyOld + bothWrongDiffer {
                differ += 1
            } else if u < onlyNew + onlyOld + bothWrongDiffer + bothRight {
                newRight += 1
            }
        }
        return EvaluationCounts(
            total: n, predictionsDiffer: differ, onlyNewCorrect: plus, onlyOldCorrect: minus,
            newCorrect: newRight, oldCorrect: newRight - plus + minus)
    }
}

/// The pass rate over `runs` simulated test sets of a conjunction decided clause by clause:
/// each clause's rule sees only the statistic it depends on (`key`), so each distinct value is
/// decided once.
private struct ClauseUnderTest {
    var rule: DecisionRule
    var key: (EvaluationCounts) -> [Int]
}

private func passRate(_ clauses: [ClauseUnderTest], n: Int, logDelta: Double, model: PairModel, seed: UInt64) throws -> Double {
    var rng = SeededGenerator(seed: seed)
    var decided: [[Int]: Bool] = [:]
    var passes = 0
    for _ in 0..<runs {
        let counts = model.sample(n, &rng)
        var all = true
        for (index, clause) in clauses.enumerated() {
            let key = [index] + clause.key(counts)
            let passed: Bool
            if let known = decided[key] {
                passed = known
            } else {
                passed = try clause.rule.decide(counts, logDeltaPerClause: logDelta).passed
                decided[key] = passed
            }
            all = all && passed
        }
        if all { passes += 1 }
    }
    return Double(passes) / Double(runs)
}

private func passRate(_ rule: DecisionRule, n: Int, logDelta: Double, model: PairModel, seed: UInt64) throws -> Double {
    try passRate([ClauseUnderTest(rule: rule, key: { [$0.newCorrect ?? -1] })], n: n, logDelta: logDelta, model: model, seed: seed)
}

@Test func singleVariableGateKeepsItsFalsePassRateAtThePlannedSize() throws {
    let c = condition("n > 0.8 +/- 0.05")
    let plan = try SampleSizePlanner(condition: c, mode: .fpFree).plan(reliability: 0.9, adaptivity: .none, steps: 1)
    let n = plan.chosenPlan.sampleSize
    #expect(plan.chosen == .exact)
    let rule = DecisionRule(condition: c, mode: .fpFree)
    let atBoundary = try passRate(rule, n: n, logDelta: plan.logDeltaPerClause,
                                  model: PairModel(onlyNew: 0, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.8), seed: 1)
    #expect(atBoundary <= 0.1 + slack, "false-pass rate \(atBoundary) at N = \(n)")
    let atFarEdge = try passRate(rule, n: n, logDelta: plan.logDeltaPerClause,
                                 model: PairModel(onlyNew: 0, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.9), seed: 2)
    #expect(atFarEdge >= 0.9 - slack, "pass rate \(atFarEdge) at n = c + 2ε")
    // The test is not vacuous: halfway through the zone it passes sometimes and fails sometimes.
    let middle = try passRate(rule, n: n, logDelta: plan.logDeltaPerClause,
                              model: PairModel(onlyNew: 0, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.85), seed: 3)
    #expect(middle > 0.2 && middle < 0.95)
}

@Test func pairedGateKeepsItsFalsePassRateAtThePlannedSize() throws {
    let c = condition("n - o > 0.02 +/- 0.05 /\\ d < 0.3 +/- 0.05")
    let plan = try SampleSizePlanner(condition: c, mode: .fpFree).plan(reliability: 0.9, adaptivity: .none, steps: 1)
    let n = plan.chosenPlan.sampleSize
    #expect(plan.chosen == .exact)
    #expect(plan.varianceBound?.value == 0.3)
    // The conjunction's clauses, decided separately at the plan's δ′ (the paired clause with the
    // variance bound the `d` clause certifies, exactly as the two-clause rule derives it).
    let whole = DecisionRule(condition: c, mode: .fpFree)
    #expect(whole.varianceBound?.value == 0.3)
    let clauses = [
        ClauseUnderTest(rule: DecisionRule(condition: condition("n - o > 0.02 +/- 0.05"), mode: .fpFree, assumedVarianceBound: 0.3),
                        key: { [$0.onlyNewCorrect! - $0.onlyOldCorrect!] }),
        ClauseUnderTest(rule: DecisionRule(condition: condition("d < 0.3 +/- 0.05"), mode: .fpFree),
                        key: { [$0.predictionsDiffer!] }),
    ]
    // Spot check: the clause-by-clause verdict equals the whole rule's verdict.
    var rng = SeededGenerator(seed: 10)
    for _ in 0..<20 {
        let counts = PairModel(onlyNew: 0.16, onlyOld: 0.1, bothWrongDiffer: 0.02, newAccuracy: 0.8).sample(n, &rng)
        let separately = try clauses.allSatisfy { try $0.rule.decide(counts, logDeltaPerClause: plan.logDeltaPerClause).passed }
        #expect(try whole.decide(counts, logDeltaPerClause: plan.logDeltaPerClause).passed == separately)
    }
    // Boundary: Δ = 0.02 with the largest disagreement the d clause allows.
    let boundary = PairModel(onlyNew: 0.16, onlyOld: 0.14, bothWrongDiffer: 0, newAccuracy: 0.8)
    let falsePass = try passRate(clauses, n: n, logDelta: plan.logDeltaPerClause, model: boundary, seed: 11)
    #expect(falsePass <= 0.1 + slack, "false-pass rate \(falsePass) at N = \(n)")
    // Same Δ with few disagreements: the d clause passes easily; the paired clause must hold alone.
    let quiet = PairModel(onlyNew: 0.06, onlyOld: 0.04, bothWrongDiffer: 0.02, newAccuracy: 0.8)
    let quietRate = try passRate(clauses, n: n, logDelta: plan.logDeltaPerClause, model: quiet, seed: 12)
    #expect(quietRate <= 0.1 + slack, "false-pass rate \(quietRate) with d = 0.12")
    // Far edge: Δ = 0.12 and d = 0.2 (= A − 2ε′): passes with probability ≥ 1 − δ.
    let good = PairModel(onlyNew: 0.16, onlyOld: 0.04, bothWrongDiffer: 0, newAccuracy: 0.8)
    let power = try passRate(clauses, n: n, logDelta: plan.logDeltaPerClause, model: good, seed: 13)
    #expect(power >= 0.9 - slack, "pass rate \(power) at the far edge")
}

/// `n - o` with no `d` clause: the conditional test, planned at an assumed disagreement rate.
/// The size must hold at every rate (the assumption only sets N); power is promised at the rate assumed.
@Test func pairedGateWithoutADClauseKeepsItsFalsePassRateAtEveryRate() throws {
    let c = condition("n - o > 0.02 +/- 0.02")
    let plan = try SampleSizePlanner(condition: c, mode: .fpFree, expectedDisagreement: 0.3)
        .plan(reliability: 0.9, adaptivity: .none, steps: 1)
    let n = plan.chosenPlan.sampleSize
    #expect(plan.chosen == .exact)
    let rule = DecisionRule(condition: c, mode: .fpFree)
    let key: (EvaluationCounts) -> [Int] = { [$0.onlyNewCorrect!, $0.onlyOldCorrect!] }
    func rate(_ model: PairModel, seed: UInt64) throws -> Double {
        try passRate([ClauseUnderTest(rule: rule, key: key)], n: n, logDelta: plan.logDeltaPerClause, model: model, seed: seed)
    }
    // Δ = 0.02 at the assumed rate, at a far smaller one (where the bound on p matters most),
    // and at the smallest rate Δ allows (every disagreement a win).
    for (index, model) in [
        PairModel(onlyNew: 0.16, onlyOld: 0.14, bothWrongDiffer: 0, newAccuracy: 0.8),
        PairModel(onlyNew: 0.035, onlyOld: 0.015, bothWrongDiffer: 0.05, newAccuracy: 0.8),
        PairModel(onlyNew: 0.02, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.8),
    ].enumerated() {
        let falsePass = try rate(model, seed: 20 + UInt64(index))
        #expect(falsePass <= 0.1 + slack, "false-pass rate \(falsePass) at N = \(n), model \(index)")
    }
    // Far edge at the assumed rate: Δ = 0.06, p = 0.3.
    let power = try rate(PairModel(onlyNew: 0.18, onlyOld: 0.12, bothWrongDiffer: 0, newAccuracy: 0.8), seed: 30)
    #expect(power >= 0.9 - slack, "pass rate \(power) at the far edge")
    // Not vacuous: halfway through the zone it passes sometimes and fails sometimes.
    let middle = try rate(PairModel(onlyNew: 0.17, onlyOld: 0.13, bothWrongDiffer: 0, newAccuracy: 0.8), seed: 31)
    #expect(middle > 0.2 && middle < 0.95, "pass rate \(middle) at Δ = c + ε")
}

/// A developer who adapts to the answers on one test set: each step re-draws the outcomes of a
/// random fifth of the examples (every candidate is still exactly at the boundary Δ = c), submits,
/// and keeps a candidate that passed as the base of the next. Over H = 3 `full` steps at
/// reliability 0.8 the probability that any step passes must stay ≤ δ = 0.2.
@Test func adaptiveDeveloperCannotPushABoundaryModelThroughTheConditionalTest() throws {
    let c = condition("n - o > 0.02 +/- 0.02")
    let steps = 3
    let plan = try SampleSizePlanner(condition: c, mode: .fpFree, expectedDisagreement: 0.3)
        .plan(reliability: 0.8, adaptivity: .full, steps: steps)
    let n = plan.chosenPlan.sampleSize
    let rule = DecisionRule(condition: c, mode: .fpFree)
    var rng = SeededGenerator(seed: 40)
    /// +1, −1 or 0 per example at Δ = 0.02, p = 0.3.
    func draw() -> Int8 {
        let u = rng.uniform()
        return u < 0.16 ? 1 : u < 0.30 ? -1 : 0
    }
    let lives = 1_000
    var falsePasses = 0
    for _ in 0..<lives {
        var outcomes = (0..<n).map { _ in draw() }
        var passed = false
        for _ in 0..<steps {
            var candidate = outcomes
            for i in 0..<n where rng.uniform() < 0.2 { candidate[i] = draw() }
            let wins = candidate.reduce(0) { $0 + ($1 == 1 ? 1 : 0) }
            let losses = candidate.reduce(0) { $0 + ($1 == -1 ? 1 : 0) }
            let counts = EvaluationCounts(total: n, predictionsDiffer: wins + losses, onlyNewCorrect: wins, onlyOldCorrect: losses, newCorrect: nil, oldCorrect: nil)
            if try rule.decide(counts, logDeltaPerClause: plan.logDeltaPerClause).passed {
                passed = true
                outcomes = candidate
            }
        }
        if passed { falsePasses += 1 }
    }
    let rate = Double(falsePasses) / Double(lives)
    let lifeSlack = 3 * (0.2 * 0.8 / Double(lives)).squareRoot()
    #expect(rate <= 0.2 + lifeSlack, "false-pass rate \(rate) over \(lives) lives of \(steps) steps")
}

/// A linear form, decided with Chernoff–KL on its range: at the boundary with the law that makes
/// the form a Bernoulli variable (both models right or both wrong, the worst case of the bound) and
/// with one where they often differ, the false-pass rate stays ≤ δ; at c + 2ε it passes ≥ 1 − δ.
@Test func linearFormGateKeepsItsFalsePassRateAtThePlannedSize() throws {
    let c = condition("0.5 * n + 0.5 * o > 0.8 +/- 0.05")
    let plan = try SampleSizePlanner(condition: c, mode: .fpFree).plan(reliability: 0.9, adaptivity: .none, steps: 1)
    #expect(plan.chosen == .chernoff)
    let n = plan.chosenPlan.sampleSize
    let rule = DecisionRule(condition: c, mode: .fpFree)
    let key: (EvaluationCounts) -> [Int] = { [$0.newCorrect!, $0.oldCorrect!] }
    func rate(_ model: PairModel, seed: UInt64) throws -> Double {
        try passRate([ClauseUnderTest(rule: rule, key: key)], n: n, logDelta: plan.logDeltaPerClause, model: model, seed: seed)
    }
    // Mean 0.8: n = o on every example (accuracy 0.8 each) …
    let together = try rate(PairModel(onlyNew: 0, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.8), seed: 50)
    #expect(together <= 0.1 + slack, "false-pass rate \(together) at N = \(n)")
    // … and the models differing on 20 % of the examples (n 0.9, o 0.7).
    let apart = try rate(PairModel(onlyNew: 0.2, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.9), seed: 51)
    #expect(apart <= 0.1 + slack, "false-pass rate \(apart) at N = \(n)")
    // Far edge, mean 0.9 with n = o.
    let power = try rate(PairModel(onlyNew: 0, onlyOld: 0, bothWrongDiffer: 0, newAccuracy: 0.9), seed: 52)
    #expect(power >= 0.9 - slack, "pass rate \(power) at c + 2ε")
}
