import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

/// The lineage of the process (schema 7): runs read back as recorded, rows are append-only, and a
/// run edited, forged or deleted around the ledger is reported by `verify`.
@Suite struct LedgerLineageTests {
    private func artifacts(_ path: String, _ role: String, _ hash: String) -> [LineageRunRecord.Artifact] {
        [LineageRunRecord.Artifact(path: path, role: role, hash: hash)]
    }

    @Test func runsReadBackInOrderAndNeedNoKey() throws {
        try withTemporaryDirectory { dir in
            let ledger = try Ledger.open(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            let first = try ledger.recordLineageRun(
                step: "feasibility", command: "feasibility --data d.csv", inputs: artifacts("d.csv", "training", "aa"), outputs: [],
                decision: "feasible: accuracy ceiling 0.95")
            let second = try ledger.recordLineageRun(
                step: "automl", command: "automl run", inputs: artifacts("d.csv", "training", "aa"), outputs: artifacts("m.pkl", "model", "bb"),
                decision: "run r1: 4 trials")
            #expect(first.id == 1 && second.id == 2)
            let runs = try ledger.lineageRuns()
            #expect(runs == [first, second])
            #expect(runs[1].outputs == [LineageRunRecord.Artifact(path: "m.pkl", role: "model", hash: "bb")])
            #expect(try ledger.verify().problems.isEmpty)
            #expect(try ledger.events().suffix(2).map(\.kind) == ["lineage", "lineage"])
            #expect(throws: LedgerError.self) {
                try ledger.recordLineageRun(step: "", command: "x", inputs: [], outputs: [], decision: "")
            }
        }
    }

    @Test func runsAreAppendOnlyAndEditsAroundTheLedgerAreReported() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("l.sqlite").path
            let ledger = try Ledger.open(at: path, create: true)
            try ledger.recordLineageRun(step: "feasibility", command: "feasibility", inputs: artifacts("d.csv", "training", "aa"), outputs: [], decision: "infeasible: ceiling 0.8")
            let raw = try SQLiteDatabase(path: path)
            #expect(throws: LedgerError.self) { try raw.execute("UPDATE lineage_runs SET decision = 'feasible' WHERE id = 1") }
            #expect(throws: LedgerError.self) { try raw.execute("DELETE FROM lineage_runs WHERE id = 1") }
            // Past the triggers, the edit is caught by the row's digest.
            try raw.execute("DROP TRIGGER lineage_runs_no_update; UPDATE lineage_runs SET decision = 'feasible' WHERE id = 1")
            let edited = try Ledger.open(at: path, create: false).verify()
            guard case .rowEdited(let row, _)? = edited.problems.first, row == "lineage_runs[1]" else {
                Issue.record("expected an edited lineage run, got \(edited.problems)")
                return
            }
            try raw.execute("""
                INSERT INTO lineage_runs (step, command, inputs, outputs, decision, recorded_at)
                VALUES ('check', 'check', '[]', '[]', 'forged', '2026-01-01T00:00:00.000Z')
                """)
            let forged = try Ledger.open(at: path, create: false).verify()
            #expect(forged.problems.contains(.rowWithoutEvent(row: "lineage_runs[2]")), "\(forged.problems)")
        }
    }
}
