/// A label budget B and the query scale γ(B) that makes ModelPicker use about B labels.
public struct ModelPickerBudget: Sendable, Hashable, Codable {
    /// B, the intended number of labels.
    public var labels: Int
    /// γ(B), the scale of u_t.
    public var gamma: Double
    /// True: ModelPicker stops after `labels` labels and answers then (the protocol of the paper's
    /// figures); false: it runs over the whole stream with γ(B), using about `labels` labels.
    public var stopsAtLabels: Bool

    public init(labels: Int, gamma: Double, stopsAtLabels: Bool = false) {
        self.labels = labels
        self.gamma = gamma
        self.stopsAtLabels = stopsAtLabels
    }

    /// The authors' γ(B) for a 1,000-item EmoContext stream (`reference/modelpicker.md`), B = 30 … 170.
    public static let emoContextPaper: [ModelPickerBudget] = [
        .init(labels: 30, gamma: 1.07), .init(labels: 50, gamma: 1.913), .init(labels: 70, gamma: 2.78),
        .init(labels: 90, gamma: 3.421), .init(labels: 110, gamma: 4.389), .init(labels: 130, gamma: 6.118),
        .init(labels: 150, gamma: 8.889), .init(labels: 170, gamma: 25.09),
    ]
}
