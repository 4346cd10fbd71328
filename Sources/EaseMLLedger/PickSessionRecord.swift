import Foundation

/// A stored ModelPicker session: its fixed description, how far it got, and how it ended.
public struct PickSessionRecord: Sendable, Equatable {
    /// Open sessions take labels; stopped ones have chosen a model.
    public enum Status: String, Sendable, Equatable {
        case open, stopped
    }

    public var session: NewPickSession
    public var createdAt: Date
    /// t: items of the stream ModelPicker has consumed.
    public var streamPosition: Int
    /// Draws made for the certified stopping rule.
    public var draws: Int
    public var status: Status
    /// Why it stopped (`certified`, `exact`, `budget`, `exhausted`, `chosen`), when stopped.
    public var stopReason: String?
    /// The chosen model's name, when stopped.
    public var chosenModel: String?
    public var closedAt: Date?

    public var name: String { session.name }
}

/// One row of a session's query log: item `item` was the `round`-th of the stream and was
/// queried with probability `probability`. Its label, if received, is in `pick_labels`.
public struct PickQueryRecord: Sendable, Equatable, Hashable {
    public var round: Int
    public var item: Int
    public var probability: Double

    public init(round: Int, item: Int, probability: Double) {
        self.round = round
        self.item = item
        self.probability = probability
    }
}

/// A label received for a pool item; `seq` is its arrival order (from 1).
public struct PickLabelRecord: Sendable, Equatable, Hashable {
    public var item: Int
    public var label: String
    public var seq: Int

    public init(item: Int, label: String, seq: Int) {
        self.item = item
        self.label = label
        self.seq = seq
    }
}

/// A model chosen to serve from now on, and which session chose it.
public struct PickChoice: Sendable, Equatable {
    public var session: String
    public var model: String
    public var fileHash: String
    public var reason: String
    public var chosenAt: Date
}
