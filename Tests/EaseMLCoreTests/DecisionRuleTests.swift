import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCore

private let logDelta = log(0.01)

@Test func linearClauseUsesChernoffKLAndFollowsTheRuleIncludingTheBoundary() throws {
    // n - 0.5 * o is linear on [−0.5, 1]: a Chernoff–KL interval, never wider than Hoeffding's.
    let c = condition("n - 0.5 * o > 0.2 +/- 0.05")
    let n = 10_000
    let width = HoeffdingBound.halfWidth(for: NormalizedClause(c.clauses[0]), samples: n, logDelta: logDelta)
    func verdict(new: Int, old: Int, mode: DecisionMode) throws -> ClauseVerdict {
        try DecisionRule(condition: c, mode: mode)
            .decide(EvaluationCounts(total: n, predictionsDiffer: 0, newCorrect: new, oldCorrect: old), logDeltaPerClause: logDelta)
            .clauses[0]
    }
    // Φ̂ = 0.7 − 0.5·0.8 = 0.3: far above 0.2.
    let high = try verdict(new: 7000, old: 8000, mode: .fpFree)
    #expect(high.truth == .true && high.method == .chernoff)
    // Φ̂ = 0.2 exactly: Unknown; fp-free fails, fn-free passes.
    let boundary = try verdict(new: 6000, old: 8000, mode: .fpFree)
    #expect(boundary.truth == .unknown)
    #expect(!boundary.passed)
    #expect(try verdict(new: 6000, old: 8000, mode: .fnFree).passed)
    // Φ̂ = 0.1: certainly below.
    #expect(try verdict(new: 5000, old: 8000, mode: .fnFree).truth == .false)
    #expect(boundary.lower < 0.2 && boundary.upper > 0.2)
    #expect(boundary.upper - boundary.lower < 2 * width)
    // The KL interval at ln δ′ solves N·KL(x′ ‖ L′) = ln(1/δ′) on the [0, 1] scale.
    let x = (0.2 + 0.5) / 1.5, lower = (boundary.lower + 0.5) / 1.5
    #expect(abs(Double(n) * BernoulliDivergence.kl(x, lower) + logDelta) < 1e-6)
    // A margin Hoeffding cannot certify, KL can: Φ̂ = 0.2 + 0.97·w.
    let newCorrect = Int(((0.2 + 0.97 * width + 0.4) * Double(n)).rounded())
    #expect(try verdict(new: newCorrect, old: 8000, mode: .fpFree).truth == .true)
}

@Test func singleVariableClauseUsesClopperPearsonAndScalesCoefficients() throws {
    let rule = DecisionRule(condition: condition("2 * n > 1.6 +/- 0.1"), mode: .fpFree)
    let high = try rule.decide(EvaluationCounts(total: 2000, newCorrect: 1800), logDeltaPerClause: logDelta).clauses[0]
    #expect(high.method == .clopperPearson)
    #expect(high.truth == .true)
    #expect(abs(high.estimate - 1.8) < 1e-12)
    #expect(high.lower < 1.8 && high.upper > 1.8)
    let low = try rule.decide(EvaluationCounts(total: 2000, newCorrect: 1500), logDeltaPerClause: logDelta).clauses[0]
    #expect(low.truth == .false)
    let edge = try rule.decide(EvaluationCounts(total: 2000, newCorrect: 1600), logDeltaPerClause: logDelta).clauses[0]
    #expect(edge.truth == .unknown)
}

@Test func negativeCoefficientFlipsTheComparison() throws {
    // -n > -0.8 means n < 0.8.
    let rule = DecisionRule(condition: condition("-n > -0.8 +/- 0.05"), mode: .fpFree)
    #expect(try rule.decide(EvaluationCounts(total: 2000, newCorrect: 1400), logDeltaPerClause: logDelta).passed)
    #expect(try !rule.decide(EvaluationCounts(total: 2000, newCorrect: 1700), logDeltaPerClause: logDelta).passed)
}

@Test func conjunctionPassesOnlyWhenEveryClausePasses() throws {
    let rule = DecisionRule(condition: condition("n > 0.5 +/- 0.05 /\\ d < 0.1 +/- 0.02"), mode: .fpFree)
    let both = EvaluationCounts(total: 5000, predictionsDiffer: 100, onlyNewCorrect: 60, onlyOldCorrect: 40, newCorrect: 4000, oldCorrect: 3980)
    #expect(try rule.decide(both, logDeltaPerClause: logDelta).passed)
    var tooDifferent = both
    tooDifferent.predictionsDiffer = 1500
    let verdict = try rule.decide(tooDifferent, logDeltaPerClause: logDelta)
    #expect(!verdict.passed)
    #expect(verdict.clauses.map(\.truth) == [.true, .false])
}

@Test func missingOldModelOrLabelsIsAnError() {
    let rule = DecisionRule(condition: condition("n - o > 0 +/- 0.01"), mode: .fpFree)
    #expect(throws: DecisionError.self) {
        try rule.decide(EvaluationCounts(total: 100, newCorrect: 90), logDeltaPerClause: logDelta)
    }
    #expect(throws: DecisionError.emptyTestSet) {
        try rule.decide(EvaluationCounts(total: 0), logDeltaPerClause: logDelta)
    }
}

@Test func tallyCountsEveryStatisticInOnePass() throws {
    let labels = [0, 1, 1, 2, 0, 1]
    let new = [0, 1, 0, 2, 1, 1]
    let old = [0, 0, 1, 2, 1, 2]
    let counts = try EvaluationCounts.tally(new: new, old: old, labels: labels)
    #expect(counts == EvaluationCounts(total: 6, predictionsDiffer: 3, onlyNewCorrect: 2, onlyOldCorrect: 1, newCorrect: 4, oldCorrect: 3))
    #expect(throws: DecisionError.lengthMismatch(new: 5, old: 6, labels: 6)) {
        try EvaluationCounts.tally(new: Array(new.dropLast()), old: old, labels: labels)
    }
    #expect(try EvaluationCounts.tally(new: new, old: nil, labels: labels).oldCorrect == nil)
}

/// Real data: the EmoContext development history of the ease.ml/ci paper (Tests/Fixtures/data).
@Test func emoContextBestVersionBeatsWorstAndNotTheOtherWayRound() throws {
    func column(_ file: String) throws -> [Int] {
        let text = try Fixtures.text("data/emocontext/\(file)")
        return text.split(whereSeparator: \.isNewline).dropFirst().map { Int($0.split(separator: ",")[1])! }
    }
    let labels = try column("labels.csv")
    let best = try column("model1.csv")
    let worst = try column("model8.csv")
    #expect(labels.count == 5509)
    let rule = DecisionRule(condition: condition("n - o > 0 +/- 0.01"), mode: .fpFree)
    let forward = try rule.decide(try EvaluationCounts.tally(new: best, old: worst, labels: labels), logDeltaPerClause: logDelta)
    #expect(forward.passed)
    #expect(abs(forward.clauses[0].estimate - (0.9221 - 0.8885)) < 0.001)
    let backward = try rule.decide(try EvaluationCounts.tally(new: worst, old: best, labels: labels), logDeltaPerClause: logDelta)
    #expect(!backward.passed)
    #expect(backward.clauses[0].truth == .false)
    // Two nearly equal versions (0.9221 vs 0.9230): inconclusive at this size.
    let close = try rule.decide(try EvaluationCounts.tally(new: best, old: try column("model2.csv"), labels: labels), logDeltaPerClause: logDelta)
    #expect(close.clauses[0].truth == .unknown)
}
