import CSQLite
import Foundation

/// SQLite's `SQLITE_TRANSIENT` destructor: SQLite copies bound text and blobs before returning.
/// (The C macro is `((sqlite3_destructor_type)-1)`, which Swift does not import.)
private var sqliteTransient: sqlite3_destructor_type {
    unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// One prepared statement of a `SQLiteDatabase`. Finalized when released.
///
/// Not `Sendable`: it belongs to its connection's thread. It keeps its connection alive.
public final class SQLiteStatement {
    let handle: OpaquePointer
    private let database: SQLiteDatabase
    /// The SQL text, for error messages.
    public let sql: String

    init(handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Resets the statement and binds `values` to parameters 1...n (text and blobs are copied).
    /// Throws if the count differs from the statement's parameter count.
    public func bind(_ values: [SQLiteValue]) throws(LedgerError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw .invalidRequest("\(values.count) parameters for \(expected) placeholders in \(sql)")
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case let .integer(v):
                rc = sqlite3_bind_int64(handle, index, v)
            case let .real(v):
                rc = sqlite3_bind_double(handle, index, v)
            case let .text(v):
                // withCString exposes the whole UTF-8 storage (plus a terminator), so passing the
                // byte count keeps text with embedded NULs intact.
                rc = v.withCString { chars in
                    sqlite3_bind_text(handle, index, chars, Int32(v.utf8.count), sqliteTransient)
                }
            case let .blob(v):
                if v.isEmpty {
                    rc = sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    rc = v.withUnsafeBytes { bytes in
                        sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                    }
                }
            case .null:
                rc = sqlite3_bind_null(handle, index)
            }
            guard rc == SQLITE_OK else { throw database.lastError(rc, operation: "binding parameter \(index) of \(sql)") }
        }
    }

    /// Advances the statement. Returns true when a row is available, false when done.
    public func step() throws(LedgerError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.lastError(rc, operation: "running \(sql)")
        }
    }

    /// Number of result columns.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `index` (0-based).
    public func columnName(_ index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// The value of result column `index` (0-based) in the current row.
    public func value(at index: Int) -> SQLiteValue {
        let i = Int32(index)
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, i))
            guard let pointer = sqlite3_column_text(handle, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, i))
            guard count > 0, let pointer = sqlite3_column_blob(handle, i) else { return .blob(Data()) }
            return .blob(Data(bytes: pointer, count: count))
        default:
            return .null
        }
    }

    /// The current row with its column names.
    public func row() -> SQLiteRow {
        let count = columnCount
        return SQLiteRow(columns: (0..<count).map(columnName), values: (0..<count).map { value(at: $0) })
    }
}
