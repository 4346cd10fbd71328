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

/// The flagship question's planned N is the stable one, found by blocks (no window bound): at 32
/// steps 53,153, 57 above the search's N; the scan of every N from Chernoff's N down finds the same,
/// and the N just below fails the planner's check.
@Test func flagshipPlanIsTheStableNOfTheScanOfEveryN() throws {
    let planner = SampleSizePlanner(condition: condition("n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01"), mode: .fpFree)
    let plan = try planner.plan(reliability: 0.999, adaptivity: .full, steps: 32)
    let paired = try #require(plan.chosenPlan.clauses.first { $0.clauseIndex == 0 })
    #expect(paired.note == nil, "\(paired.note ?? "")")
    #expect(paired.sampleSize == 53_153)
    let test = ExactPairedTest(varianceBound: 0.1)
    let logDelta = log(0.001) - 32 * log(2.0) - log(2.0)
    let c1 = test.alternative(null: 0.02, tolerance: 0.01)
    let searched = try #require(test.sampleSize(null: 0.02, tolerance: 0.01, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    let anchor = try #require(test.chernoffSampleSize(null: 0.02, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    #expect(searched == 53_096 && anchor == 58_854, "search \(searched), Chernoff \(anchor)")
    #expect(test.stableByEveryN(below: anchor, null: 0.02, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta) == paired.sampleSize)
    #expect(!test.plannedSeparation(trials: paired.sampleSize - 1, null: 0.02, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
    // Without room to decide any N one by one, the scan gives up: the search's N is planned and
    // Chernoff's N is where every larger N is known to keep the promises.
    let bounded = try #require(test.stableSampleSize(null: 0.02, tolerance: 0.01, logDeltaSize: logDelta, logDeltaMiss: logDelta, scanLimit: 0))
    #expect(bounded == ExactPairedTest.StableSize(sampleSize: searched, everyLargerFrom: anchor, scanned: false))
}

/// Where the N between the search's and Chernoff's are too many to check one by one (a null below
/// 0, outside the blocks' argument), the plan says from which N a larger set keeps both promises
/// for certain.
@Test func aPlanBeyondTheScanStatesFromWhichSizeEveryLargerSetKeepsThePromises() throws {
    let planner = SampleSizePlanner(condition: condition("n - o > -0.01 +/- 0.01 /\\ d < 0.1 +/- 0.01"), mode: .fpFree)
    let plan = try planner.plan(reliability: 0.999, adaptivity: .full, steps: 32)
    let paired = try #require(plan.chosenPlan.clauses.first { $0.clauseIndex == 0 })
    let note = try #require(paired.note)
    #expect(note.contains("keeps both promises for certain from N = "), "\(note)")
    let digits = note.split(separator: "=")[1].prefix { $0 == " " || $0.isNumber || $0 == "," }.filter(\.isNumber)
    let from = try #require(Int(String(digits)))
    #expect(from > paired.sampleSize + 1_500 && from < paired.sampleSize * 6 / 5, "\(from) vs \(paired.sampleSize)")
}

/// The scan by blocks finds the stable N the scan of every N finds, on random questions in its range
/// (c₀ ≥ 0, every rate log-concave) and on the flagship at 1 and 4 steps; the N just below it fails
/// the planner's check while the stable N passes it.
@Test func theScanByBlocksFindsTheStableNOfTheScanOfEveryN() throws {
    var generator = SeededGenerator(seed: 20261205)
    var questions: [(bound: Double, c0: Double, tolerance: Double, logDelta: Double)] = [
        (0.1, 0.02, 0.01, log(0.001) - 2 * log(2.0)), (0.1, 0.02, 0.01, log(0.001) - 5 * log(2.0)),
    ]
    while questions.count < 10 {
        let question = (
            bound: Double.random(in: 0.1...0.6, using: &generator), c0: Double.random(in: 0...0.08, using: &generator),
            tolerance: Double.random(in: 0.02...0.08, using: &generator), logDelta: log(Double.random(in: 1e-8...1e-2, using: &generator)))
        let test = ExactPairedTest(varianceBound: question.bound)
        let c1 = test.alternative(null: question.c0, tolerance: question.tolerance)
        guard c1 > question.c0, test.isProvable(null: question.c0, alternative: c1),
            let anchor = test.chernoffSampleSize(null: question.c0, alternative: c1, logDeltaSize: question.logDelta, logDeltaMiss: question.logDelta),
            anchor < 2_000
        else { continue }
        questions.append(question)
    }
    for (bound, c0, tolerance, logDelta) in questions {
        let test = ExactPairedTest(varianceBound: bound)
        let c1 = test.alternative(null: c0, tolerance: tolerance)
        let anchor = try #require(test.chernoffSampleSize(null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
        let everyN = test.stableByEveryN(below: anchor, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta)
        let byBlocks = try #require(test.stableByBlocks(below: anchor, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta))
        let question = "p̄ \(bound), c₀ \(c0), ε \(tolerance), ln δ \(logDelta)"
        #expect(byBlocks == everyN, "\(question): by blocks \(byBlocks), every N \(everyN)")
        #expect(test.plannedSeparation(trials: byBlocks, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "\(question)")
        if byBlocks > 1 {
            #expect(!test.plannedSeparation(trials: byBlocks - 1, null: c0, alternative: c1, logDeltaSize: logDelta, logDeltaMiss: logDelta), "\(question)")
        }
    }
}

