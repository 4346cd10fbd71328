import Foundation
import Testing
@testable import EaseMLEngines

/// The unit facts of `reference/modelpicker.md`, each checked against the engine.
struct ModelPickerTests {
    @Test func learningRatesMatchTheReference() {
        #expect(abs(ModelPicker.learningRate(round: 1, modelCount: 8) - 1.0197) < 5e-5)
        #expect(abs(ModelPicker.learningRate(round: 2, modelCount: 8) - 0.7210) < 5e-5)
        #expect(abs(ModelPicker.learningRate(round: 100, modelCount: 8) - 0.1020) < 5e-5)
        // Not the public script's η₀/√(t!): at t = 30 the rate is still √(ln 8 / 60).
        #expect(abs(ModelPicker.learningRate(round: 30, modelCount: 8) - (log(8.0) / 60).squareRoot()) < 1e-15)
    }

    @Test func uncertaintyOfTheReferenceSplitsUnderAUniformPosterior() throws {
        let picker = try ModelPicker(modelCount: 8)
        let uniform = [Double](repeating: 1.0 / 8, count: 8)
        #expect(abs(try picker.uncertainty(predictions: [0, 0, 0, 0, 0, 0, 0, 1], posterior: uniform) - 0.109375) < 1e-15)
        #expect(abs(try picker.uncertainty(predictions: [2, 2, 2, 0, 2, 2, 1, 2], posterior: uniform) - 0.1875) < 1e-15)
        #expect(abs(try picker.uncertainty(predictions: [3, 1, 3, 1, 1, 3, 3, 1], posterior: uniform) - 0.25) < 1e-15)
        #expect(try picker.uncertainty(predictions: [1, 1, 1, 1, 1, 1, 1, 1], posterior: uniform) == 0)
        // γ scales u linearly.
        let scaled = try ModelPicker(modelCount: 8, gamma: 3)
        #expect(abs(try scaled.uncertainty(predictions: [0, 0, 0, 0, 0, 0, 0, 1], posterior: uniform) - 3 * 0.109375) < 1e-15)
    }

