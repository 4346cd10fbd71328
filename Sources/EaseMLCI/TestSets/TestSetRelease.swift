import EaseMLLedger
import Foundation

/// `easeml-ci testset release`: once a test set is retired, the owner may hand its labels to the
/// developers (it will answer no more checks, so nothing is left to protect). Recorded in the ledger.
public enum TestSetRelease {
    /// Writes the labels of the retired set `id` to `output` (CSV `id,label`, or one label per line
    /// when the set has no ids) and records the release. Returns the set's full id.
    public static func release(_ id: String, to output: String, in ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> String {
        let set = try GateCheck.selectTestSet(id, in: ledger)
        guard set.isRetired else {
            throw .testSetUnavailable("test set \(set.id.prefix(12)) is still in use; retire it first (`easeml-ci testset retire \(set.id.prefix(12))`), then release it")
        }
        let labels = try SealedLabels.open(testSetID: set.id, ledger: ledger, key: key)
        var text = labels.ids == nil ? "label\n" : "id,label\n"
        for i in 0..<labels.count {
            if let ids = labels.ids { text += csvField(ids.id(at: i)) + "," }
            text += csvField(labels.label(at: i)) + "\n"
        }
        try AtomicFile.write(Data(text.utf8), to: output)
        do { _ = try ledger.markReleased(id: set.id) } catch { throw .ledger(error) }
        return set.id
    }

    private static func csvField(_ value: String) -> String {
        value.contains(",") || value.contains("\"") || value.contains("\n")
            ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
    }
}
