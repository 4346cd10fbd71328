import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerSchemaTests {
    @Test func migratesAnEmptyFileToTheCurrentVersion() throws {
        try withTemporaryDirectory { dir in
            let ledger = try Ledger.open(at: dir.appendingPathComponent("ledger.sqlite").path, create: true)
            #expect(try LedgerSchema.version(of: ledger.database) == LedgerSchema.currentVersion)
            #expect(LedgerSchema.currentVersion == 4)
            let tables = try ledger.database.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map { try $0.string("name") }
            #expect(tables == ["accepted_models", "automl_arms", "automl_proposals", "automl_runs", "automl_trials", "cleaning_rows", "cleaning_sessions", "evaluations", "events", "improve_labels", "improve_rounds", "pick_candidates", "pick_choices", "pick_labels", "pick_queries", "pick_sessions", "sqlite_sequence", "test_sets"])
            #expect(try ledger.testSets().isEmpty)
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func createsTheParentFolder() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("a/b/ledger.sqlite").path
            _ = try Ledger.open(at: path, create: true)
            #expect(FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func mustExistWhenNotCreating() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("missing.sqlite").path
            #expect(throws: LedgerError.notFound(path: path)) { try Ledger.open(at: path, create: false) }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    @Test func reopeningKeepsData() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try Ledger.open(at: path, create: true)
                try ledger.registerTestSet(sampleSet())
                _ = try ledger.charge(request(model: "m1", .fail))
            }
            let again = try Ledger.open(at: path, create: false)
            let set = try #require(try again.testSet(id: "a1b2c3"))
            #expect(set.name == "holdout-a1b2c3")
            #expect(set.classes == ["cat", "dog"])
            #expect(set.adaptivity == .full)
            #expect(try again.sealedLabels(testSetID: "a1b2c3") == Data([0x00, 0x01, 0xfe, 0xff]))
            #expect(try again.evaluations(testSetID: "a1b2c3").map(\.newModel) == ["m1"])
            #expect(try again.budget(testSetID: "a1b2c3").stepsUsed == 1)
            #expect(try again.verify().isClean)
        }
    }

    @Test func refusesAFileFromANewerVersion() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try Ledger.open(at: path, create: true)
                try ledger.database.execute("PRAGMA user_version = 99")
            }
            #expect(throws: LedgerError.newerSchema(path: path, found: 99, supported: LedgerSchema.currentVersion)) {
                try Ledger.open(at: path, create: true)
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
                _ = try Ledger.open(at: path, create: false)
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
                _ = try Ledger.open(at: path, create: true)
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
