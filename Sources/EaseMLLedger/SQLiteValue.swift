import Foundation

/// One SQLite value, as bound to a statement parameter or read from a result column.
public enum SQLiteValue: Sendable, Equatable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
    case null

    /// `.text(value)`, or `.null` when `value` is nil.
    public static func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
    /// `.blob(value)`, or `.null` when `value` is nil.
    public static func blob(_ value: Data?) -> SQLiteValue { value.map { .blob($0) } ?? .null }
    /// `.integer(Int64(value))`.
    public static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }
}

/// One result row: values by column index, with lookup by column name.
///
/// The typed accessors throw `LedgerError.inconsistent` when a column is missing or holds
/// another type, so a hand-edited file surfaces as an error rather than a crash.
public struct SQLiteRow: Sendable, Equatable {
    public let columns: [String]
    public let values: [SQLiteValue]

    public init(columns: [String], values: [SQLiteValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value in the named column, or nil if there is no such column.
    public subscript(_ name: String) -> SQLiteValue? {
        columns.firstIndex(of: name).map { values[$0] }
    }

    private func value(_ name: String) throws(LedgerError) -> SQLiteValue {
        guard let value = self[name] else { throw .inconsistent("no column \(name)") }
        return value
    }

    public func int64(_ name: String) throws(LedgerError) -> Int64 {
        guard case let .integer(v) = try value(name) else { throw .inconsistent("column \(name) is not an integer") }
        return v
    }

    public func int(_ name: String) throws(LedgerError) -> Int {
        Int(try int64(name))
    }

    public func double(_ name: String) throws(LedgerError) -> Double {
        switch try value(name) {
        case let .real(v): return v
        case let .integer(v): return Double(v)
        default: throw .inconsistent("column \(name) is not a number")
        }
    }

    public func string(_ name: String) throws(LedgerError) -> String {
        guard case let .text(v) = try value(name) else { throw .inconsistent("column \(name) is not text") }
        return v
    }

    public func optionalString(_ name: String) throws(LedgerError) -> String? {
        switch try value(name) {
        case .null: return nil
        case let .text(v): return v
        default: throw .inconsistent("column \(name) is not text")
        }
    }

    public func data(_ name: String) throws(LedgerError) -> Data {
        guard let v = try optionalData(name) else { throw .inconsistent("column \(name) is NULL") }
        return v
    }

    public func optionalData(_ name: String) throws(LedgerError) -> Data? {
        switch try value(name) {
        case .null: return nil
        case let .blob(v): return v
        case let .text(v): return Data(v.utf8)
        default: throw .inconsistent("column \(name) is not a blob")
        }
    }
}
