import Foundation
import Testing
@testable import EaseMLCore

/// The table "What it buys" of the project's statistics reference, `statistics.md` (independent scipy computation).
struct ReferenceScenario: Sendable, CustomStringConvertible {
    var condition: String
    var reliability: Double
    var steps: Int
    var adaptivity: Adaptivity
    var assumedBound: Double?
    var chernoff: Int?
    var exact: Int
    /// The exact paired N comes from a slightly different search (see the test); single-variable
    /// exact sizes must match to the example.
    var exactTolerance: Double
    var description: String { "\(condition) @ \(reliability), \(steps), \(adaptivity)" }
}

private let scenarios: [ReferenceScenario] = [
    .init(condition: "n > 0.8 +/- 0.05", reliability: 0.999, steps: 32, adaptivity: .full, chernoff: 2874, exact: 2604, exactTolerance: 0),
    .init(condition: "n > 0.8 +/- 0.05", reliability: 0.9999, steps: 32, adaptivity: .full, chernoff: 3101, exact: 2825, exactTolerance: 0),
    .init(condition: "d < 0.1 +/- 0.01", reliability: 0.999, steps: 32, adaptivity: .full, chernoff: 47485, exact: 42817, exactTolerance: 0),
    .init(condition: "d < 0.1 +/- 0.01", reliability: 0.9999, steps: 32, adaptivity: .none, chernoff: 20693, exact: 16743, exactTolerance: 0),
    .init(condition: "n - o > 0.02 +/- 0.01", reliability: 0.999, steps: 32, adaptivity: .full, assumedBound: 0.1, exact: 51821, exactTolerance: 0.005),
    .init(condition: "n - o > 0.02 +/- 0.01", reliability: 0.9999, steps: 32, adaptivity: .full, assumedBound: 0.1, exact: 56279, exactTolerance: 0.005),
    .init(condition: "n - o > 0.02 +/- 0.01", reliability: 0.999, steps: 1, adaptivity: .none, assumedBound: 0.1, exact: 9517, exactTolerance: 0.01),
    .init(condition: "n - o > 0.02 +/- 0.01", reliability: 0.999, steps: 32, adaptivity: .full, assumedBound: 0.05, exact: 25463, exactTolerance: 0.005),
]

@Test(arguments: scenarios)
func plannerMatchesIndependentReference(_ scenario: ReferenceScenario) throws {
    let planner = SampleSizePlanner(
        condition: condition(scenario.condition), mode: .fpFree, assumedVarianceBound: scenario.assumedBound)
    let plan = try planner.plan(reliability: scenario.reliability, adaptivity: scenario.adaptivity, steps: scenario.steps)
    let exact = try #require(plan.plan(for: .exact))
    #expect(exact.clauses.allSatisfy { $0.method == .exact })
    let gap = abs(Double(exact.sampleSize - scenario.exact)) / Double(scenario.exact)
    #expect(gap <= scenario.exactTolerance, "exact N \(exact.sampleSize) vs reference \(scenario.exact)")
    if let chernoff = scenario.chernoff {
        #expect(abs(plan.plan(for: .chernoff)!.sampleSize - chernoff) <= 1)
    }
    #expect(plan.chosen == .exact)
}

@Test func bennettColumnOfTheReferenceTableIsThePaperFormula() throws {
    let planner = SampleSizePlanner(condition: condition("n - o > 0.02 +/- 0.01"), mode: .fpFree, assumedVarianceBound: 0.1)
    for (reliability, steps, adaptivity, expected) in [
        (0.999, 32, Adaptivity.full, 62949), (0.9999, 32, .full, 67706), (0.999, 1, .none, 17133),
    ] {
        let plan = try planner.plan(reliability: reliability, adaptivity: adaptivity, steps: steps)
        #expect(abs(plan.plan(for: .bennett)!.sampleSize - expected) <= 1)
    }
}

@Test func exactPairedLabelsAreTheExpectedDisagreements() throws {
    let planner = SampleSizePlanner(condition: condition("n - o > 0.02 +/- 0.01"), mode: .fpFree, assumedVarianceBound: 0.1)
    let exact = try planner.plan(reliability: 0.999, adaptivity: .full, steps: 32).plan(for: .exact)!
    #expect(exact.labels == .disagreementsOnly(expectedAtMost: Int((0.1 * Double(exact.sampleSize)).rounded(.up))))
    #expect(exact.labels.count < exact.sampleSize / 9)
}

/// The exact single-variable N is *stable*: every larger N separates too, and N − 1 does not.
@Test func exactBinomialSampleSizeIsStable() throws {
    let logDelta = log(0.001) - 32 * log(2.0)
    let n = try #require(ExactBinomialTest.stableSampleSize(null: 0.8, alternative: 0.9, logDelta: logDelta))
    #expect(!ExactBinomialTest.separates(trials: n - 1, null: 0.8, alternative: 0.9, logDelta: logDelta))
    for m in n...(n + 300) {
        #expect(ExactBinomialTest.separates(trials: m, null: 0.8, alternative: 0.9, logDelta: logDelta))
    }
}
