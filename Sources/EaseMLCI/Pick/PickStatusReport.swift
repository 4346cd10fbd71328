import EaseMLEngines
import Foundation

/// `easeml-ci pick status`: ModelPicker's current best and beliefs, the labels used, and the
/// guarantee the certified stopping rule has reached so far.
public struct PickStatusReport: Sendable, Codable {
    public struct Model: Sendable, Codable {
        public var name: String
        /// L̂, ModelPicker's importance-weighted loss estimate.
        public var estimatedLoss: Double
        /// The posterior belief that this model is best (not a guarantee).
        public var belief: Double
    }

    /// The certified stopping rule's state (see `ModelPickerStoppingRule`).
    public struct Guarantee: Sendable, Codable {
        /// `certified`, `exact`, `continuing`, or `none` before its first look.
        public var status: String
        public var model: String?
        public var epsilon: Double
        public var delta: Double
        /// Draws whose labels are known, and the distinct items among them.
        public var draws: Int
        public var labels: Int
        /// The statement a user can rely on, in words.
        public var statement: String
    }

    /// How the labels so far were spent: a label serves whoever asked for its item.
    public struct LabelSplit: Sendable, Codable, Equatable {
        /// Labeled items only ModelPicker's queries asked for.
        public var modelPicker: Int
        /// Labeled items only the stopping rule's draws asked for.
        public var stoppingRule: Int
        /// Labeled items both asked for.
        public var both: Int
    }

    public var session: String
    /// `open` or `stopped`.
    public var status: String
    public var stopReason: String?
    public var chosen: String?
    public var best: [String]
    public var models: [Model]
    public var labelsUsed: Int
    public var labelBudget: Int
    /// The labels by who asked for them: ModelPicker and the stopping rule share `labelBudget`.
    public var labelSplit: LabelSplit
    public var pending: Int
    public var streamPosition: Int
    public var poolSize: Int
    public var disagreementItems: Int
    public var seed: UInt64
    public var gamma: Double
    public var guarantee: Guarantee

    public init(_ session: PickSession) {
        let names = session.modelNames
        let record = session.record
        let beliefs = session.picker.beliefs
        self.session = record.name
        status = record.status.rawValue
        stopReason = record.stopReason
        chosen = record.chosenModel
        best = session.picker.best.map { names[$0] }
        models = names.indices.map { Model(name: names[$0], estimatedLoss: session.picker.state.losses[$0], belief: beliefs[$0]) }
        labelsUsed = session.labels.count
        labelBudget = record.session.labelBudget
        labelSplit = session.labelSplit
        pending = session.pendingItems.count
        streamPosition = record.streamPosition
        poolSize = record.session.itemIDs.count
        disagreementItems = session.disagreementItems.count
        seed = record.session.seed
        gamma = record.session.gamma
        let epsilon = record.session.epsilon, delta = record.session.delta
        let percent = String(format: "%g", 100 * epsilon)
        if let certificate = session.certificate {
            let model = names[certificate.chosen]
            let statement: String
            switch certificate.status {
            case .certified:
                statement = "with probability ≥ \(String(format: "%g", 1 - delta)), \(model)'s accuracy on the \(poolSize) pool items is within \(percent) points of the best candidate's"
            case .exact:
                statement = "every disagreement item is labeled: \(model) is a best model on the pool"
            case .continuing:
                statement = "not certified yet: \(model) leads on the rule's \(certificate.draws) draws, but some rival may still be more than \(percent) points better (at δ = \(String(format: "%g", delta)))"
            }
            guarantee = Guarantee(status: certificate.status.rawValue, model: model, epsilon: epsilon, delta: delta, draws: certificate.draws, labels: certificate.labels, statement: statement)
        } else {
            guarantee = Guarantee(status: "none", model: nil, epsilon: epsilon, delta: delta, draws: 0, labels: 0,
                                  statement: "no guarantee yet: the stopping rule's first look needs more labeled draws")
        }
    }

    public func text() -> String {
        var lines: [String] = []
        lines.append("Session \(session): \(status)\(stopReason.map { " (\($0))" } ?? "")\(chosen.map { ", chose \($0)" } ?? "")")
        lines.append("Labels: \(labelsUsed) of \(labelBudget) used, \(pending) pending; stream at item \(streamPosition) of \(poolSize) (\(disagreementItems) where the models disagree)")
        lines.append("  shared budget: \(labelSplit.modelPicker) for ModelPicker's queries, \(labelSplit.stoppingRule) for the stopping rule's draws, \(labelSplit.both) asked by both (`next` alternates the two)")
        lines.append("Current best: \(best.joined(separator: ", "))")
        var table = TextTable(header: ["model", "belief", "L̂"])
        for model in models { table.rows.append([model.name, String(format: "%.3f", model.belief), String(format: "%.2f", model.estimatedLoss)]) }
        lines.append(table.render())
        lines.append("Guarantee (ε = \(String(format: "%g", guarantee.epsilon)), δ = \(String(format: "%g", guarantee.delta))): \(guarantee.status) — \(guarantee.statement)")
        return lines.joined(separator: "\n")
    }
}
