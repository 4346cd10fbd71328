import EaseMLLedger

/// `easeml-ci ledger verify`'s answer.
public struct EaseMLLedgerVerification: Sendable, Codable {
    public var clean: Bool
    public var events: Int
    public var headHash: String
    public var problems: [String]

    public init(_ report: VerificationReport) {
        clean = report.isClean
        events = report.eventCount
        headHash = report.headHash
        problems = report.problems.map(\.description)
    }

    public var text: String {
        clean ? "Ledger OK: \(events) events, chain head \(headHash.prefix(16))."
            : "Ledger damaged: \(problems.count) problem(s)\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension EaseMLLedgerVerification {
    /// Verifies `ledger`'s hash chain and its evaluations against their charge events.
    public static func run(_ ledger: Ledger) throws(EaseMLCIError) -> EaseMLLedgerVerification {
        do { return EaseMLLedgerVerification(try ledger.verify()) } catch { throw .ledger(error) }
    }
}