    @Test func agreeingItemsAreSkippedWithProbabilityZeroButCountInT() throws {
        var picker = try ModelPicker(modelCount: 8)
        let step = try picker.advance(predictions: [Int32](repeating: 2, count: 8))
        #expect(step.probability == 0)
        #expect(!step.isDisagreement)
        #expect(!step.asks(coin: 0))
        #expect(picker.state.items == 1)
        #expect(picker.state.disagreements == 0)
        // A label cannot be given for a skipped item.
        #expect(throws: ModelPickerError.notQueried(round: 1)) {
            try picker.recordLabel(2, for: step, predictions: [Int32](repeating: 2, count: 8))
        }
        // The next disagreement item is round 2, with η₂.
        let next = try picker.nextStep(predictions: [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(next.round == 2)
        #expect(abs(next.probability - ModelPicker.learningRate(round: 2, modelCount: 8)) < 1e-15)
    }

    @Test func theFirstDisagreementIsAlwaysQueried() throws {
        // Any split, even the mildest 7-vs-1 with γ = 0: p₁ = min(1, η₁) = 1 for k = 8.
        for gamma in [0.0, 1, 25] {
            var picker = try ModelPicker(modelCount: 8, gamma: gamma)
            let step = try picker.advance(predictions: [0, 0, 0, 0, 0, 0, 0, 1])
            #expect(step.round == 1)
            #expect(step.isDisagreement)
            #expect(step.probability == 1)
            #expect(step.asks(coin: 0.999_999_999))
            // The second (after no label) uses η₂ with a uniform posterior: max(γ·0.109375, 0.7210).
            let second = try picker.nextStep(predictions: [0, 0, 0, 0, 0, 0, 0, 1])
            #expect(second.round == 2)
            #expect(abs(second.probability - min(1, max(gamma * 0.109375, ModelPicker.learningRate(round: 2, modelCount: 8)))) < 1e-15)
        }
    }

    @Test func queryProbabilityIsTheLargerOfUncertaintyAndRate() throws {
        // With γ = 4 a 4-vs-4 split has u = 1 > η: p = 1 even at late rounds.
        var picker = try ModelPicker(modelCount: 8, gamma: 4)
        for _ in 0..<99 { _ = try picker.advance(predictions: [0, 0, 0, 0, 0, 0, 0, 1]) }
        let split = try picker.nextStep(predictions: [3, 1, 3, 1, 1, 3, 3, 1])
        #expect(split.round == 100)
        #expect(split.probability == 1)
        // γ = 1: u = 0.109375 > η₁₀₀ = 0.102 for a 7/1 split.
        var plain = try ModelPicker(modelCount: 8, gamma: 1)
        for _ in 0..<99 { _ = try plain.advance(predictions: [0, 0, 0, 0, 0, 0, 0, 1]) }
        let late = try plain.nextStep(predictions: [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(abs(late.probability - 0.109375) < 1e-15)
        #expect(abs(late.learningRate - 0.1020) < 5e-5)
    }

    @Test func theUpdateAddsOneOverPToEveryWrongModel() throws {
        var picker = try ModelPicker(modelCount: 8)
        for _ in 0..<3 { _ = try picker.advance(predictions: [0, 0, 0, 0, 0, 0, 0, 1]) }
        let predictions: [Int32] = [0, 1, 1, 2, 0, 0, 1, 3]
        let step = try picker.advance(predictions: predictions)
        #expect(step.round == 4)
        #expect(step.probability == ModelPicker.learningRate(round: 4, modelCount: 8))
        try picker.recordLabel(1, for: step, predictions: predictions)
        let weight = 1 / step.probability
        #expect(weight > 1)
        #expect(picker.state.losses == [weight, 0, 0, weight, weight, weight, 0, weight])
        #expect(picker.best == [1, 2, 6])
        #expect(picker.state.queries == [ModelPickerQuery(round: 4, probability: step.probability, label: 1)])
        #expect(throws: ModelPickerError.alreadyLabeled(round: 4)) {
            try picker.recordLabel(1, for: step, predictions: predictions)
        }
        // The posterior now favours the three right models, equally.
        let beliefs = picker.beliefs
        #expect(abs(beliefs.reduce(0, +) - 1) < 1e-12)
        #expect(beliefs[1] == beliefs[2] && beliefs[2] == beliefs[6])
        #expect(beliefs[1] > beliefs[0])
        let eta = ModelPicker.learningRate(round: 5, modelCount: 8)
        #expect(abs(beliefs[0] / beliefs[1] - exp(-eta * weight)) < 1e-12)
    }

    @Test func lateLabelsUseTheProbabilityFixedWhenTheItemWasReached() throws {
        var picker = try ModelPicker(modelCount: 3, gamma: 1)
        let a: [Int32] = [0, 1, 1]
        let b: [Int32] = [2, 2, 0]
        let first = try picker.advance(predictions: a)
        let second = try picker.advance(predictions: b)
        // Labels arrive in the other order.
        try picker.recordLabel(0, for: second, predictions: b)
        try picker.recordLabel(1, for: first, predictions: a)
        #expect(picker.state.losses[0] == 1 / first.probability + 1 / second.probability)
        #expect(picker.state.losses[1] == 1 / second.probability)
        #expect(picker.state.losses[2] == 0)
        #expect(picker.best == [2])
    }

    @Test func invalidInputIsRefused() throws {
        #expect(throws: ModelPickerError.tooFewModels(1)) { try ModelPicker(modelCount: 1) }
        #expect(throws: ModelPickerError.invalidGamma(-1)) { try ModelPicker(modelCount: 2, gamma: -1) }
        #expect(throws: ModelPickerError.invalidGamma(.infinity)) { try ModelPicker(modelCount: 2, gamma: .infinity) }
        var picker = try ModelPicker(modelCount: 3)
        #expect(throws: ModelPickerError.predictionCount(expected: 3, found: 2)) { try picker.advance(predictions: [0, 1]) }
        let future = ModelPickerStep(round: 5, isDisagreement: true, learningRate: 0.1, uncertainty: 0, probability: 0.5)
        #expect(throws: ModelPickerError.notQueried(round: 5)) { try picker.recordLabel(0, for: future, predictions: [0, 1, 1]) }
    }

    @Test func aSessionReplayedFromItsQueryLogHasTheSameState() throws {
        var rng = SeededRandomGenerator(seed: 7)
        let stream: [[Int32]] = (0..<300).map { _ in (0..<5).map { _ in Int32(rng.below(3) == 0 ? rng.below(3) : 0) } }
        let truth: [Int32] = (0..<300).map { _ in Int32(rng.below(2)) }
        var picker = try ModelPicker(modelCount: 5, gamma: 1.5)
        for (i, item) in stream.enumerated() {
            try picker.observe(predictions: item, coin: SeededRandomGenerator.uniform(seed: 11, index: UInt64(i))) { truth[i] }
        }
        #expect(picker.state.labelsUsed > 10)
        #expect(picker.state.labelsUsed < picker.state.disagreements)
        #expect(picker.state.disagreements < picker.state.items)
        let replayed = try ModelPicker.replaying(
            modelCount: 5, gamma: 1.5, items: picker.state.items, disagreements: picker.state.disagreements,
            queries: picker.state.queries, predictions: { stream[$0 - 1] })
        #expect(replayed == picker)
        // Restoring the saved state (e.g. from JSON) continues identically.
        let saved = try JSONEncoder().encode(picker.state)
        var resumed = try ModelPicker(modelCount: 5, gamma: 1.5, state: JSONDecoder().decode(ModelPickerState.self, from: saved))
        var original = picker
        let extra: [Int32] = [0, 1, 2, 0, 1]
        let a = try original.observe(predictions: extra, coin: 0.01) { 1 }
        let b = try resumed.observe(predictions: extra, coin: 0.01) { 1 }
        #expect(a.step == b.step)
        #expect(original == resumed)
    }

    @Test func theLossEstimateIsUnbiased() throws {
        // Over many seeded runs, mean L̂_i equals the true number of errors on the disagreement items.
        var rng = SeededRandomGenerator(seed: 3)
        let stream: [[Int32]] = (0..<60).map { _ in (0..<4).map { _ in Int32(rng.below(3)) } }
        let truth: [Int32] = (0..<60).map { _ in Int32(rng.below(3)) }
        var errors = [Double](repeating: 0, count: 4)
        for (item, label) in zip(stream, truth) where Set(item).count > 1 {
            for i in 0..<4 where item[i] != label { errors[i] += 1 }
        }
        var mean = [Double](repeating: 0, count: 4)
        let runs = 4000
        for _ in 0..<runs {
            var picker = try ModelPicker(modelCount: 4, gamma: 0.5)
            for (i, item) in stream.enumerated() { try picker.observe(predictions: item, coin: rng.uniform()) { truth[i] } }
            for i in 0..<4 { mean[i] += picker.state.losses[i] / Double(runs) }
        }
        for i in 0..<4 {
            // The 1/p weights are at most 1/η₆₀ ≈ 8.8; the standard error of the mean is < 0.4.
            #expect(abs(mean[i] - errors[i]) < 1.5, "model \(i): \(mean[i]) vs \(errors[i])")
        }
    }
}
