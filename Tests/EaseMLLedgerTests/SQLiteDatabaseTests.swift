import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct SQLiteDatabaseTests {
    @Test func bindsAndReadsEveryType() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
            let blob = Data([0, 1, 2, 255])
            try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [
                .integer(Int64.min), .real(0.125), .text("héllo\u{0}wörld ✓"), .blob(blob), .null,
            ])
            try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.integer(7), .real(-1), .text(""), .blob(Data()), .text("x")])
            let rows = try db.query("SELECT i, r, s, b, n FROM t ORDER BY rowid")
            #expect(rows.count == 2)
            #expect(rows[0].values == [.integer(Int64.min), .real(0.125), .text("héllo\u{0}wörld ✓"), .blob(blob), .null])
            #expect(rows[1].values == [.integer(7), .real(-1), .text(""), .blob(Data()), .text("x")])
            #expect(try rows[0].data("b") == blob)
            #expect(try rows[0].optionalString("n") == nil)
        }
    }

    @Test func opensInWALModeWithForeignKeys() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            #expect(try db.query("PRAGMA journal_mode")[0].values == [.text("wal")])
            #expect(try db.query("PRAGMA foreign_keys")[0].values == [.integer(1)])
        }
    }

    @Test func wrongParameterCountIsAnError() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            try db.execute("CREATE TABLE t (i INTEGER)")
            #expect(throws: LedgerError.self) { try db.execute("INSERT INTO t VALUES (?)", []) }
        }
    }

    @Test func sqlErrorsCarrySQLiteMessageAndCode() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            do {
                try db.execute("SELECT * FROM nowhere", [])
                Issue.record("expected an error")
            } catch let LedgerError.sqlite(code, message, _) {
                #expect(code == 1)
                #expect(message.contains("no such table"))
            }
        }
    }

    @Test func transactionCommitsOnSuccessAndRollsBackOnError() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            try db.execute("CREATE TABLE t (i INTEGER)")
            try db.transaction { () throws(LedgerError) in
                try db.execute("INSERT INTO t VALUES (?)", [.integer(1)])
            }
            #expect(try count(db, "t") == 1)
            #expect(throws: LedgerError.invalidRequest("simulated")) {
                try db.transaction { () throws(LedgerError) in
                    try db.execute("INSERT INTO t VALUES (?)", [.integer(2)])
                    try db.execute("INSERT INTO t VALUES (?)", [.integer(3)])
                    throw LedgerError.invalidRequest("simulated")
                }
            }
            #expect(try count(db, "t") == 1)
            #expect(!db.isInTransaction)
        }
    }

    @Test func nestedTransactionRollsBackOnlyItsSavepointWhenCaught() throws {
        try withTemporaryDirectory { dir in
            let db = try SQLiteDatabase(path: dir.appendingPathComponent("t.sqlite").path)
            try db.execute("CREATE TABLE t (i INTEGER)")
            try db.transaction { () throws(LedgerError) in
                try db.execute("INSERT INTO t VALUES (1)", [])
                do {
                    try db.transaction { () throws(LedgerError) in
                        try db.execute("INSERT INTO t VALUES (2)", [])
                        throw LedgerError.invalidRequest("inner")
                    }
                } catch {}
            }
            #expect(try db.query("SELECT i FROM t").map(\.values) == [[.integer(1)]])
        }
    }

    @Test func writeLockContentionSurfacesAsBusy() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("t.sqlite").path
            let holder = try SQLiteDatabase(path: path)
            try holder.execute("CREATE TABLE t (i INTEGER)")
            let waiter = try SQLiteDatabase(path: path, busyTimeout: .milliseconds(50))
            try holder.execute("BEGIN IMMEDIATE")
            do {
                try waiter.transaction(.immediate) { () throws(LedgerError) in
                    try waiter.execute("INSERT INTO t VALUES (1)", [])
                }
                Issue.record("expected SQLITE_BUSY")
            } catch let error as LedgerError {
                guard case .busy = error else {
                    Issue.record("expected .busy, got \(error)")
                    return
                }
            }
            try holder.execute("COMMIT")
            try waiter.transaction(.immediate) { () throws(LedgerError) in
                try waiter.execute("INSERT INTO t VALUES (1)", [])
            }
            #expect(try count(holder, "t") == 1)
        }
    }
}

/// Connections that open the same new file at once all get it in WAL mode: the switch to WAL,
/// which SQLite refuses at once (SQLITE_BUSY, no busy handler) while another opener holds a shared
/// lock, is retried within the busy timeout. (An `automl serve` starting while a reader polled for
/// its new ledger once failed here with "database is locked".)
@Test func connectionsOpeningANewFileAtOnceAllGetWAL() throws {
    let folder = try TemporaryDirectory.make(prefix: "easeml-wal-race")
    defer { try? FileManager.default.removeItem(at: folder) }
    let failures = LockedArray<String>()
    for round in 0..<40 {
        let path = folder.appendingPathComponent("race-\(round).sqlite").path
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let database = try SQLiteDatabase(path: path)
                _ = try database.query("SELECT 1")
            } catch {
                failures.append("\(error)")
            }
        }
    }
    #expect(failures.values.isEmpty, "\(failures.values.prefix(3))")
}

