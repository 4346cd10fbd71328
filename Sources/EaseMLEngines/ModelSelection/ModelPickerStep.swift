/// What ModelPicker decided for one item of the stream, before its label is known.
public struct ModelPickerStep: Sendable, Hashable, Codable {
    /// t ≥ 1, the item's 1-based position in the stream (agreeing items count).
    public var round: Int
    /// Whether the models disagree on the item (only then can a label change the ranking).
    public var isDisagreement: Bool
    /// η_t = √(ln k / (2t)).
    public var learningRate: Double
    /// u_t = γ · max_c ℓ_c (1 − ℓ_c); 0 for an item where all models agree.
    public var uncertainty: Double
    /// p_t = min(1, max(u_t, η_t)) on a disagreement item; exactly 0 when all models agree.
    public var probability: Double

    public init(round: Int, isDisagreement: Bool, learningRate: Double, uncertainty: Double, probability: Double) {
        self.round = round
        self.isDisagreement = isDisagreement
        self.learningRate = learningRate
        self.uncertainty = uncertainty
        self.probability = probability
    }

    /// Whether a uniform coin in `[0, 1)` asks for the label: `coin < p_t`, so p = 1 always asks and
    /// p = 0 never does.
    public func asks(coin: Double) -> Bool { coin < probability }
}
