import EaseMLLedger

/// `easeml-ci ledger migrate --to URL`: the workspace's ledger (a file, or the travelling one after
/// `ledger pull`) copied into another, typically a team ledger on PostgreSQL. Both sides are
/// verified — the source before anything is written (a damaged ledger is not spread), the copy
/// after — and must have the same events and chain head; with the owner's key both are proven
/// authentic. The destination must hold no ledger yet; on any failure it is left as it was.
public enum LedgerMigration {
    public static func run(from source: Ledger, to destination: String, key: SealingKey?) throws(EaseMLCIError) -> ActionReport {
        let before = try EaseMLLedgerVerification.run(source, key: key)
        guard before.clean else {
            throw .ledgerNotTrusted("\(source.path) fails verification, so it is not copied: " + before.problems.prefix(3).joined(separator: "; "))
        }
        let target = try LedgerLocation.open(destination, create: true)
        let copied: [String: Int]
        do { copied = try source.copy(into: target) } catch { throw .ledger(error) }
        let after = try EaseMLLedgerVerification.run(target, key: key)
        guard after.clean, after.events == before.events, after.headHash == before.headHash else {
            throw .ledgerNotTrusted("the copy in \(target.path) does not verify as the original does: " + after.problems.prefix(3).joined(separator: "; "))
        }
        let rows = copied.filter { $0.key != "events" }.values.reduce(0, +)
        return ActionReport(action: "ledger migrate", messages: [
            "Copied \(before.events) events and \(rows) rows from \(source.path) to \(target.path).",
            "Both verify \(after.authenticated ? "as authentic with the owner's key" : "in structure (give the owner's key to prove them authentic)"), chain head \(after.headHash.prefix(16)).",
            "Point the gate at it: `ledger: \(target.path)` in .easeml.yml or EASEML_LEDGER_URL.",
        ])
    }
}