/// Fact 2 for a whole block of N at once (`isMonotone(trials: range, …)`): its Cantelli level is at
/// most each N's and Chernoff's bound at b at a fixed threshold never falls as N grows (what the
/// block's argument rests on); where it holds, the one-N check holds at the block's ends and middle
/// and the tail is nondecreasing in the rate over [Δ, b] there (exact tails on a grid).
@Test func aBlockProvenMonotoneIsMonotoneAtEveryN() throws {
    var generator = SeededGenerator(seed: 61)
    var proven = 0
    var tries = 0
    while proven < 80, tries < 8_000 {
        tries += 1
        let delta = Double.random(in: 0...0.1, using: &generator)
        let top = min(PairedWorstCase.logConcaveLimit(delta: delta), delta + Double.random(in: 0.02...0.5, using: &generator))
        let high = [200, 3_000, 40_000][Int.random(in: 0..<3, using: &generator)]
        let low = high - Int.random(in: 1...(high / 4), using: &generator)
        let sd = (Double(high) * (top - delta * delta)).squareRoot()
        let s = Int((Double(low) * delta + Double.random(in: 1...5, using: &generator) * sd).rounded())
        guard s >= 1 else { continue }
        #expect(ExactPairedTest.logChernoffTail(trials: low - 1, threshold: s - 2, delta: delta, disagreement: top)
            <= ExactPairedTest.logChernoffTail(trials: high - 1, threshold: s - 2, delta: delta, disagreement: top) + 1e-12)
        // The block's Cantelli level is at most each N's (the argument needs the smallest).
        let level = PairedWorstCase.monotoneLevel(outcomes: (low - 1)...(high - 1), threshold: s, delta: delta, high: top)
        for m in [low - 1, (low + high) / 2, high - 1] {
            #expect(level <= PairedWorstCase.monotoneLevel(outcomes: m...m, threshold: s, delta: delta, high: top))
        }
        guard PairedWorstCase.isMonotone(trials: low...high, threshold: s, delta: delta, high: top) else { continue }
        proven += 1
        for n in [low, (low + high) / 2, high] {
            #expect(PairedWorstCase.isMonotone(trials: n, threshold: s, delta: delta, low: delta, high: top), "n=\(n) s=\(s) Δ=\(delta) b=\(top)")
            expectTailRisesWithTheRate(trials: n, threshold: s, delta: delta, top: top)
        }
    }
    #expect(proven == 80, "only \(proven) blocks proven in \(tries) tries")
}

