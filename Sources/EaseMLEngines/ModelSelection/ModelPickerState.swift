/// The whole state of a ModelPicker session, a value that can be saved and restored exactly.
///
/// Invariant: `losses[i] = Σ_{q ∈ queries} [f_i(x_q) ≠ y_q] / p_q` (the importance-weighted
/// cumulative losses L̂); `ModelPicker.replaying` rebuilds it from the queries alone.
public struct ModelPickerState: Sendable, Hashable, Codable {
    /// t: items of the stream consumed so far (agreeing ones included).
    public var items: Int
    /// How many of them were disagreement items.
    public var disagreements: Int
    /// L̂ ∈ ℝᵏ, one importance-weighted loss per model (errors per queried item, divided by p).
    public var losses: [Double]
    /// The answered queries, in the order the labels arrived.
    public var queries: [ModelPickerQuery]

    /// The state before the first item.
    public init(modelCount: Int) {
        items = 0
        disagreements = 0
        losses = [Double](repeating: 0, count: modelCount)
        queries = []
    }

    public init(items: Int, disagreements: Int, losses: [Double], queries: [ModelPickerQuery]) {
        self.items = items
        self.disagreements = disagreements
        self.losses = losses
        self.queries = queries
    }

    /// The number of labels used.
    public var labelsUsed: Int { queries.count }
}
