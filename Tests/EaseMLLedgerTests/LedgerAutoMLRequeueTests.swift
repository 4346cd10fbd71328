import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

/// After a crash, running trials go back to `queued`, except adopted ones (still running on a
/// cluster), which stay running; one `automl-requeue` event names exactly the re-queued trials.
@Test func requeueKeepsAdoptedTrialsRunning() throws {
    try withTemporaryDirectory { folder in
        let ledger = try ownerLedger(at: folder.appendingPathComponent("ledger.sqlite").path, create: true)
        let arms = (0..<4).map { AutoMLArmRecord(position: $0, key: "a\($0)", candidate: "a", parameters: "{}", command: "[\"run\"]") }
        _ = try ledger.createAutoMLRun(NewAutoMLRun(
            id: "run-1", tenant: "repo", policy: "round_robin", seed: 1, metric: "score", spaceHash: "h", budgetTrials: nil, budgetSeconds: nil, arms: arms))
        let started = try (0..<4).map { try ledger.startAutoMLTrial(run: "run-1", arm: $0, logPath: "/tmp/log\($0)") }
        try ledger.finishAutoMLTrial(id: started[0].id, state: .ok, score: 0.5, seconds: 1, reason: nil, runElapsedSeconds: 1)

        let requeued = try ledger.requeueRunningAutoMLTrials(run: "run-1", keeping: [started[2].id])
        #expect(requeued == [started[1].id, started[3].id])
        #expect(try ledger.automlTrials(run: "run-1").map(\.state) == [.ok, .queued, .running, .queued])
        let events = try ledger.database.query("SELECT payload FROM events WHERE kind = 'automl-requeue'").map { try $0.string("payload") }
        #expect(events.count == 1)
        #expect(events.first?.contains("[\(started[1].id),\(started[3].id)]") == true, "\(events)")
        // Nothing left to re-queue but the kept trial: no event.
        #expect(try ledger.requeueRunningAutoMLTrials(run: "run-1", keeping: [started[2].id]).isEmpty)
        #expect(try ledger.database.query("SELECT 1 FROM events WHERE kind = 'automl-requeue'").count == 1)
        #expect(try ledger.verify().isClean)
    }
}
