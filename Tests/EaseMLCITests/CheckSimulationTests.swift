import EaseMLCore
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

/// Issue 17's Monte-Carlo checks through the real check (`GateCheck.run` on a sealed set and an
/// SQLite ledger, the owner's baseline set with `OwnerBaseline.set`), for each new test and mode:
/// false-pass ≤ δ at the boundary and false-fail ≤ δ at c + 2ε, within 3 Monte-Carlo standard
/// errors, including a developer who adapts to the answers.
///
/// Each life is one test set: the set is registered once (its labels, question and plan), and every
/// life runs on a copy of that ledger file, so the lives are independent and each charges its own
/// budget. The models' per-example outcomes are drawn afresh in every life.
///
/// δ = 0.2 (reliability 0.8) so that rates are measurable with a few hundred lives:
/// 3·√(0.2·0.8/400) = 0.06.
private let lives = 400
private let delta = 0.2
private let slack = 3 * (delta * (1 - delta) / Double(lives)).squareRoot()

/// A registered test set whose ledger is copied for each life.
private struct SimulatedGate {
    let folder: URL
    let key: SealingKey
    let labels: [Int]
    let template: URL
    let plannedSize: Int
    let testSetID: String

    /// Registers `size` random binary labels under `settings` (the planned size, unless `size` is given).
    init(_ settings: GateSettings, size: Int? = nil, seed: UInt64) throws {
        folder = try CommandLineRunner.temporaryDirectory()
        key = try SealingKey.parse(SealingKey.generateText(), source: "test")
        plannedSize = try PlanReport.make(settings, testSize: nil, tolerances: false).plan.chosenPlan.sampleSize
        var generator = SeededGenerator(seed: seed)
        let count = size ?? plannedSize
        labels = (0..<count).map { _ in generator.below(2) }
        let labelsFile = folder.appendingPathComponent("labels.csv")
        try Self.csv(labels).write(to: labelsFile, atomically: true, encoding: .utf8)
        template = folder.appendingPathComponent("template.sqlite")
        // The template ledger is closed (and its WAL checkpointed) before it is copied.
        testSetID = try { [template, key] in
            let ledger = try Ledger.open(at: template.path, create: true)
            return try TestSetRegistration(
                question: GateQuestion(settings: settings, models: []), labelsPath: labelsFile.path, inputsPath: nil, name: "sim", force: false,
                expectedDisagreement: settings.expectedDisagreement
            ).register(in: ledger, key: key).id
        }()
    }

    static func csv(_ classes: [Int]) -> String {
        "id,label\n" + classes.enumerated().map { "e\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n"
    }

    /// The predictions that are right exactly where `right` says.
    func predictions(right: [Bool]) -> [Int] {
        zip(labels, right).map { label, isRight in isRight ? label : 1 - label }
    }

    /// A fresh copy of the registered ledger, under a name never used before (a used name may still
    /// have its SQLite side files).
    func life() throws -> Life {
        let path = folder.appendingPathComponent("life-\(UUID().uuidString).sqlite")
        try FileManager.default.copyItem(at: template, to: path)
        return Life(gate: self, ledger: try Ledger.open(at: path.path, create: false), path: path)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    struct Life {
        let gate: SimulatedGate
        let ledger: Ledger
        let path: URL

        private func write(_ predictions: [Int]) throws -> String {
            let file = gate.folder.appendingPathComponent("predictions.csv")
            try SimulatedGate.csv(predictions).write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }

        /// The owner's baseline of `main`.
        func baseline(right: [Bool]) throws {
            _ = try OwnerBaseline.set(
                predictions: try write(gate.predictions(right: right)), testSetID: gate.testSetID, branch: "main", commit: nil, ledger: ledger, key: gate.key)
        }

        /// The developer's check of a model right where `right` says, on `main`.
        func check(right: [Bool]) throws -> GateCheck.Outcome {
            try GateCheck(source: .file(try write(gate.predictions(right: right))), testSetID: gate.testSetID, lineage: BaselineLineage(commits: [], branch: "main"))
                .run(ledger: ledger, key: gate.key)
        }

        func end() {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path.path + suffix) }
        }
    }
}

