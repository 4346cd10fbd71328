import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerSchemaTests {
    @Test func migratesAnEmptyFileToTheCurrentVersion() throws {
        try withTemporaryDirectory { dir in
            let ledger = try ownerLedger(at: dir.appendingPathComponent("ledger.sqlite").path, create: true)
            #expect(try LedgerSchema.version(of: ledger.database as! SQLiteDatabase) == LedgerSchema.currentVersion)
            #expect(LedgerSchema.currentVersion == 7)
            let tables = try ledger.database.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map { try $0.string("name") }
            #expect(tables == ["accepted_models", "automl_arms", "automl_proposals", "automl_runs", "automl_trials", "cleaning_rows", "cleaning_sessions", "evaluations", "events", "improve_labels", "improve_rounds", "lineage_runs", "pick_candidates", "pick_choices", "pick_labels", "pick_queries", "pick_sessions", "question_amendments", "sqlite_sequence", "test_set_labels", "test_sets"])
            #expect(try ledger.testSets().isEmpty)
            #expect(try ledger.verify().isClean)
        }
    }

    /// A ledger written by the previous version (schema 4) keeps its rows; the rows are adopted by
    /// one event, and the owner's next keyed event vouches for all of it.
    @Test func aVersion4LedgerIsMigratedAndItsRowsAdopted() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("old.sqlite").path
            let raw = try SQLiteDatabase(path: path)
            for migration in LedgerSchema.migrations where migration.version <= 4 { try raw.execute(migration.sql) }
            try raw.execute("PRAGMA user_version = 4")
            let at = "2026-01-01T00:00:00.000Z"
            try raw.execute("""
                INSERT INTO test_sets (id, name, size, classes, steps, adaptivity, reliability, condition, planned_size, forced, sealed_labels, created_at)
                VALUES ('s1', 'old', 100, '["a","b"]', 4, 'full', 0.99, 'n > 0.5 +/- 0.1', 100, 0, x'0102', '\(at)');
                INSERT INTO evaluations (id, test_set_id, new_model, old_model, step, verdict, revealed, commit_id, created_at)
                VALUES (1, 's1', 'm1', '', 1, 'pass', 1, 'abc', '\(at)');
                INSERT INTO accepted_models (test_set_id, model, predictions, evaluation_id, accepted_at, branch)
                VALUES ('s1', 'm1', x'00', 1, '\(at)', 'main');
                """)
            var prev = EventChain.genesis
            for (seq, kind, payload) in [(Int64(1), "register", #"{"test_set":"s1"}"#), (2, "charge", #"{"evaluation":1}"#)] {
                let hash = EventChain.hash(prevHash: prev, seq: seq, at: at, kind: kind, payload: payload)
                _ = try raw.execute(
                    "INSERT INTO events (seq, at, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
                    [.integer(seq), .text(at), .text(kind), .text(payload), .text(prev), .text(hash)])
                prev = hash
            }
            let ledger = try Ledger.open(at: path, create: false)
            #expect(try LedgerSchema.version(of: ledger.database as! SQLiteDatabase) == LedgerSchema.currentVersion)
            // The set's labels stay in its row (schema 6 keeps older sets' blobs where they are).
            #expect(try ledger.sealedLabels(testSetID: "s1") == Data([0x01, 0x02]))
            #expect(try ledger.sealedLabelChunk(testSetID: "s1", chunk: 0) == nil)
            let evaluation = try #require(try ledger.evaluations(testSetID: "s1").first)
            #expect(evaluation.verdict == .pass && evaluation.questionDigest == "" && evaluation.commitID == "abc")
            let accepted = try #require(try ledger.lastAcceptedModel(testSetID: "s1", branch: "main"))
            #expect(accepted.source == .gate && accepted.commitID == "abc" && accepted.evaluationID == 1)
            #expect(try ledger.events().map(\.kind) == ["register", "charge", "adopt"])
            #expect(try ledger.verify().isClean)
            // Until the owner writes a keyed event, the key cannot vouch for the adopted rows.
            let before = try ledger.verify(key: ownerKey)
            #expect(before.problems.contains(.unauthenticatedEvent(seq: 1, kind: "register")))
            #expect(before.problems.contains(.unauthenticatedRow(row: #"test_sets["s1"]"#, seq: 3)))
            ledger.authenticate(with: ownerKey)
            try ledger.retire(id: "s1", reason: "replaced")
            let after = try ledger.verify(key: ownerKey)
            #expect(after.isClean && after.lastAuthenticatedSeq == 4, "\(after.problems)")
        }
    }

    @Test func createsTheParentFolder() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("a/b/ledger.sqlite").path
            _ = try ownerLedger(at: path, create: true)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func mustExistWhenNotCreating() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("missing.sqlite").path
            #expect(throws: LedgerError.notFound(path: path)) { try ownerLedger(at: path, create: false) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func reopeningKeepsData() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try ownerLedger(at: path, create: true)
                try ledger.registerTestSet(sampleSet())
                _ = try ledger.charge(request(model: "m1", .fail))
            }
            let again = try ownerLedger(at: path, create: false)
            let set = try #require(try again.testSet(id: "a1b2c3"))
            #expect(set.name == "holdout-a1b2c3")
            #expect(set.classes == ["cat", "dog"])
            #expect(set.adaptivity == .full)
            #expect(try again.sealedLabels(testSetID: "a1b2c3") == Data([0x00, 0x01, 0xfe, 0xff]))
            // New sets keep their labels out of the row, in chunks that cannot be rewritten.
            #expect(try again.database.query("SELECT length(sealed_labels) AS n FROM test_sets")[0].int("n") == 0)
            #expect(try again.sealedLabelChunk(testSetID: "a1b2c3", chunk: 0) == Data([0x00, 0x01, 0xfe, 0xff]))
            #expect(throws: LedgerError.self) {
                try again.database.execute("UPDATE test_set_labels SET sealed = x'00'")
            }
            #expect(throws: LedgerError.self) { try again.database.execute("DELETE FROM test_set_labels") }
            #expect(try again.evaluations(testSetID: "a1b2c3").map(\.newModel) == ["m1"])
            #expect(try again.budget(testSetID: "a1b2c3").stepsUsed == 1)
            #expect(try again.verify().isClean)
        }
    }

    @Test func refusesAFileFromANewerVersion() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try ownerLedger(at: path, create: true)
                try ledger.database.execute("PRAGMA user_version = 99")
            }
            #expect(throws: LedgerError.newerSchema(path: path, found: 99, supported: LedgerSchema.currentVersion)) {
                try ownerLedger(at: path, create: true)
            }
            // Refusing must not touch the file.
            let raw = try SQLiteDatabase(path: path, mode: .readWrite)
            #expect(try LedgerSchema.version(of: raw) == 99)
        }
    }

    @Test func garbageFileIsCorrupt() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            let garbage = Data(String(repeating: "this is not an sqlite database. ", count: 200).utf8)
            try garbage.write(to: URL(fileURLWithPath: path))
            do {
                _ = try ownerLedger(at: path, create: false)
                Issue.record("expected .corrupt")
            } catch let error as LedgerError {
                guard case let .corrupt(errorPath, message) = error else {
                    Issue.record("expected .corrupt, got \(error)")
                    return
                }
                #expect(errorPath == path)
                #expect(message.contains("not a database"))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
        }
    }

    @Test func anotherApplicationsDatabaseIsNotMigrated() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("other.sqlite").path
            do {
                let other = try SQLiteDatabase(path: path)
                try other.execute("CREATE TABLE photos (id INTEGER)")
            }
            do {
                _ = try ownerLedger(at: path, create: true)
                Issue.record("expected .corrupt")
            } catch let error as LedgerError {
                guard case .corrupt = error else {
                    Issue.record("expected .corrupt, got \(error)")
                    return
                }
            }
            let raw = try SQLiteDatabase(path: path)
            #expect(try LedgerSchema.version(of: raw) == 0)
            #expect(try raw.query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'")[0].int64("n") == 0)
        }
    }
}