/// Fact 3 of `PairedWorstCase` (Darroch's mode of a Poisson-binomial law): while p ≤ (1 + Δ²)/2 the
/// law g of the sum of m steps never rises from ⌊mΔ⌋ + 1 on (exact convolutions), so the tail at
/// every threshold from ⌊mΔ⌋ + 2 on is nondecreasing in the rate over [|Δ|, (1 + Δ²)/2] (exact tails
/// on a grid), which is what lets one closed form certify the whole range.
@Test func theLawNeverRisesFromItsModeOnWhileTheStepIsRealRooted() throws {
    var generator = SeededGenerator(seed: 1964)
    var sharp = 0
    for _ in 0..<300 {
        let delta = Double.random(in: -0.6...0.6, using: &generator)
        let top = (1 + delta * delta) / 2
        let p = Double.random(in: abs(delta)...top, using: &generator)
        #expect(PairedWorstCase.isRealRooted(delta: delta, high: p))
        let m = Int.random(in: 1...80, using: &generator)
        let (plus, minus) = ((p + delta) / 2, (p - delta) / 2)
        // g over −m…m by convolution, index j + m.
        var law = [1.0]
        for _ in 0..<m {
            var next = [Double](repeating: 0, count: law.count + 2)
            for (index, mass) in law.enumerated() {
                next[index] += mass * minus
                next[index + 1] += mass * (1 - plus - minus)
                next[index + 2] += mass * plus
            }
            law = next
        }
        let from = PairedWorstCase.decreasingFrom(outcomes: m, delta: delta)
        for j in max(-m, from)..<m {
            #expect(law[j + m] >= law[j + m + 1] * (1 - 1e-12), "m=\(m) Δ=\(delta) p=\(p): g(\(j)) < g(\(j + 1))")
        }
        // One point lower the law can rise: the bound is the mode's, not a margin.
        if from - 1 >= -m, from < m, law[from - 1 + m] < law[from + m] { sharp += 1 }
    }
    #expect(sharp > 10, "the law rose just below the bound in only \(sharp) cases")
    #expect(!PairedWorstCase.isRealRooted(delta: 0.2, high: 0.53))
    #expect(PairedWorstCase.isRealRooted(delta: 0, high: 0.5))
    for _ in 0..<40 {
        let delta = Double.random(in: 0...0.2, using: &generator)
        let top = Double.random(in: delta...((1 + delta * delta) / 2), using: &generator)
        let n = [30, 500, 20_000][Int.random(in: 0..<3, using: &generator)]
        let s = PairedWorstCase.decreasingFrom(outcomes: n - 1, delta: delta) + 1 + Int.random(in: 0...3, using: &generator)
        #expect(PairedWorstCase.isMonotone(trials: n, threshold: s, delta: delta, low: delta, high: top))
        expectTailRisesWithTheRate(trials: n, threshold: s, delta: delta, top: top)
    }
}

/// The exact tail P(S ≥ s) is nondecreasing in the rate on 25 rates from Δ to `top`.
private func expectTailRisesWithTheRate(trials n: Int, threshold s: Int, delta: Double, top: Double, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    var previous = -Double.infinity
    for step in 0...24 {
        let p = delta + (top - delta) * Double(step) / 24
        let tail = PairedWorstCase.logTail(trials: n, threshold: s, delta: delta, disagreement: p)
        #expect(tail >= previous - 1e-9 * max(1, abs(previous)), "n=\(n) s=\(s) Δ=\(delta) p=\(p): \(tail) < \(previous)", sourceLocation: sourceLocation)
        previous = tail
    }
}

/// Near the mean (δ′ up to 0.7, p̄ ≤ (1 + c²)/2), where fact 3's threshold binds, the check's
/// critical value keeps its size: the exact tail there is ≤ δ′ at every rate of a dense grid from c
/// to p̄ (a fact 3 starting one point early fails this with a size above δ′, tried); and where
/// fact 3 covers the value one below, that one fails only because its tail at p̄ exceeds δ′.
@Test func criticalValuesDecidedNearTheMeanKeepTheirSize() {
    var generator = SeededGenerator(seed: 1965)
    var exact = 0
    for _ in 0..<300 {
        let c = Double.random(in: 0...0.3, using: &generator)
        let top = min((1 + c * c) / 2, c + Double.random(in: 0.005...0.3, using: &generator))
        let n = Int.random(in: 2...120, using: &generator)
        let logDelta = log(Double.random(in: 0.05...0.7, using: &generator))
        let test = ExactPairedTest(varianceBound: top)
        let s = test.criticalDifference(trials: n, null: c, logDelta: logDelta)
        guard s <= n else { continue }
        let question = "n=\(n) c=\(c) p̄=\(top) δ′=\(exp(logDelta)) s=\(s)"
        for step in 0...40 {
            let p = c + (top - c) * Double(step) / 40
            let tail = PairedWorstCase.logTail(trials: n, threshold: s, delta: c, disagreement: p)
            #expect(tail <= logDelta + 1e-12, "\(question) p=\(p): \(exp(tail))")
        }
        // Where fact 3 covers s − 1 too, the proof is exact: s − 1 fails because its tail at p̄ does.
        if s - 2 >= PairedWorstCase.decreasingFrom(outcomes: n - 1, delta: c) {
            exact += 1
            #expect(PairedWorstCase.logTail(trials: n, threshold: s - 1, delta: c, disagreement: top) > logDelta, "\(question)")
        }
    }
    #expect(exact > 100, "fact 3 covered s − 1 in only \(exact) cases")
}