private func settings(_ condition: String, adaptivity: Adaptivity = .full, steps: Int = 1, expectedDisagreement: Double? = nil) throws -> GateSettings {
    var settings = GateSettings(
        condition: try ConfigurationFile.parseCondition(condition), reliability: 1 - delta, mode: .fpFree, adaptivity: adaptivity, steps: steps)
    settings.expectedDisagreement = expectedDisagreement
    return settings
}

/// The pass rate of one check per life, the old model and the new one drawn per example from `draw`
/// (which returns (new right, old right)); `old == nil` when the condition does not read `o`.
private func passRate(_ gate: SimulatedGate, seed: UInt64, reads old: Bool, draw: (inout SeededGenerator) -> (Bool, Bool)) throws -> Double {
    var generator = SeededGenerator(seed: seed)
    var passes = 0
    for _ in 0..<lives {
        let outcomes = gate.labels.map { _ in draw(&generator) }
        let life = try gate.life()
        defer { life.end() }
        if old { try life.baseline(right: outcomes.map(\.1)) }
        let outcome = try life.check(right: outcomes.map(\.0))
        #expect(outcome.answer == .pass || outcome.answer == .fail, "\(outcome.answer): \(outcome.message ?? "")")
        if outcome.answer == .pass { passes += 1 }
    }
    return Double(passes) / Double(lives)
}

/// (new right, old right) with P(only new) = `onlyNew`, P(only old) = `onlyOld`, both right otherwise
/// with probability `bothRight`.
private func pair(onlyNew: Double, onlyOld: Double, bothRight: Double) -> (inout SeededGenerator) -> (Bool, Bool) {
    { generator in
        let u = generator.uniform()
        return u < onlyNew ? (true, false) : u < onlyNew + onlyOld ? (false, true) : u < onlyNew + onlyOld + bothRight ? (true, true) : (false, false)
    }
}

/// `n - o` without a `d` clause, the conditional test, planned at an assumed disagreement of 0.3.
@Test func conditionalPairedTestThroughTheRealCheck() throws {
    let gate = try SimulatedGate(try settings("n - o > 0.04 +/- 0.04", expectedDisagreement: 0.3), seed: 1)
    defer { gate.remove() }
    // Boundary Δ = 0.04 at the assumed rate and at a far smaller one (the bound on p at work).
    let atRate = try passRate(gate, seed: 2, reads: true, draw: pair(onlyNew: 0.17, onlyOld: 0.13, bothRight: 0.5))
    #expect(atRate <= delta + slack, "false-pass rate \(atRate) at p = 0.3, N = \(gate.labels.count)")
    let rare = try passRate(gate, seed: 3, reads: true, draw: pair(onlyNew: 0.05, onlyOld: 0.01, bothRight: 0.6))
    #expect(rare <= delta + slack, "false-pass rate \(rare) at p = 0.06")
    // c + 2ε = 0.12 at the assumed rate: false-fail ≤ δ.
    let power = try passRate(gate, seed: 4, reads: true, draw: pair(onlyNew: 0.21, onlyOld: 0.09, bothRight: 0.5))
    #expect(power >= 1 - delta - slack, "pass rate \(power) at Δ = c + 2ε")
}

/// A linear form, decided by Chernoff–KL on its range.
@Test func linearFormThroughTheRealCheck() throws {
    let gate = try SimulatedGate(try settings("0.5 * n + 0.5 * o > 0.8 +/- 0.05"), seed: 5)
    defer { gate.remove() }
    // Mean 0.8 with the models nearly always together (the form nearly Bernoulli, the bound's worst
    // case; never exactly, or the new model would be the baseline itself) …
    let together = try passRate(gate, seed: 6, reads: true, draw: pair(onlyNew: 0.01, onlyOld: 0.01, bothRight: 0.79))
    #expect(together <= delta + slack, "false-pass rate \(together) with n = o = 0.8, N = \(gate.labels.count)")
    // … and apart.
    let apart = try passRate(gate, seed: 7, reads: true, draw: pair(onlyNew: 0.2, onlyOld: 0, bothRight: 0.7))
    #expect(apart <= delta + slack, "false-pass rate \(apart) with n = 0.9, o = 0.7")
    let power = try passRate(gate, seed: 8, reads: true, draw: pair(onlyNew: 0.01, onlyOld: 0.01, bothRight: 0.89))
    #expect(power >= 1 - delta - slack, "pass rate \(power) at c + 2ε")
}

