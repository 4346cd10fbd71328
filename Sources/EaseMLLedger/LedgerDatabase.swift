/// Which SQL engine holds a ledger.
public enum LedgerDialect: String, Sendable {
    /// A local file (`SQLiteDatabase`).
    case sqlite
    /// A team server (`PostgresConnection`), named by a `postgresql://` URL.
    case postgresql
}

/// The one connection a `Ledger` writes through: SQLite for a file, PostgreSQL for a server. The
/// ledger's statements are written once, in the SQL both accept (`?` placeholders, `RETURNING`,
/// no engine-specific functions); what differs — the schema's DDL, the tracking of written rows, the
/// highest issued event number — is asked of the dialect.
protocol LedgerDatabase: AnyObject {
    /// The file path or the server URL without its password.
    var location: String { get }
    var dialect: LedgerDialect { get }
    var isInTransaction: Bool { get }
    /// Runs statements without parameters, discarding rows.
    func execute(_ sql: String) throws(LedgerError)
    /// Runs one statement with parameters; returns the rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLiteValue]) throws(LedgerError) -> Int
    /// Runs one statement with parameters and returns its rows.
    func query(_ sql: String, _ parameters: [SQLiteValue]) throws(LedgerError) -> [SQLiteRow]
    /// Runs one statement with parameters and hands its rows to `body` one at a time (SQLite
    /// holds one row in memory at a time: rows with large blobs, such as sealed label chunks or a
    /// model's stored predictions, are not all loaded at once).
    func forEachRow(_ sql: String, _ parameters: [SQLiteValue], _ body: (SQLiteRow) throws(LedgerError) -> Void) throws(LedgerError)
    /// Commits only when `body` returns; nested calls are savepoints. `.immediate` serializes writers.
    func transaction<T>(_ kind: SQLiteDatabase.TransactionKind, _ body: () throws(LedgerError) -> T) throws(LedgerError) -> T
}

extension LedgerDatabase {
    func query(_ sql: String) throws(LedgerError) -> [SQLiteRow] {
        try query(sql, [])
    }
}

extension PostgresConnection {
    /// libpq returns a whole result at once: the rows are handed over from it.
    func forEachRow(_ sql: String, _ parameters: [SQLiteValue], _ body: (SQLiteRow) throws(LedgerError) -> Void) throws(LedgerError) {
        for row in try query(sql, parameters) { try body(row) }
    }
}

extension SQLiteDatabase: LedgerDatabase {
    var location: String { path }
    var dialect: LedgerDialect { .sqlite }
}
