import EaseMLLedger

/// `easeml-ci ledger verify`'s answer.
public struct EaseMLLedgerVerification: Sendable, Codable {
    public var clean: Bool
    public var events: Int
    public var headHash: String
    /// Whether the owner's key was used: without it only the structure was checked, and a ledger
    /// rewritten with a recomputed chain would look clean.
    public var authenticated: Bool
    /// With the key: the last event the key authenticates (every event before it is authentic too).
    public var lastAuthenticatedEvent: Int64?
    public var problems: [String]

    public init(_ report: VerificationReport) {
        clean = report.isClean
        events = report.eventCount
        headHash = report.headHash
        authenticated = report.authenticated
        lastAuthenticatedEvent = report.lastAuthenticatedSeq
        problems = report.problems.map(\.description)
    }

    public var text: String {
        guard clean else {
            return "Ledger damaged: \(problems.count) problem(s)\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        }
        if authenticated {
            return "Ledger OK and authentic: \(events) events, chain head \(headHash.prefix(16)), every event up to \(lastAuthenticatedEvent ?? 0) vouched for by the owner's key."
        }
        return "Ledger structure OK: \(events) events, chain head \(headHash.prefix(16)). Checked without the owner's key: structure only — a ledger rewritten with a recomputed chain would pass too; verify with the key (EASEML_KEY, --key-file or EASEML_KEY_FILE) to prove it authentic."
    }
}

extension EaseMLLedgerVerification {
    /// Verifies `ledger`: its hash chain and every row against its events, and with `key` that the
    /// owner's key vouches for everything that decides what the gate says.
    public static func run(_ ledger: Ledger, key: SealingKey?) throws(EaseMLCIError) -> EaseMLLedgerVerification {
        do { return EaseMLLedgerVerification(try ledger.verify(key: key?.ledgerKey)) } catch { throw .ledger(error) }
    }
}
