import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerVerifyTests {
    /// A ledger with a dozen events of every kind; returns its path.
    private func populatedLedger(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("l.sqlite").path
        let ledger = try ownerLedger(at: path, create: true)
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
            let ledger = try ownerLedger(at: path, create: false)
            let report = try ledger.verify(key: ownerKey)
            #expect(report.isClean, "\(report.problems)")
            #expect(report.authenticated && report.lastAuthenticatedSeq == 11)
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
            let ledger = try ownerLedger(at: dir.appendingPathComponent("l.sqlite").path, create: true)
            try ledger.registerTestSet(sampleSet())
            let event = try #require(try ledger.events().first)
            // The event vouches for the set's row and its chunk of sealed labels.
            #expect(event.payload.hasPrefix(#"{"adaptivity":"full","forced":false,"question":"","rows":{"test_set_labels[\"a1b2c3\",0]":""#))
            #expect(event.payload.contains(#","test_sets[\"a1b2c3\"]":""#))
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
            // The MAC is HMAC-SHA256 of the hash under the owner's chain key.
            #expect(event.mac == ownerKey.mac(event.hash) && event.mac.count == 64)
        }
    }

    @Test func appendOnlyTriggersRefuseNaiveEdits() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            #expect(throws: LedgerError.self) { try raw.execute("UPDATE events SET payload = '{}' WHERE seq = 3", []) }
            #expect(throws: LedgerError.self) { try raw.execute("DELETE FROM events WHERE seq = 3", []) }
            #expect(throws: LedgerError.self) { try raw.execute("UPDATE evaluations SET verdict = 'pass'", []) }
            #expect(try ownerLedger(at: path, create: false).verify(key: ownerKey).isClean)
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
            #expect(report.problems == [.editedEvent(seq: 7)])
        }
    }

    /// Without the key a row edit is caught by its digest; with the key, also when the editor
    /// re-vouched for it with a keyless event of their own.
    @Test(arguments: [
        ("evaluations", "UPDATE evaluations SET verdict = 'pass' WHERE new_model = 'm1' AND test_set_id = 's1'"),
        ("test_sets", "UPDATE test_sets SET steps = 600 WHERE id = 's1'"),
        ("accepted_models", "UPDATE accepted_models SET model = 'm9'"),
        ("test_sets", "UPDATE test_sets SET retired_at = NULL, retired_reason = NULL WHERE id = 's2'"),
    ])
    func detectsAnEditedRowInAGateTable(table: String, sql: String) throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            let trigger = ["evaluations": "evaluations_no_update", "accepted_models": "accepted_models_no_update"][table]
            try raw.execute((trigger.map { "DROP TRIGGER \($0);" } ?? "") + sql)
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.problems.count == 1, "\(report.problems)")
            guard case .rowEdited(let row, _)? = report.problems.first, row.hasPrefix(table + "[") else {
                Issue.record("expected an edited \(table) row, got \(report.problems)")
                return
            }
        }
    }

    @Test func detectsAForgedRowAndADeletedRow() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("""
                INSERT INTO accepted_models (test_set_id, model, predictions, evaluation_id, accepted_at, branch, source)
                VALUES ('s1', 'forged', x'00', NULL, '2026-01-01T00:00:00.000Z', 'main', 'owner');
                """)
            let forged = try Ledger.open(at: path, create: false).verify()
            #expect(forged.problems == [.rowWithoutEvent(row: #"accepted_models[2]"#)], "\(forged.problems)")
            try raw.execute("""
                DROP TRIGGER accepted_models_no_delete; DELETE FROM accepted_models WHERE model = 'forged';
                PRAGMA foreign_keys = OFF; DROP TRIGGER evaluations_no_delete; DELETE FROM evaluations WHERE new_model = 'm3';
                """)
            let deleted = try Ledger.open(at: path, create: false).verify()
            #expect(deleted.problems.count == 1)
            guard case .rowMissing(let row, 11)? = deleted.problems.first, row.hasPrefix("evaluations[") else {
                Issue.record("expected a missing evaluation vouched for by event 11, got \(deleted.problems)")
                return
            }
        }
    }

    /// Every session table is covered too: an edit anywhere shows.
    @Test func detectsAnEditedSessionRow() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("l.sqlite").path
            let ledger = try Ledger.open(at: path, create: true)
            try ledger.createCleaningSession(id: "clean", kind: .clean, settings: "{}")
            #expect(try ledger.verify().isClean)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("DROP TRIGGER cleaning_sessions_no_update; UPDATE cleaning_sessions SET settings = '{\"k\":9}'")
            let report = try ledger.verify()
            #expect(report.problems.count == 1)
            guard case .rowEdited(#"cleaning_sessions["clean"]"#, _)? = report.problems.first else {
                Issue.record("expected the edited cleaning session, got \(report.problems)")
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
            // Event 5 (accept) vouched for the accepted model, which no event vouches for now.
            #expect(report.problems == [.gap(expected: 5, found: 6), .rowWithoutEvent(row: "accepted_models[1]")])
        }
    }

    @Test func detectsTruncation() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq = 11;")
            let report = try Ledger.open(at: path, create: false).verify()
            #expect(report.problems.contains(.truncated(lastSeq: 10, highestSeq: 11)))
            #expect(report.problems.contains { if case .rowWithoutEvent(let row) = $0 { row.hasPrefix("evaluations[") } else { false } })
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

    /// A whole ledger rewritten without the key — rows edited, every hash and digest recomputed, so
    /// the structure is perfect — passes without the key and fails with it.
    @Test func aRewriteWithARecomputedChainFailsOnlyWithTheKey() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let forged = dir.appendingPathComponent("forged.sqlite").path
            // The attacker replays the same history, with more steps, through the real code but
            // without the key: keyless events cannot even be written for the gate...
            let keyless = try Ledger.open(at: forged, create: true)
            #expect(throws: LedgerError.keyRequired(operation: "register")) { try keyless.registerTestSet(sampleSet(id: "s1", steps: 60)) }
            // ...so they write the file by hand: copy it, raise the steps, recompute every digest,
            // hash and (without the key) clear the MACs.
            try FileManager.default.copyItem(atPath: path, toPath: dir.appendingPathComponent("copy.sqlite").path)
            let raw = try SQLiteDatabase(path: dir.appendingPathComponent("copy.sqlite").path)
            let old = try LedgerRows.allDigests(raw)
            try raw.execute("UPDATE test_sets SET steps = 60 WHERE id = 's1'")
            try rewriteChainWithoutKey(raw, replacing: old)
            let copy = try Ledger.open(at: dir.appendingPathComponent("copy.sqlite").path, create: false)
            let structural = try copy.verify()
            #expect(structural.isClean, "\(structural.problems)")
            #expect(!structural.authenticated)
            let authenticated = try copy.verify(key: ownerKey)
            #expect(authenticated.authenticated)
            #expect(authenticated.problems.contains { if case .unauthenticatedEvent(_, "register") = $0 { true } else { false } })
            #expect(authenticated.problems.contains { if case .unauthenticatedRow(let row, _) = $0 { row == #"test_sets["s1"]"# } else { false } })
            // A forged MAC is not the key's either.
            try raw.execute("UPDATE events SET mac = '\(String(repeating: "ab", count: 32))' WHERE seq = 1")
            #expect(try copy.verify(key: ownerKey).problems.contains(.forgedEvent(seq: 1)))
            // The real ledger is authentic.
            let real = try Ledger.open(at: path, create: false).verify(key: ownerKey)
            #expect(real.isClean && real.authenticated && real.lastAuthenticatedSeq == 11, "\(real.problems)")
        }
    }

    /// A session event written without the key (a developer's `clean`) is fine; one that vouches
    /// again for an edited gate row after the owner's last keyed event is caught with the key.
    @Test func keylessEventsCannotVouchForTheGatesRows() throws {
        try withTemporaryDirectory { dir in
            let path = try populatedLedger(in: dir)
            let keyless = try Ledger.open(at: path, create: false)
            try keyless.createCleaningSession(id: "mine", kind: .clean, settings: "{}")
            #expect(try keyless.verify(key: ownerKey).isClean)
            #expect(throws: LedgerError.keyRequired(operation: "retire")) { try keyless.retire(id: "s1", reason: "developer") }
            // Raise the steps and vouch for the edited row with a keyless event of one's own.
            let raw = try SQLiteDatabase(path: path)
            try raw.execute("UPDATE test_sets SET steps = 60 WHERE id = 's1'")
            let row = #"test_sets["s1"]"#
            let digest = try #require(try LedgerRows.allDigests(raw)[row])
            try raw.transaction { () throws(LedgerError) in
                try Ledger.appendEvent(.cleanStart, at: "2026-12-03T00:00:00.000Z", payload: ["session": .string("x")], rows: [row: digest], key: nil, to: raw)
            }
            #expect(try keyless.verify().isClean, "structure alone cannot tell")
            let report = try keyless.verify(key: ownerKey)
            #expect(report.problems == [.unauthenticatedRow(row: row, seq: 13)], "\(report.problems)")
        }
    }

    /// Recomputes every row digest and event hash and clears every MAC, as someone without the
    /// key rewriting the file would.
    private func rewriteChainWithoutKey(_ raw: SQLiteDatabase, replacing old: [String: String]) throws {
        let digests = try LedgerRows.allDigests(raw)
        let events = try raw.query("SELECT seq, at, kind, payload FROM events ORDER BY seq")
        try raw.execute("DROP TRIGGER events_no_update")
        var prev = EventChain.genesis
        for row in events {
            var text = try row.string("payload")
            for (key, digest) in old where digests[key] != digest { text = text.replacingOccurrences(of: digest, with: digests[key] ?? "") }
            let seq = try row.int64("seq")
            let hash = EventChain.hash(prevHash: prev, seq: seq, at: try row.string("at"), kind: try row.string("kind"), payload: text)
            _ = try raw.execute("UPDATE events SET payload = ?, prev_hash = ?, hash = ?, mac = '' WHERE seq = ?", [.text(text), .text(prev), .text(hash), .integer(seq)])
            prev = hash
        }
    }
}
