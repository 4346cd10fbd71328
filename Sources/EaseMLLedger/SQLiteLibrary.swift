import CSQLite

/// Facts about the SQLite library this binary is linked against.
public enum SQLiteLibrary {
    /// The linked SQLite version, e.g. `3.40.1`.
    public static var version: String { String(cString: sqlite3_libversion()) }
}
