import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerVerifyTests {
    /// A ledger with a dozen events of every kind; returns its path.
    private func populatedLedger(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("l.sqlite").path
        let ledger = try Ledger.open(at: path, create: true)
        try ledger.registerTestSet(sampleSet(id: "s1", steps: 6))
        try ledger.registerTestSet(sampleSet(id: "s2", steps: 3, adaptivity: .firstChange))
        _ = try ledger.charge(request(set: "s1", model: "m1", .fail))                       // seq 3
        _ = try ledger.charge(request(set: "s1", model: "m2", .pass, accept: true))         // 4 charge, 5 accept
        _ = try ledger.charge(request(set: "s1", model: "m2", .pass))                       // 6 replay
        _ = try ledger.charge(request(set: "s2", model: "m1", .fail))                       // 7
        _ = try ledger.charge(request(set: "s2", model: "m2", .pass))                       // 8 charge, 9 retire
        try ledger.markReleased(id: "s2")                                                  // 10 release
        _ = try ledger.charge(request(set: "s1", model: "m3", old: "m2", .fail))            // 11
        return path
    }

    @Test func cleanAfterManyOperations() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let ledger = try Ledger.open(at: path, create: false)
            let report = try ledger.verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.eventCount == 11)
            #expect(report.firstBadSeq == nil)
            let events = try ledger.events()
            #expect(events.map(\.seq) == Array(1...11))
            #expect(events[0].prevHash == String(repeating: "0", count: 64))
            #expect(report.headHash == events.last?.hash)
            for (previous, event) in zip(events, events.dropFirst()) {
                #expect(event.prevHash == previous.hash)
            }
        }
    }

    @Test func hashFollowsTheDocumentedFormula() throws {
        try withTemporaryDirectory { dir in
            let ledger = try Ledger.open(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet())
            let event = try #require(try ledger.events().first)
            #expect(event.payload == #"{"adaptivity":"full","forced":false,"size":1000,"steps":5,"test_set":"a1b2c3"}"#)
            let text = String(repeating: "0", count: 64) + "\n1\n" + event.at + "\nregister\n" + event.payload
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["sha256sum"]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let digest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(digest.hasPrefix(event.hash))
        }
    }

    @Test func appendOnlyTriggersRefuseNaiveEdits() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            #expect(throws: LedgerError.self) { try raw.execute("UPDATE events SET payload = '{}' WHERE seq = 3", []) }
            #expect(throws: LedgerError.self) { try raw.execute("DELETE FROM events WHERE seq = 3", []) }
            #expect(throws: LedgerError.self) { try raw.execute("UPDATE evaluations SET verdict = 'pass'", []) }
            #expect(try Ledger.open(at: path, create: false).verify().isClean)
        }
    }

    @Test func detectsAnEditedPayload() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("""
                DROP TRIGGER events_no_update;
                UPDATE events SET payload = replace(payload, '"verdict":"fail"', '"verdict":"pass"') WHERE seq = 7;
                """)
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.firstBadSeq == 7)
            #expect(report.problems.first == .editedEvent(seq: 7))
            // The evaluation row no longer matches its (edited) charge event either.
            #expect(report.problems.contains { if case .evaluationMismatch = $0 { true } else { false } })
        }
    }

    @Test func detectsAnEditedEvaluation() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("""
                DROP TRIGGER evaluations_no_update;
                UPDATE evaluations SET verdict = 'pass' WHERE new_model = 'm1' AND test_set_id = 's1';
                """)
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(!report.isClean)
            #expect(report.problems.count == 1)
            guard case .evaluationMismatch = report.problems.first else {
                Issue.record("expected an evaluation mismatch, got \(report.problems)")
                return
            }
        }
    }

    @Test func detectsADeletedEvent() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 5;")
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.firstBadSeq == 6)
            #expect(report.problems == [.gap(expected: 5, found: 6)])
        }
    }

    @Test func detectsADeletedChargeEventAndTruncation() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 11;")
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.problems.contains(.truncated(lastSeq: 10, highestSeq: 11)))
            #expect(report.problems.contains { if case .missingChargeEvent = $0 { true } else { false } })
        }
    }

    @Test func detectsASwappedPairOfEvents() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("""
                DROP TRIGGER events_no_update;
                UPDATE events SET seq = -1 WHERE seq = 3;
                UPDATE events SET seq = 3 WHERE seq = 4;
                UPDATE events SET seq = 4 WHERE seq = -1;
                """)
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.firstBadSeq == 3)
            #expect(report.problems.first == .brokenLink(seq: 3))
            #expect(report.problems.contains(.brokenLink(seq: 4)))
        }
    }

    @Test func detectsADeletedEvaluation() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("""
                PRAGMA foreign_keys = OFF;
                DROP TRIGGER evaluations_no_delete;
                DELETE FROM evaluations WHERE new_model = 'm3';
                """)
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.problems.count == 1)
            guard case .missingEvaluation(_, 11) = report.problems.first else {
                Issue.record("expected a missing evaluation at seq 11, got \(report.problems)")
                return
            }
        }
    }
}
