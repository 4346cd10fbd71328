import EaseMLCore
import Foundation

/// A test set to register: everything the ledger records about it.
///
/// `id` is the content hash (hex) of inputs and labels, computed by the caller. `sealedLabels`
/// (chunk 0) and the further chunks `Ledger.registerTestSet` asks for are opaque to the ledger (the
/// caller encrypts them); it stores them in `test_set_labels`, returns them unchanged and never
/// logs them.
public struct NewTestSet: Sendable, Equatable {
    public var id: String
    public var name: String
    /// Number of examples.
    public var size: Int
    /// The label classes, in order.
    public var classes: [String]
    /// H: the number of evaluations the set is provisioned for.
    public var steps: Int
    public var adaptivity: Adaptivity
    /// 1 − δ the set was planned for.
    public var reliability: Double
    /// The condition text the set was planned for.
    public var condition: String
    /// The size the plan asked for. A set smaller than this is recorded as `forced`.
    public var plannedSize: Int
    public var sealedLabels: Data
    /// Where the (unsealed) inputs live, if anywhere.
    public var inputsPath: String?
    /// The whole question the owner registered the set for, as canonical JSON (condition,
    /// reliability, mode, adaptivity, steps, variance bound, model paths); opaque to the ledger.
    public var question: String
    /// SHA-256 of `question` (part of every evaluation's replay key).
    public var questionDigest: String

    public init(
        id: String, name: String, size: Int, classes: [String], steps: Int, adaptivity: Adaptivity,
        reliability: Double, condition: String, plannedSize: Int, sealedLabels: Data, inputsPath: String? = nil,
        question: String = "", questionDigest: String = ""
    ) {
        self.question = question
        self.questionDigest = questionDigest
        self.id = id
        self.name = name
        self.size = size
        self.classes = classes
        self.steps = steps
        self.adaptivity = adaptivity
        self.reliability = reliability
        self.condition = condition
        self.plannedSize = plannedSize
        self.sealedLabels = sealedLabels
        self.inputsPath = inputsPath
    }
}
