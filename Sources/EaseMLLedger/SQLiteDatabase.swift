import CSQLite
import Foundation

/// A single SQLite connection: a thin wrapper over the C API of the system `libsqlite3`.
///
/// Why not GRDB: the ledger needs about six SQLite calls (open, prepare, bind, step, column,
/// finalize) plus transactions. GRDB would add minutes of build time and another Linux
/// compatibility surface (it targets Apple platforms first) for none of its extra features.
///
/// Guarantees:
/// - Every connection runs in WAL mode with foreign keys on and a busy timeout (10 s by default),
///   so concurrent writers wait for each other instead of failing at once.
/// - `transaction(_:_:)` commits only when its body returns; any thrown error rolls back, so no
///   partial write survives.
/// - Text and blobs are bound with `SQLITE_TRANSIENT` (SQLite copies them), so no Swift buffer
///   needs to outlive a call.
///
/// Not `Sendable`: a connection belongs to one thread (or task) at a time. Open one connection
/// per concurrent user; SQLite's file locks coordinate them.
public final class SQLiteDatabase {
    /// How to open the file.
    public enum OpenMode: Sendable {
        /// The file must exist.
        case readWrite
        /// Create the file if it does not exist.
        case readWriteCreate
        /// Read only; the file must exist.
        case readOnly
    }

    /// The transaction kinds of SQLite's `BEGIN`.
    public enum TransactionKind: String, Sendable {
        /// Takes locks lazily; a later write may fail with SQLITE_BUSY without waiting.
        case deferred = "DEFERRED"
        /// Takes the write lock at `BEGIN` (waiting up to the busy timeout): the body sees a
        /// database no other writer can change until commit. Use for every read-then-write.
        case immediate = "IMMEDIATE"
        /// Like `immediate`; in WAL mode identical.
        case exclusive = "EXCLUSIVE"
    }

    /// The path this connection was opened with.
    public let path: String
    let handle: OpaquePointer
    private var savepointDepth = 0

    /// Opens (or creates) the database at `path` and configures it: busy timeout, WAL journal,
    /// foreign keys. Throws `.sqlite` / `.busy` with SQLite's code and message on failure; a file
    /// that is not a database fails here with `SQLITE_NOTADB` (26).
    public init(path: String, mode: OpenMode = .readWriteCreate, busyTimeout: Duration = .seconds(10)) throws(LedgerError) {
        var flags: Int32 = SQLITE_OPEN_NOMUTEX
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteDatabase.error(code: rc, message: message, operation: "opening \(path)")
        }
        self.path = path
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        let millis = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: millis))
        if mode != .readOnly {
            // journal_mode returns a row ("wal"); read it through a statement. Switching a new
            // database to WAL needs its exclusive lock, and SQLite answers SQLITE_BUSY at once —
            // without the busy handler, to avoid a deadlock — when another connection opening the
            // same new file holds a shared lock meanwhile: retried here within the busy timeout.
            let deadline = ContinuousClock.now + busyTimeout
            var rows: [SQLiteRow] = []
            while true {
                do {
                    rows = try query("PRAGMA journal_mode=WAL")
                    break
                } catch {
                    guard case .busy = error, ContinuousClock.now < deadline else { throw error }
                    usleep(10_000)
                }
            }
            if case let .text(journal)? = rows.first?.values.first, journal.lowercased() != "wal" {
                throw LedgerError.sqlite(code: SQLITE_ERROR, message: "journal mode is \(journal), not wal", operation: "enabling WAL on \(path)")
            }
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Maps a result code to `.busy` (SQLITE_BUSY) or `.sqlite`.
    static func error(code: Int32, message: String, operation: String) -> LedgerError {
        if code & 0xff == SQLITE_BUSY {
            return .busy(message: message, operation: operation)
        }
        return .sqlite(code: code, message: message, operation: operation)
    }

    /// The error for the last failed call on this connection.
    func lastError(_ code: Int32, operation: String) -> LedgerError {
        SQLiteDatabase.error(code: code, message: String(cString: sqlite3_errmsg(handle)), operation: operation)
    }

    /// Compiles one SQL statement.
    public func prepare(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw lastError(rc, operation: "preparing \(sql)")
        }
        return SQLiteStatement(handle: statement, database: self, sql: sql)
    }

    /// Runs one or more statements without parameters (for DDL and pragmas), discarding rows.
    public func execute(_ sql: String) throws(LedgerError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw lastError(rc, operation: "executing \(sql)") }
    }

    /// Runs one statement with bound parameters, discarding rows. Returns the number of rows
    /// changed by an INSERT, UPDATE or DELETE.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [SQLiteValue]) throws(LedgerError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs one statement with bound parameters and returns all its rows.
    public func query(_ sql: String, _ parameters: [SQLiteValue] = []) throws(LedgerError) -> [SQLiteRow] {
        var rows: [SQLiteRow] = []
        try forEachRow(sql, parameters) { rows.append($0) }
        return rows
    }

    /// Runs one statement with bound parameters and hands its rows to `body` one at a time.
    public func forEachRow(_ sql: String, _ parameters: [SQLiteValue], _ body: (SQLiteRow) throws(LedgerError) -> Void) throws(LedgerError) {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        while try statement.step() {
            try body(statement.row())
        }
    }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a transaction: `BEGIN <kind>`, then `COMMIT` if `body` returns, or
    /// `ROLLBACK` if it (or the commit) throws, rethrowing the error. Nothing `body` wrote survives
    /// a rollback. With `.immediate`, `BEGIN` waits up to the busy timeout for the write lock and
    /// throws `.busy` if it cannot get it.
    ///
    /// Called inside another transaction on the same connection, it nests as a SAVEPOINT: an
    /// error rolls back to the savepoint only (and propagates, so the outer body sees it too).
    @discardableResult
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        if isInTransaction {
            savepointDepth += 1
            let name = "easeml_sp\(savepointDepth)"
            defer { savepointDepth -= 1 }
            try execute("SAVEPOINT \(name)")
            do {
                let result = try body()
                try execute("RELEASE \(name)")
                return result
            } catch {
                try? execute("ROLLBACK TO \(name)")
                try? execute("RELEASE \(name)")
                throw error
            }
        }
        try execute("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }
}
