/// What `Ledger.verify()` found. Problems are listed in the order they were found.
public struct VerificationReport: Sendable, Equatable {
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// The seq numbers jump: events were deleted.
        case gap(expected: Int64, found: Int64)
        /// An event's `prev_hash` is not the previous event's hash.
        case brokenLink(seq: Int64)
        /// An event's content does not match its hash.
        case editedEvent(seq: Int64)
        /// The log ends before the highest seq SQLite issued: the newest events were deleted.
        case truncated(lastSeq: Int64, highestSeq: Int64)
        /// An event's MAC is not the owner's key's (with the key only).
        case forgedEvent(seq: Int64)
        /// An event that decides what the gate says carries no MAC (with the key only).
        case unauthenticatedEvent(seq: Int64, kind: String)
        /// A row differs from the digest the event `seq` vouched for: it was edited.
        case rowEdited(row: String, seq: Int64)
        /// A row no event vouches for: it was forged or inserted by hand.
        case rowWithoutEvent(row: String)
        /// Event `seq` vouches for a row that is gone: it was deleted.
        case rowMissing(row: String, seq: Int64)
        /// A row of the gate's tables is vouched for only by events the key does not authenticate.
        case unauthenticatedRow(row: String, seq: Int64)

        /// The event at fault, when there is one.
        public var seq: Int64? {
            switch self {
            case let .gap(_, found): return found
            case let .brokenLink(seq), let .editedEvent(seq), let .forgedEvent(seq), let .unauthenticatedEvent(seq, _): return seq
            case let .truncated(lastSeq, _): return lastSeq + 1
            case let .rowEdited(_, seq), let .rowMissing(_, seq), let .unauthenticatedRow(_, seq): return seq
            case .rowWithoutEvent: return nil
            }
        }

        public var description: String {
            switch self {
            case let .gap(expected, found): return "event \(expected) is missing (next is \(found)): events were deleted"
            case let .brokenLink(seq): return "event \(seq) does not link to the event before it: events were reordered or deleted"
            case let .editedEvent(seq): return "event \(seq) does not match its hash: it was edited"
            case let .truncated(lastSeq, highestSeq): return "the log ends at event \(lastSeq) but reached \(highestSeq): the newest events were deleted"
            case let .forgedEvent(seq): return "event \(seq) carries a MAC the owner's key did not make: the log was rewritten"
            case let .unauthenticatedEvent(seq, kind): return "event \(seq) (\(kind)) decides what the gate says but carries no MAC: it was written without the owner's key"
            case let .rowEdited(row, seq): return "\(row) differs from what event \(seq) recorded: it was edited"
            case let .rowWithoutEvent(row): return "\(row) is vouched for by no event: it was inserted by hand"
            case let .rowMissing(row, seq): return "\(row), recorded by event \(seq), is missing: it was deleted"
            case let .unauthenticatedRow(row, seq): return "\(row) is vouched for only by event \(seq), which the owner's key does not authenticate"
            }
        }
    }

    public var eventCount: Int
    /// The hash of the last event (64 zeros for an empty log).
    public var headHash: String
    /// Whether the owner's key was used: without it only the structure was checked (a rewrite
    /// with a recomputed chain cannot be told from the real one).
    public var authenticated: Bool
    /// With the key: the last event whose MAC the key made (0 when none).
    public var lastAuthenticatedSeq: Int64?
    public var problems: [Problem]

    public var isClean: Bool { problems.isEmpty }
    /// The seq of the first problem that names one.
    public var firstBadSeq: Int64? { problems.lazy.compactMap(\.seq).first }
}
