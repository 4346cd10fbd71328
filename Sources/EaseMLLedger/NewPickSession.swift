import Foundation

/// Everything fixed when a ModelPicker session starts (schema version 2, `pick_sessions`).
public struct NewPickSession: Sendable, Equatable {
    /// One candidate model: its name, the SHA-256 of its prediction file, and its predicted class
    /// code per pool item (indices into `classes`, aligned with `itemIDs`).
    public struct Candidate: Sendable, Equatable {
        public var name: String
        public var fileHash: String
        public var predictions: [Int32]

        public init(name: String, fileHash: String, predictions: [Int32]) {
            self.name = name
            self.fileHash = fileHash
            self.predictions = predictions
        }
    }

    /// The session's unique name.
    public var name: String
    /// The seed of the stream order, the query coins and the certificate's draws.
    public var seed: UInt64
    /// γ, the scale of ModelPicker's u_t.
    public var gamma: Double
    /// ε and δ of the certified stopping rule.
    public var epsilon: Double
    public var delta: Double
    /// The most labels the session may ask for.
    public var labelBudget: Int
    /// The class names the prediction codes index.
    public var classes: [String]
    /// The pool's item ids, in pool order.
    public var itemIDs: [String]
    /// An optional file whose columns are shown to the labeler.
    public var inputsPath: String?
    public var candidates: [Candidate]

    public init(
        name: String, seed: UInt64, gamma: Double, epsilon: Double, delta: Double, labelBudget: Int, classes: [String],
        itemIDs: [String], inputsPath: String?, candidates: [Candidate]
    ) {
        self.name = name
        self.seed = seed
        self.gamma = gamma
        self.epsilon = epsilon
        self.delta = delta
        self.labelBudget = labelBudget
        self.classes = classes
        self.itemIDs = itemIDs
        self.inputsPath = inputsPath
        self.candidates = candidates
    }
}