/// An adaptive developer over a whole life of `steps` checks: every candidate is right on each
/// example with probability `accuracy`; each step re-draws a random fifth of the examples of the
/// kept candidate, submits it, and keeps it when it passes. Returns the share of lives with a pass
/// and the checks that were answered (not refused).
private func adaptiveLives(_ gate: SimulatedGate, steps: Int, accuracy: Double, seed: UInt64) throws -> (rate: Double, answered: Int) {
    var generator = SeededGenerator(seed: seed)
    var passed = 0
    var answered = 0
    for _ in 0..<lives {
        let life = try gate.life()
        defer { life.end() }
        var kept = gate.labels.map { _ in generator.uniform() < accuracy }
        var any = false
        for _ in 0..<steps {
            var candidate = kept
            for i in candidate.indices where generator.uniform() < 0.2 { candidate[i] = generator.uniform() < accuracy }
            let outcome = try life.check(right: candidate)
            if outcome.answer == .refused { break }
            answered += 1
            if outcome.answer == .pass {
                any = true
                kept = candidate
            }
        }
        if any { passed += 1 }
    }
    return (Double(passed) / Double(lives), answered)
}

/// `sparse:2` over 6 steps: the adaptive developer at the boundary (accuracy = c) passes in at most
/// δ of the lives; a model at c + 2ε passes its first check with probability ≥ 1 − δ.
@Test func sparseModeThroughTheRealCheck() throws {
    let gate = try SimulatedGate(try settings("n > 0.8 +/- 0.05", adaptivity: .sparse(passes: 2), steps: 6), seed: 9)
    defer { gate.remove() }
    let boundary = try adaptiveLives(gate, steps: 6, accuracy: 0.8, seed: 10)
    #expect(boundary.rate <= delta + slack, "false-pass rate \(boundary.rate) over \(lives) lives, N = \(gate.labels.count)")
    #expect(boundary.answered > lives * 5, "the lives were cut short: \(boundary.answered) answers")
    let power = try passRate(gate, seed: 11, reads: false) { generator in (generator.uniform() < 0.9, false) }
    #expect(power >= 1 - delta - slack, "pass rate \(power) at c + 2ε")
}

/// `ladder:0.05 floor:0.7` over 6 steps (K = 6 passes at most, so the set is planned as `sparse:6`):
/// the adaptive developer at the boundary passes in at most δ of the lives; a model at c + 2ε
/// (above the floor by more than η) passes its first check with probability ≥ 1 − δ.
@Test func ladderModeThroughTheRealCheck() throws {
    let gate = try SimulatedGate(try settings("n > 0.8 +/- 0.05", adaptivity: .ladder(gain: 0.05, floor: 0.7), steps: 6), seed: 12)
    defer { gate.remove() }
    let boundary = try adaptiveLives(gate, steps: 6, accuracy: 0.8, seed: 13)
    #expect(boundary.rate <= delta + slack, "false-pass rate \(boundary.rate) over \(lives) lives, N = \(gate.labels.count)")
    let power = try passRate(gate, seed: 14, reads: false) { generator in (generator.uniform() < 0.9, false) }
    #expect(power >= 1 - delta - slack, "pass rate \(power) at c + 2ε")
    // The ladder's own refusal: after a pass at 0.9, a model no better by η fails however sure the
    // condition is (0.92 clears `n > 0.8` easily but not the bar 0.9 + 0.05).
    var generator = SeededGenerator(seed: 15)
    let life = try gate.life()
    defer { life.end() }
    var first = gate.labels.map { _ in false }
    for i in first.indices where Double(i) < 0.9 * Double(first.count) { first[i] = true }
    #expect(try life.check(right: first).answer == .pass)
    var second = first
    for i in second.indices where !second[i] && generator.uniform() < 0.2 { second[i] = true }
    #expect(try life.check(right: second).answer == .fail)
}
