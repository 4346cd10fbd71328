#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ModelPicker: online active model selection (Karimi, Gürel, Karlaš, Rausch, Zhang, Krause,
/// AISTATS 2021), as specified in `reference/modelpicker.md`.
///
/// k pre-trained classifiers are known only by their predicted classes on a stream of items. For
/// item t = 1, 2, … of the stream:
///
/// 1. η_t = √(ln k / (2t)) (k = 8: η₁ = 1.0197, η₂ = 0.7210, η₁₀₀ = 0.1020);
/// 2. posterior w_i ∝ exp(−η_t (L̂_i − min_j L̂_j));
/// 3. if all k models predict the same class the item is skipped (p_t = 0: no label could change
///    the ranking); it still counts in t;
/// 4. else ℓ_c = Σ_i w_i [f_i(x_t) ≠ c] and u_t = γ · max_c ℓ_c (1 − ℓ_c);
/// 5. p_t = min(1, max(u_t, η_t)) (so p₁ = 1 for k ≥ 8: η₁ ≥ 1 once ln k ≥ 2);
/// 6. with probability p_t the label y_t is asked and L̂_i += [f_i(x_t) ≠ y_t] / p_t, an unbiased
///    estimate of each model's number of errors on the disagreement items seen.
///
/// t counts every item, agreeing ones included: that is what reproduces the reference's mean
/// labels per γ(B) on EmoContext (27.9 against 27.7 at B = 30, 147.9 against 148.5 at B = 150;
/// counting only disagreement items gives 32.3 and 130.8).
///
/// The answer at any time is `best` (argmin L̂, all exact ties) with `beliefs` (the posterior) as
/// the belief that each model is best. The posterior is **not** a frequentist guarantee; see
/// `ModelPickerStoppingRule` for one.
///
/// Labels may arrive late (batch mode): `advance` fixes p_t from the state at that moment and
/// `recordLabel` applies the 1/p_t update whenever the label comes. Because p_t is fixed before
/// y_t is seen, every update stays unbiased; with one label at a time this is exactly the paper's
/// algorithm. Value type; all state is in `state`, which can be saved and restored.
public struct ModelPicker: Sendable, Hashable, Codable {
    /// k ≥ 2.
    public let modelCount: Int
    /// γ ≥ 0, the scale of u_t (γ = 1 is the plain algorithm; the paper tunes γ to a label budget).
    public let gamma: Double
    /// Everything learned so far.
    public private(set) var state: ModelPickerState

    /// A new session over `modelCount` models.
    public init(modelCount: Int, gamma: Double = 1) throws(ModelPickerError) {
        guard modelCount >= 2 else { throw .tooFewModels(modelCount) }
        guard gamma.isFinite, gamma >= 0 else { throw .invalidGamma(gamma) }
        self.modelCount = modelCount
        self.gamma = gamma
        state = ModelPickerState(modelCount: modelCount)
    }

    /// Resumes a saved session; the state is checked for shape (not re-derived: see `replaying`).
    public init(modelCount: Int, gamma: Double, state: ModelPickerState) throws(ModelPickerError) {
        try self.init(modelCount: modelCount, gamma: gamma)
        guard state.losses.count == modelCount else {
            throw .inconsistentState("\(state.losses.count) losses for \(modelCount) models")
        }
        guard state.items >= state.disagreements, state.disagreements >= 0 else {
            throw .inconsistentState("\(state.disagreements) disagreements in \(state.items) items")
        }
        var labeled = Set<Int>()
        for query in state.queries {
            guard query.round >= 1, query.round <= state.items else { throw .notQueried(round: query.round) }
            guard query.probability > 0, query.probability <= 1 else {
                throw .invalidProbability(round: query.round, probability: query.probability)
            }
            guard labeled.insert(query.round).inserted else { throw .alreadyLabeled(round: query.round) }
        }
        self.state = state
    }

    /// Rebuilds a session from its recorded queries alone: L̂ is recomputed from (t, p_t, y_t) and
    /// the predictions of each queried item (`predictions(t)`), so an audit can check a saved state
    /// and a resumed session needs to trust nothing but the query log.
    public static func replaying(
        modelCount: Int, gamma: Double, items: Int, disagreements: Int, queries: [ModelPickerQuery],
        predictions: (Int) -> [Int32]
    ) throws(ModelPickerError) -> ModelPicker {
        var picker = try ModelPicker(
            modelCount: modelCount, gamma: gamma,
            state: ModelPickerState(items: items, disagreements: disagreements, losses: [Double](repeating: 0, count: modelCount), queries: []))
        for query in queries {
            let step = ModelPickerStep(round: query.round, isDisagreement: true, learningRate: 0, uncertainty: 0, probability: query.probability)
            try picker.recordLabel(query.label, for: step, predictions: predictions(query.round))
        }
        return picker
    }

    // MARK: The formulas

    /// η_t = √(ln k / (2t)) for t ≥ 1.
    public static func learningRate(round t: Int, modelCount k: Int) -> Double {
        precondition(t >= 1 && k >= 1, "η_t needs t ≥ 1")
        return (log(Double(k)) / (2 * Double(t))).squareRoot()
    }

    /// The posterior w ∝ exp(−η_t (L̂ − min L̂)) at round t (sums to 1).
    public func posterior(round t: Int) -> [Double] {
        var weights = [Double](repeating: 0, count: modelCount)
        let eta = ModelPicker.learningRate(round: t, modelCount: modelCount)
        state.losses.withUnsafeBufferPointer { losses in
            weights.withUnsafeMutableBufferPointer { w in ModelPicker.posterior(losses: losses, eta: eta, into: w) }
        }
        return weights
    }

    /// The belief that each model is best: the posterior the next item would use (round t + 1).
    public var beliefs: [Double] { posterior(round: state.items + 1) }

