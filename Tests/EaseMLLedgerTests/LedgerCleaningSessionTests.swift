import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

/// Schema version 4: cleaning sessions and improvement rounds stored atomically and chained into
/// the event log.
@Suite struct LedgerCleaningSessionTests {
    @Test func aCleanSessionRoundTripsAcrossConnections() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try ownerLedger(at: path, create: true)
                let created = try ledger.createCleaningSession(id: "s", kind: .clean, settings: #"{"k":3}"#)
                #expect(created.cleaned.isEmpty && created.rounds.isEmpty && created.kind == .clean)
                #expect(throws: LedgerError.self) { try ledger.createCleaningSession(id: "s", kind: .clean, settings: "{}") }
                try ledger.recordCleanedRows(session: "s", [CleanedRowRecord(row: 7, values: [0.1, 1e-300, -2.5])])
                // A batch with an already cleaned row is refused as a whole.
                #expect(throws: LedgerError.invalidRequest("row 7 is already cleaned")) {
                    try ledger.recordCleanedRows(session: "s", [CleanedRowRecord(row: 8, values: [1, 2, 3]), CleanedRowRecord(row: 7, values: [1, 2, 3])])
                }
                #expect(throws: LedgerError.self) { try ledger.recordCleanedRows(session: "s", [CleanedRowRecord(row: 9, values: [.nan, 1, 2])]) }
            }
            let ledger = try ownerLedger(at: path, create: false)
            let record = try #require(try ledger.cleaningSession(id: "s"))
            #expect(record.settings == #"{"k":3}"#)
            #expect(record.cleaned == [CleanedRowRecord(row: 7, values: [0.1, 1e-300, -2.5])])
            #expect(try ledger.cleaningSessionIDs(kind: .clean) == ["s"] && ledger.cleaningSessionIDs(kind: .improve).isEmpty)
            #expect(try ledger.events().map(\.kind) == ["clean-start", "clean-rows"])
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func improveRoundsOpenInOrderAndApplyOnce() throws {
        try withTemporaryDirectory { directory in
            let ledger = try ownerLedger(at: directory.appendingPathComponent("ledger.sqlite").path, create: true)
            try ledger.createCleaningSession(id: "loop", kind: .improve, settings: "{}")
            let first = ImproveRoundRecord(round: 1, arm: "clean", batch: [4, 2], reason: "untried")
            #expect(throws: LedgerError.self) { try ledger.openImproveRound(session: "loop", ImproveRoundRecord(round: 2, arm: "clean", batch: [4], reason: "")) }
            var record = try ledger.openImproveRound(session: "loop", first)
            #expect(record.openRound == first)
            // A second round cannot open while the first waits for answers.
            #expect(throws: LedgerError.self) { try ledger.openImproveRound(session: "loop", ImproveRoundRecord(round: 2, arm: "acquire", batch: [1], reason: "")) }
            let outcome = ImproveRoundRecord.Outcome(effort: 2, ceiling: 0.9, reward: 0.01)
            // Answers outside the batch, or of the other arm, are refused and write nothing.
            #expect(throws: LedgerError.self) {
                try ledger.applyImproveRound(session: "loop", round: 1, cleaned: [CleanedRowRecord(row: 3, values: [1])], labels: [], outcome: outcome)
            }
            #expect(throws: LedgerError.self) {
                try ledger.applyImproveRound(session: "loop", round: 1, cleaned: [], labels: [AcquiredLabelRecord(poolRow: 4, label: "a", round: 1)], outcome: outcome)
            }
            #expect(try ledger.cleaningSession(id: "loop")?.openRound == first)
            record = try ledger.applyImproveRound(
                session: "loop", round: 1, cleaned: [CleanedRowRecord(row: 4, values: [1, 2]), CleanedRowRecord(row: 2, values: [3, 4])], labels: [],
                outcome: outcome)
            #expect(record.openRound == nil && record.rounds.first?.outcome == outcome)
            #expect(record.cleaned.map(\.round) == [1, 1])
            #expect(throws: LedgerError.self) {
                try ledger.applyImproveRound(session: "loop", round: 1, cleaned: [CleanedRowRecord(row: 4, values: [1])], labels: [], outcome: outcome)
            }
            try ledger.openImproveRound(session: "loop", ImproveRoundRecord(round: 2, arm: "acquire", batch: [10, 11], reason: "UCB1"))
            record = try ledger.applyImproveRound(
                session: "loop", round: 2, cleaned: [], labels: [AcquiredLabelRecord(poolRow: 11, label: "b", round: 2)],
                outcome: .init(effort: 1, ceiling: 0.95, reward: 0.05))
            #expect(record.labels == [AcquiredLabelRecord(poolRow: 11, label: "b", round: 2)])
            #expect(try ledger.events().map(\.kind) == ["clean-start", "improve-open", "improve-apply", "improve-open", "improve-apply"])
            // An applied round is final, even for a hand-written UPDATE.
            #expect(throws: LedgerError.self) { try ledger.database.execute("UPDATE improve_rounds SET reward = 1 WHERE round = 1") }
            #expect(try ledger.verify().isClean)
        }
    }
}
