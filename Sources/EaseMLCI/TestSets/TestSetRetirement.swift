import EaseMLLedger

/// `easeml-ci testset retire`: stops a test set from answering further checks.
public enum TestSetRetirement {
    /// Retires the set named by `id` (or a unique prefix) and returns its full id.
    public static func retire(_ id: String, reason: String, in ledger: Ledger) throws(EaseMLCIError) -> String {
        let set = try GateCheck.selectTestSet(id, in: ledger)
        do { _ = try ledger.retire(id: set.id, reason: reason) } catch { throw .ledger(error) }
        return set.id
    }
}
