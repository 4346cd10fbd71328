/// The result of `Ledger.verify()`.
public struct VerificationReport: Sendable, Equatable {
    /// One thing wrong with the ledger.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// `seq` jumps from `expected` to `found`: events were deleted.
        case gap(expected: Int64, found: Int64)
        /// The event's `prev_hash` is not the previous event's hash: reordered or deleted events.
        case brokenLink(seq: Int64)
        /// The event's stored hash does not match its content: the event was edited.
        case editedEvent(seq: Int64)
        /// The log ends at `lastSeq` but events up to `highestSeq` were once written: the newest
        /// events were deleted.
        case truncated(lastSeq: Int64, highestSeq: Int64)
        /// An evaluation row without a matching `charge` event.
        case missingChargeEvent(evaluationID: Int64)
        /// An evaluation row whose content differs from its `charge` event.
        case evaluationMismatch(evaluationID: Int64)
        /// A `charge` event whose evaluation row is gone.
        case missingEvaluation(evaluationID: Int64, seq: Int64)

        /// The event where the problem was found, if it is about one event.
        public var seq: Int64? {
            switch self {
            case let .gap(_, found): return found
            case let .brokenLink(seq), let .editedEvent(seq), let .missingEvaluation(_, seq): return seq
            case let .truncated(lastSeq, _): return lastSeq + 1
            case .missingChargeEvent, .evaluationMismatch: return nil
            }
        }

        public var description: String {
            switch self {
            case let .gap(expected, found): return "event \(expected) is missing (next is \(found)): events were deleted"
            case let .brokenLink(seq): return "event \(seq) does not link to the event before it: events were reordered or deleted"
            case let .editedEvent(seq): return "event \(seq) does not match its hash: it was edited"
            case let .truncated(lastSeq, highestSeq): return "the log ends at event \(lastSeq) but reached \(highestSeq): the newest events were deleted"
            case let .missingChargeEvent(id): return "evaluation \(id) has no charge event"
            case let .evaluationMismatch(id): return "evaluation \(id) differs from its charge event: it was edited"
            case let .missingEvaluation(id, seq): return "charge event \(seq) refers to evaluation \(id), which is missing"
            }
        }
    }

    /// Number of events checked.
    public var eventCount: Int
    /// The hash of the last event (the chain's head), or the genesis hash for an empty log.
    public var headHash: String
    /// Every problem found, chain problems first in seq order.
    public var problems: [Problem]

    /// No problem found.
    public var isClean: Bool { problems.isEmpty }
    /// The first event seq at which the chain is bad, if any.
    public var firstBadSeq: Int64? { problems.lazy.compactMap(\.seq).first }
}
