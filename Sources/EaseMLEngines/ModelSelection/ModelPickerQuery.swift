/// One answered query of a ModelPicker session: enough to resume, audit and replay it.
///
/// `round` is t (the 1-based position of the item in the stream, agreeing items included),
/// `probability` the p_t the item was queried with and `label` the class code y_t the labeler gave.
/// The item's contribution to the loss estimates is `[f_i(x_t) ≠ y_t] / p_t`.
public struct ModelPickerQuery: Sendable, Hashable, Codable {
    /// t ≥ 1: the item was the t-th item of the stream (0-based position t − 1).
    public var round: Int
    /// p_t ∈ (0, 1].
    public var probability: Double
    /// y_t, a class code in the same coding as the predictions.
    public var label: Int32

    public init(round: Int, probability: Double, label: Int32) {
        self.round = round
        self.probability = probability
        self.label = label
    }
}
