/// Features of `rows` examples together with their class labels.
///
/// Labels are dense class codes `0..<classNames.count`, assigned in order of first appearance;
/// `classNames[code]` is the label's text as it was read.
public struct LabeledMatrix: Sendable, Equatable {
    /// One row per example.
    public var features: Matrix
    /// One class code per row of `features`.
    public var labels: [Int]
    /// The label text of each class code.
    public var classNames: [String]

    public init(features: Matrix, labels: [Int], classNames: [String]) {
        precondition(features.rows == labels.count, "LabeledMatrix: \(features.rows) rows, \(labels.count) labels")
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classNames.count }, "LabeledMatrix: label code out of range")
        self.features = features
        self.labels = labels
        self.classNames = classNames
    }

    /// Interns label texts into dense codes in order of first appearance.
    public init(features: Matrix, labelTexts: [String]) {
        var codes: [String: Int] = [:]
        var names: [String] = []
        let labels = labelTexts.map { text -> Int in
            if let code = codes[text] { return code }
            codes[text] = names.count
            names.append(text)
            return names.count - 1
        }
        self.init(features: features, labels: labels, classNames: names)
    }

    /// The number of distinct classes.
    public var classCount: Int { classNames.count }

    /// The examples at `indices`, in that order.
    public func selectingRows(_ indices: [Int]) -> LabeledMatrix {
        LabeledMatrix(features: features.selectingRows(indices), labels: indices.map { labels[$0] }, classNames: classNames)
    }
}
