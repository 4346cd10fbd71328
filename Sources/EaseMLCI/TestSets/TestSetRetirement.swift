import EaseMLLedger

/// `easeml-ci testset retire`: stops a test set from answering further checks.
public enum TestSetRetirement {
    /// Retires the set named by `id` (or a unique prefix) and returns its full id. Only the owner
    /// may: a retired set answers nothing, so a developer who could retire sets could stop the gate.
    public static func retire(_ id: String, reason: String, in ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> String {
        ledger.authenticate(with: key.ledgerKey)
        let set = try GateCheck.selectTestSet(id, in: ledger)
        do { _ = try ledger.retire(id: set.id, reason: reason) } catch { throw .ledger(error) }
        return set.id
    }
}
