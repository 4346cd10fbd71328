/// The pass/fail answer of one evaluation, as stored in the ledger.
public enum LedgerVerdict: String, Sendable, Hashable, Codable {
    case pass
    case fail
    /// Kept from developers (adaptivity `none`): the real verdict is only in the sealed metrics.
    case hidden

    /// `.pass` when `passed`, else `.fail`.
    public init(passed: Bool) { self = passed ? .pass : .fail }

    /// Whether this is `.pass`.
    public var passed: Bool { self == .pass }
}
