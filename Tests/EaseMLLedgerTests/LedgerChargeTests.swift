import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerChargeTests {
    @Test func registersOnceAndRefusesADuplicate() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            let record = try ledger.registerTestSet(sampleSet(size: 800, plannedSize: 1000))
            #expect(record.forced)
            #expect(record.steps == 5)
            #expect(!record.isRetired)
            #expect(throws: LedgerError.alreadyRegistered(testSetID: "a1b2c3")) {
                try ledger.registerTestSet(sampleSet())
            }
            #expect(try ledger.testSets().map(\.id) == ["a1b2c3"])
            #expect(try ledger.events().map(\.kind) == ["register"])
            #expect(throws: LedgerError.self) { try ledger.registerTestSet(sampleSet(id: "zero", steps: 0)) }
        }
    }

    @Test func eventPayloadsHoldNoSecrets() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet())
            _ = try ledger.charge(request(model: "m1", .pass, accept: true))
            for event in try ledger.events() {
                #expect(!event.payload.contains("sealed"))
                #expect(!event.payload.contains("preds"))
                #expect(!event.payload.contains("cat"))
            }
        }
    }

    @Test func fullChargesHTimesThenRefusesExhausted() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 3))
            for step in 1...3 {
                let (record, budget) = try #require(charged(try ledger.charge(request(model: "m\(step)", .fail))))
                #expect(record.step == step)
                #expect(record.revealed)
                #expect(budget.stepsUsed == step)
                #expect(budget.stepsLeft == 3 - step)
                #expect(budget.bitsUsed == Double(step))
            }
            #expect(try ledger.charge(request(model: "m4", .pass)) == .refused(.exhausted))
            let budget = try ledger.budget(testSetID: "a1b2c3")
            #expect(budget.exhausted)
            #expect(!budget.canCharge)
            #expect(try ledger.evaluations(testSetID: "a1b2c3").count == 3)
        }
    }

    @Test func unknownTestSetIsAnError() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            #expect(throws: LedgerError.unknownTestSet(testSetID: "nope")) {
                try ledger.charge(request(set: "nope", model: "m1", .pass))
            }
            #expect(try ledger.events().isEmpty)
        }
    }

    @Test func replayIsFreeAndReturnsTheRecordedVerdict() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 2))
            let (first, _) = try #require(charged(try ledger.charge(request(model: "m1", old: "o1", .fail))))
            let before = try ledger.budget(testSetID: "a1b2c3")
            // Same triple, even with a different claimed verdict: the recorded answer comes back.
            #expect(try ledger.charge(request(model: "m1", old: "o1", .pass)) == .replay(first))
            #expect(try ledger.budget(testSetID: "a1b2c3") == before)
            #expect(try ledger.evaluations(testSetID: "a1b2c3").count == 1)
            // Different old model: a new evaluation. No old model: another one.
            #expect(charged(try ledger.charge(request(model: "m1", old: "o2", .fail))) != nil)
            #expect(try ledger.charge(request(model: "m1", .fail)) == .refused(.exhausted))
            // Replays still answer on an exhausted set.
            #expect(try ledger.charge(request(model: "m1", old: "o1", .fail)) == .replay(first))
            #expect(try ledger.events().map(\.kind) == ["register", "charge", "replay", "charge", "replay"])
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func replayWithoutOldModelMatchesNilOnly() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 5))
            let (first, _) = try #require(charged(try ledger.charge(request(model: "m1", .pass))))
            #expect(first.oldModel == nil)
            #expect(try ledger.charge(request(model: "m1", .pass)) == .replay(first))
            #expect(try ledger.budget(testSetID: "a1b2c3").stepsUsed == 1)
        }
    }

    @Test func firstChangeRetiresOnTheFirstPassAndFailsUseSteps() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 4, adaptivity: .firstChange))
            _ = try ledger.charge(request(model: "m1", .fail))
            let (_, afterFails) = try #require(charged(try ledger.charge(request(model: "m2", .fail))))
            #expect(afterFails.stepsUsed == 2)
            #expect(afterFails.stepsLeft == 2)
            #expect(!afterFails.retired)
            #expect(abs(afterFails.bitsUsed - 1) < 1e-12)
            let (pass, afterPass) = try #require(charged(try ledger.charge(request(model: "m3", .pass))))
            #expect(pass.step == 3)
            #expect(afterPass.retired)
            #expect(afterPass.retiredReason == "first pass")
            #expect(afterPass.bitsUsed == 2)
            #expect(try ledger.charge(request(model: "m4", .pass)) == .refused(.retired(reason: "first pass")))
            #expect(try ledger.charge(request(model: "m3", .pass)) == .replay(pass))
            #expect(try ledger.testSet(id: "a1b2c3")?.retiredReason == "first pass")
            #expect(try ledger.events().map(\.kind) == ["register", "charge", "charge", "charge", "retire", "replay"])
        }
    }

    @Test func noneRecordsHiddenVerdicts() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("l.sqlite").path
            let ledger = try ownerLedger(at: path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 2, adaptivity: .none))
            let (record, budget) = try #require(charged(try ledger.charge(request(model: "m1", .pass, accept: true))))
            #expect(!record.revealed)
            // The verdict lives only in the sealed metrics; a pass accepts nothing by itself, and
            // the predictions are kept for the owner's `accept`.
            #expect(record.verdict == .hidden)
            #expect(record.predictions == Data("preds-m1".utf8))
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3") == nil)
            #expect(budget.bitsUsed == 0)
            #expect(budget.stepsLeft == 1)
            #expect(!budget.retired)
            let raw = try SQLiteDatabase(path: path)
            #expect(try raw.query("SELECT revealed, verdict FROM evaluations")[0].values == [.integer(0), .text("hidden")])
            // A fail and a pass leave the same kind of row and event: nothing tells them apart.
            let (failed, _) = try #require(charged(try ledger.charge(request(model: "m2", .fail, accept: true))))
            #expect(failed.verdict == .hidden)
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3") == nil)
            let kinds = try ledger.events().map(\.kind)
            #expect(kinds == ["register", "charge", "charge"])
            // The owner accepts the first one explicitly.
            let accepted = try ledger.setBaseline(
                testSetID: "a1b2c3", model: "m1", predictions: record.predictions, branch: nil, commitID: "c0ffee", evaluationID: record.id)
            #expect(accepted.source == .owner && accepted.evaluationID == record.id)
            #expect(try ledger.verify(key: ownerKey).isClean)
        }
    }

    @Test func acceptedModelIsRecordedOnlyOnPass() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(steps: 5))
            _ = try ledger.charge(request(model: "m1", .fail, accept: true, branch: "main"))
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3", branch: "main") == nil)
            let (e2, _) = try #require(charged(try ledger.charge(request(model: "m2", .pass, accept: true, branch: "main"))))
            _ = try ledger.charge(request(model: "m3", old: "m2", .pass, accept: false, branch: "main"))
            let accepted = try #require(try ledger.lastAcceptedModel(testSetID: "a1b2c3", branch: "main"))
            #expect(accepted.model == "m2")
            #expect(accepted.evaluationID == e2.id)
            #expect(accepted.predictions == Data("preds-m2".utf8))
            #expect(accepted.branch == "main")
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3", branch: "dev") == nil)
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3") == nil)
            _ = try ledger.charge(request(model: "m4", old: "m2", .pass, accept: true, branch: "main"))
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3", branch: "main")?.model == "m4")
            _ = try ledger.charge(request(model: "m5", .pass, accept: true))
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3")?.model == "m5")
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func lastAcceptedOnABranchSpansTestSets() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(id: "s1", steps: 1))
            try ledger.registerTestSet(sampleSet(id: "s2", steps: 5))
            #expect(try ledger.lastAcceptedModel(branch: "main") == nil)
            _ = try ledger.charge(request(set: "s1", model: "m1", .pass, accept: true, branch: "main"))
            #expect(try ledger.lastAcceptedModel(branch: "main")?.testSetID == "s1")
            _ = try ledger.charge(request(set: "s2", model: "m2", old: "m1", .pass, accept: true, branch: "main"))
            let latest = try #require(try ledger.lastAcceptedModel(branch: "main"))
            #expect(latest.testSetID == "s2")
            #expect(latest.model == "m2")
            #expect(try ledger.lastAcceptedModel(branch: nil) == nil)
        }
    }

    @Test func retireAndReleaseStopCharges() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet(id: "s1"))
            try ledger.registerTestSet(sampleSet(id: "s2"))
            let retired = try ledger.retire(id: "s1", reason: "owner rotated it")
            #expect(retired.retiredReason == "owner rotated it")
            #expect(try ledger.retire(id: "s1", reason: "again").retiredReason == "owner rotated it")
            #expect(try ledger.charge(request(set: "s1", model: "m", .pass)) == .refused(.retired(reason: "owner rotated it")))
            let released = try ledger.markReleased(id: "s2")
            #expect(released.releasedAt != nil)
            #expect(released.retiredReason == "released")
            #expect(try ledger.budget(testSetID: "s2").released)
            #expect(try ledger.charge(request(set: "s2", model: "m", .pass)) == .refused(.retired(reason: "released")))
            #expect(throws: LedgerError.unknownTestSet(testSetID: "s3")) { try ledger.retire(id: "s3", reason: "x") }
            #expect(try ledger.events().map(\.kind) == ["register", "register", "retire", "retire", "release"])
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func aThrowingTransactionLeavesNoPartialRows() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("l.sqlite").path
            let ledger = try ownerLedger(at: path, create: true)
            #expect(throws: LedgerError.invalidRequest("simulated crash")) {
                try ledger.database.transaction(.immediate) { () throws(LedgerError) in
                    try ledger.registerTestSet(sampleSet())
                    _ = try ledger.charge(request(model: "m1", .pass, accept: true))
                    throw LedgerError.invalidRequest("simulated crash")
                }
            }
            let raw = try SQLiteDatabase(path: path)
            for table in ["test_sets", "evaluations", "accepted_models", "events"] {
                #expect(try count(raw, table) == 0, "\(table)")
            }
            // The ledger is still usable and its chain starts from scratch.
            try ledger.registerTestSet(sampleSet())
            #expect(try ledger.events().first?.seq == 1)
            #expect(try ledger.verify().isClean)
        }
    }
}
