import EaseMLData
import EaseMLLedger
import Foundation

/// `easeml-ci testset release`: once a test set is retired, the owner may hand its labels to the
/// developers (it will answer no more checks, so nothing is left to protect). Recorded in the ledger.
public enum TestSetRelease {
    /// Writes the labels of the retired set `id` to `output` (CSV `id,label`, or one label per line
    /// when the set has no ids; `CSVWriter`) and records the release. Returns the set's full id.
    public static func release(_ id: String, to output: String, in ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> String {
        ledger.authenticate(with: key.ledgerKey)
        let set = try GateCheck.selectTestSet(id, in: ledger)
        guard set.isRetired else {
            throw .testSetUnavailable("test set \(set.id.prefix(12)) is still in use; retire it first (`easeml-ci testset retire \(set.id.prefix(12))`), then release it")
        }
        let labels = try SealedLabels.open(testSetID: set.id, ledger: ledger, key: key)
        var text = CSVWriter.line(labels.ids == nil ? ["label"] : ["id", "label"])
        for i in 0..<labels.count {
            text += CSVWriter.line((labels.ids.map { [$0.id(at: i)] } ?? []) + [labels.label(at: i)])
        }
        try AtomicFile.write(Data(text.utf8), to: output)
        do { _ = try ledger.markReleased(id: set.id) } catch { throw .ledger(error) }
        return set.id
    }
}