    /// The current answer: every model with the smallest L̂ (several only on an exact tie; all k
    /// before the first label).
    public var best: [Int] { ModelPicker.argmin(state.losses) }

    /// u = γ · max_c ℓ_c (1 − ℓ_c) for one item's predictions under `posterior`.
    public func uncertainty(predictions: [Int32], posterior: [Double]) throws(ModelPickerError) -> Double {
        try check(predictions)
        precondition(posterior.count == modelCount, "one posterior weight per model")
        return predictions.withUnsafeBufferPointer { f in
            posterior.withUnsafeBufferPointer { w in gamma * ModelPicker.maxVariance(predictions: f, weights: w) }
        }
    }

    // MARK: The stream

    /// What the next item of the stream would get, without consuming it.
    public func nextStep(predictions: [Int32]) throws(ModelPickerError) -> ModelPickerStep {
        try check(predictions)
        let t = state.items + 1
        let eta = ModelPicker.learningRate(round: t, modelCount: modelCount)
        let agree = predictions.withUnsafeBufferPointer { ModelPicker.allAgree($0) }
        if agree { return ModelPickerStep(round: t, isDisagreement: false, learningRate: eta, uncertainty: 0, probability: 0) }
        let u = try uncertainty(predictions: predictions, posterior: posterior(round: t))
        return ModelPickerStep(round: t, isDisagreement: true, learningRate: eta, uncertainty: u, probability: min(1, max(u, eta)))
    }

    /// Consumes the next item: fixes its round t and query probability p_t from the current state.
    /// The caller asks for the label when `step.asks(coin:)` with a fresh uniform coin, and passes it
    /// to `recordLabel` (now or later).
    public mutating func advance(predictions: [Int32]) throws(ModelPickerError) -> ModelPickerStep {
        let step = try nextStep(predictions: predictions)
        state.items += 1
        if step.isDisagreement { state.disagreements += 1 }
        return step
    }

    /// Applies the label y_t of a queried item: L̂_i += [f_i(x_t) ≠ y_t] / p_t, and records (t, p_t, y_t).
    public mutating func recordLabel(_ label: Int32, for step: ModelPickerStep, predictions: [Int32]) throws(ModelPickerError) {
        try check(predictions)
        guard step.round >= 1, step.round <= state.items else { throw .notQueried(round: step.round) }
        guard step.probability.isFinite, step.probability > 0, step.probability <= 1 else {
            if step.probability == 0 { throw .notQueried(round: step.round) }
            throw .invalidProbability(round: step.round, probability: step.probability)
        }
        if state.queries.contains(where: { $0.round == step.round }) { throw .alreadyLabeled(round: step.round) }
        let weight = 1 / step.probability
        for i in 0..<modelCount where predictions[i] != label { state.losses[i] += weight }
        state.queries.append(ModelPickerQuery(round: step.round, probability: step.probability, label: label))
    }

    /// The sequential algorithm on one item: advance, flip `coin` (uniform in [0, 1)), and if it asks,
    /// read the label from `label()` and update. Returns the step and whether a label was used.
    @discardableResult
    public mutating func observe(predictions: [Int32], coin: Double, label: () -> Int32) throws(ModelPickerError) -> (step: ModelPickerStep, queried: Bool) {
        let step = try advance(predictions: predictions)
        guard step.asks(coin: coin) else { return (step, false) }
        try recordLabel(label(), for: step, predictions: predictions)
        return (step, true)
    }

    private func check(_ predictions: [Int32]) throws(ModelPickerError) {
        guard predictions.count == modelCount else { throw .predictionCount(expected: modelCount, found: predictions.count) }
    }

    // MARK: Kernels shared with the simulation (no allocation, no bounds checks)

    /// Whether every prediction is the same class.
    @inline(__always)
    static func allAgree(_ f: UnsafeBufferPointer<Int32>) -> Bool {
        let first = f[0]
        var i = 1
        while i < f.count {
            if f[i] != first { return false }
            i += 1
        }
        return true
    }

    /// Writes w ∝ exp(−η (L̂ − min L̂)), normalised, into `w`.
    @inline(__always)
    static func posterior(losses: UnsafeBufferPointer<Double>, eta: Double, into w: UnsafeMutableBufferPointer<Double>) {
        let k = losses.count
        var minimum = losses[0]
        var i = 1
        while i < k {
            if losses[i] < minimum { minimum = losses[i] }
            i += 1
        }
        var total = 0.0
        i = 0
        while i < k {
            let value = exp(-eta * (losses[i] - minimum))
            w[i] = value
            total += value
            i += 1
        }
        i = 0
        while i < k {
            w[i] /= total
            i += 1
        }
    }

    /// max_c ℓ_c (1 − ℓ_c) with ℓ_c = 1 − (posterior mass of the models predicting c). Classes
    /// nobody predicts have ℓ_c = 1 and contribute 0, so only predicted classes are visited.
    @inline(__always)
    static func maxVariance(predictions f: UnsafeBufferPointer<Int32>, weights w: UnsafeBufferPointer<Double>) -> Double {
        let k = f.count
        var best = 0.0
        var i = 0
        while i < k {
            let c = f[i]
            var seen = false
            var j = 0
            while j < i {
                if f[j] == c { seen = true; break }
                j += 1
            }
            if !seen {
                var mass = w[i]
                j = i + 1
                while j < k {
                    if f[j] == c { mass += w[j] }
                    j += 1
                }
                let value = mass * (1 - mass)
                if value > best { best = value }
            }
            i += 1
        }
        return best
    }

    /// All indices of the smallest value.
    static func argmin(_ values: [Double]) -> [Int] {
        guard let minimum = values.min() else { return [] }
        return values.indices.filter { values[$0] == minimum }
    }
}
