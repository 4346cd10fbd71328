import Foundation
import Testing
import EaseMLTestSupport
@testable import EaseMLCore

/// Chernoff's bound at p̄ is what lets the paired tests certify beyond their proof and what anchors
/// the stable N: it must bound the exact tail at every rate up to p̄, on both sides.
@Test func chernoffBoundAtTheTopRateBoundsTheExactTailAtEveryRate() {
    var generator = SeededGenerator(seed: 4)
    for _ in 0..<120 {
        let n = [10, 200, 3_000, 40_000][Int.random(in: 0..<4, using: &generator)]
        let c = Double.random(in: -0.2...0.2, using: &generator)
        let top = min(1, abs(c) + Double.random(in: 0.01...0.6, using: &generator))
        let s = Int((Double(n) * c + Double.random(in: -5...40, using: &generator) * (Double(n) * top).squareRoot()).rounded())
        let bound = ExactPairedTest.logChernoffTail(trials: n, threshold: s, delta: c, disagreement: top)
        for step in 0...6 {
            let p = abs(c) + (top - abs(c)) * Double(step) / 6
            let exact = PairedWorstCase.logTail(trials: n, threshold: s, delta: c, disagreement: p)
            if bound == -.infinity {
                #expect(exact == -.infinity, "n=\(n) s=\(s): \(exact)")
            } else {
                #expect(exact <= bound + 1e-9 * max(1, abs(bound)), "n=\(n) c=\(c) p=\(p) s=\(s): \(exact) > \(bound)")
            }
        }
    }
    // Beyond N every outcome is impossible; at the mean the bound is trivial.
    #expect(ExactPairedTest.logChernoffTail(trials: 100, threshold: 101, delta: 0.1, disagreement: 0.3) == -.infinity)
    #expect(ExactPairedTest.logChernoffTail(trials: 100, threshold: 10, delta: 0.1, disagreement: 0.3) == 0)
}

/// Item 4 of the statistics issue for the paired test with a bound on d: the N the search finds can
/// be a lattice accident (a larger N fails the power promise); the planned N is now the stable one.
@Test func stablePairedSizeIsTheSmallestFromWhichEveryLargerNKeepsBothPromises() throws {
    let test = ExactPairedTest(varianceBound: 0.3)
    let (c0, tolerance, logDelta) = (0.05, 0.05, log(1e-3))
    let c1 = test.alternative(null: c0, tolerance: tolerance)
    let searched = try #require(test.sampleSize(null: c0, tolerance: tolerance, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    let stable = try #require(test.stableSampleSize(null: c0, tolerance: tolerance, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    let anchor = try #require(test.chernoffSampleSize(null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    #expect(stable.scanned)
    #expect(stable.everyLargerFrom == stable.sampleSize)
    // Here the search's N is one of those accidents: some N above it misses the power promise.
    #expect(searched < stable.sampleSize, "searched \(searched), stable \(stable.sampleSize)")
    let failingAbove = (searched..<stable.sampleSize).filter {
        !test.plannedSeparation(trials: $0, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta)
    }
    #expect(failingAbove.last == stable.sampleSize - 1)
    // Every N from the stable one to Chernoff's separates (checked one by one), and from Chernoff's on
    // the bounds alone do, monotonically.
    for n in stable.sampleSize...anchor {
        #expect(test.plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "N = \(n)")
    }
    #expect(test.chernoffSeparates(trials: anchor, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    #expect(!test.chernoffSeparates(trials: anchor - 1, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    for n in stride(from: anchor, through: 4 * anchor, by: anchor / 7) {
        #expect(test.chernoffSeparates(trials: n, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
        #expect(test.plannedSeparation(trials: n, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "N = \(n)")
    }
}

/// Where the N between the search's and Chernoff's are too many to check, the plan says from which
/// N a larger set keeps both promises for certain.
@Test func flagshipPlanStatesFromWhichSizeEveryLargerSetKeepsThePromises() throws {
    let planner = SampleSizePlanner(condition: condition("n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01"), mode: .fpFree)
    let plan = try planner.plan(reliability: 0.999, adaptivity: .full, steps: 32)
    let paired = try #require(plan.chosenPlan.clauses.first { $0.clauseIndex == 0 })
    let note = try #require(paired.note)
    #expect(note.contains("keeps both promises for certain from N = "), "\(note)")
    let digits = note.split(separator: "=")[1].prefix { $0 == " " || $0.isNumber || $0 == "," }.filter(\.isNumber)
    let from = try #require(Int(String(digits)))
    #expect(from > paired.sampleSize && from < paired.sampleSize * 6 / 5, "\(from) vs \(paired.sampleSize)")
}

/// The scan by runs (the power proven once per run of equal critical values, where it is weakest)
/// finds the stable N the scan of every N finds, on random questions in the proven range; and the
/// N just below it fails the planner's check while the stable N passes it.
@Test func theScanByRunsFindsTheStableNOfTheScanOfEveryN() throws {
    var generator = SeededGenerator(seed: 20261205)
    var compared = 0
    while compared < 8 {
        let bound = Double.random(in: 0.1...0.6, using: &generator)
        let c0 = Double.random(in: 0...0.08, using: &generator)
        let tolerance = Double.random(in: 0.02...0.08, using: &generator)
        let logDelta = log(Double.random(in: 1e-8...1e-2, using: &generator))
        let test = ExactPairedTest(varianceBound: bound)
        let c1 = test.alternative(null: c0, tolerance: tolerance)
        guard c1 > c0, test.isProvable(null: c0, alternative: c1),
            let anchor = test.chernoffSampleSize(null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta),
            anchor < 2_000
        else { continue }
        compared += 1
        let everyN = test.stableByEveryN(below: anchor, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta)
        let byRuns = test.stableByRuns(below: anchor, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta)
        let question = "p̄ \(bound), c₀ \(c0), ε \(tolerance), ln δ \(logDelta)"
        #expect(byRuns == everyN, "\(question): by runs \(byRuns), every N \(everyN)")
        #expect(test.plannedSeparation(trials: byRuns, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "\(question)")
        if byRuns > 1 {
            #expect(!test.plannedSeparation(trials: byRuns - 1, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "\(question)")
        }
    }
}
