import EaseMLCore
import Foundation
@testable import EaseMLLedger

func sampleSet(
    id: String = "a1b2c3", steps: Int = 5, adaptivity: Adaptivity = .full, size: Int = 1000, plannedSize: Int = 1000
) -> NewTestSet {
    NewTestSet(
        id: id, name: "holdout-\(id)", size: size, classes: ["cat", "dog"], steps: steps, adaptivity: adaptivity,
        reliability: 0.999, condition: "n - o > 0.02 +/- 0.01", plannedSize: plannedSize,
        sealedLabels: Data([0x00, 0x01, 0xfe, 0xff]), inputsPath: "data/inputs.csv")
}

func request(
    set: String = "a1b2c3", model: String, old: String? = nil, _ verdict: LedgerVerdict,
    accept: Bool = false, branch: String? = nil
) -> ChargeRequest {
    ChargeRequest(
        testSetID: set, newModel: model, oldModel: old, verdict: verdict, sealedMetrics: Data("sealed".utf8),
        commitID: "c0ffee", acceptOnPass: accept, predictions: Data("preds-\(model)".utf8), branch: branch)
}

/// The record of a `.charged` outcome, or nil.
func charged(_ outcome: ChargeOutcome) -> (EvaluationRecord, BudgetState)? {
    if case let .charged(record, budget) = outcome { return (record, budget) }
    return nil
}

func count(_ db: SQLiteDatabase, _ table: String) throws -> Int64 {
    let rows = try db.query("SELECT count(*) AS n FROM \(table)")
    return try rows[0].int64("n")
}

/// A lock-protected array for collecting results from threads.
final class LockedArray<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) {
        lock.lock()
        storage.append(element)
        lock.unlock()
    }

    var values: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// The integration owner's chain key in these tests.
let ownerKey = LedgerKey(ownerKey: Data(repeating: 7, count: 32))

/// The ledger at `path`, opened as the owner (its events MAC'd with `ownerKey`).
func ownerLedger(at path: String, create: Bool) throws -> Ledger {
    let ledger = try Ledger.open(at: path, create: create)
    ledger.authenticate(with: ownerKey)
    return ledger
}
