import Crypto
import Foundation

/// The rows the event chain vouches for: every table whose rows decide anything (test sets and
/// their questions, evaluations, accepted models, and the sessions of pick, clean, improve and
/// AutoML). Each event carries, under `rows`, the digest of every such row its transaction wrote
/// (`table[key]` → digest), so `verify()` can tell an edited, forged or deleted row from the real
/// one, in any table, and the chain's MAC makes that proof hold against a full rewrite.
///
/// Rows are noticed by per-connection TEMP triggers, not by the code that writes them: no write
/// path can forget to report a row, and a row written around the ledger (by hand, with `sqlite3`)
/// has no event and is reported as forged.
enum LedgerRows {
    struct Table: Sendable {
        var name: String
        var key: [String]
    }

    static let tables: [Table] = [
        Table(name: "test_sets", key: ["id"]),
        // Vouched for by the register event and audited by a full `ledger verify`; the per-check
        // verification of one set leaves them to their seals (each chunk's AES-GCM context binds
        // set, index and count, checked when the labels are opened), so no check hashes them.
        Table(name: "test_set_labels", key: ["test_set_id", "chunk"]),
        Table(name: "question_amendments", key: ["test_set_id", "seq"]),
        Table(name: "evaluations", key: ["id"]),
        Table(name: "accepted_models", key: ["id"]),
        Table(name: "pick_sessions", key: ["name"]),
        Table(name: "pick_candidates", key: ["session", "position"]),
        Table(name: "pick_queries", key: ["session", "round"]),
        Table(name: "pick_labels", key: ["session", "item"]),
        Table(name: "pick_choices", key: ["id"]),
        Table(name: "automl_runs", key: ["id"]),
        Table(name: "automl_arms", key: ["run", "position"]),
        Table(name: "automl_trials", key: ["id"]),
        Table(name: "automl_proposals", key: ["id"]),
        Table(name: "cleaning_sessions", key: ["id"]),
        Table(name: "cleaning_rows", key: ["session", "row"]),
        Table(name: "improve_labels", key: ["session", "pool_row"]),
        Table(name: "improve_rounds", key: ["session", "round"]),
        Table(name: "lineage_runs", key: ["id"]),
    ]

    /// Creates the TEMP table (and, on SQLite, the TEMP triggers) that note each inserted or updated
    /// row of a covered table; they live only as long as the connection, so they are never in a copy
    /// of the file. On PostgreSQL the triggers are part of the schema (`PostgresSchema`) and write
    /// into this connection's TEMP table, so a connection that bypasses the ledger cannot write a
    /// covered row at all.
    static func installTracking(_ db: any LedgerDatabase) throws(LedgerError) {
        switch db.dialect {
        case .postgresql:
            try db.execute("CREATE TEMP TABLE IF NOT EXISTS easeml_touched (tbl TEXT NOT NULL, key JSONB NOT NULL, PRIMARY KEY (tbl, key))")
        case .sqlite:
            var sql = """
                CREATE TEMP TABLE IF NOT EXISTS easeml_touched (
                    tbl TEXT NOT NULL, key TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (tbl, key));
                """
            for table in tables {
                let key = "json_array(" + table.key.map { "NEW.\($0)" }.joined(separator: ", ") + ")"
                for event in ["INSERT", "UPDATE"] {
                    sql += """

                        CREATE TEMP TRIGGER IF NOT EXISTS easeml_track_\(table.name)_\(event.lowercased()) AFTER \(event) ON \(table.name)
                            BEGIN INSERT OR REPLACE INTO easeml_touched (tbl, key, rid) VALUES ('\(table.name)', \(key), NEW.rowid); END;
                        """
                }
            }
            try db.execute(sql)
        }
    }

    /// The digests of the rows written since the last call (inside the current transaction), keyed
    /// `table[key]`; the list is then emptied.
    static func takeTouched(_ db: any LedgerDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        switch db.dialect {
        case .sqlite:
            for row in try db.query("SELECT tbl, key, rid FROM easeml_touched ORDER BY tbl, key") {
                let table = try row.string("tbl")
                let key = try row.string("key")
                let current = try db.query("SELECT * FROM \(table) WHERE rowid = ?", [.integer(try row.int64("rid"))])
                // A row inserted and deleted in one transaction leaves nothing to vouch for.
                guard let content = current.first else { continue }
                digests[table + key] = digest(content)
            }
        case .postgresql:
            for row in try db.query("SELECT tbl, key::text AS key FROM easeml_touched ORDER BY tbl, key") {
                let name = try row.string("tbl")
                guard let table = tables.first(where: { $0.name == name }),
                    let values = try? JSONSerialization.jsonObject(with: Data(try row.string("key").utf8)) as? [Any], values.count == table.key.count
                else { throw .inconsistent("a tracked row of \(name) has an unreadable key") }
                let parameters: [SQLiteValue] = values.map { value in
                    if let text = value as? String { return .text(text) }
                    if let number = value as? NSNumber { return .integer(number.int64Value) }
                    return .null
                }
                let condition = table.key.map { "\($0) = ?" }.joined(separator: " AND ")
                guard let content = try db.query("SELECT * FROM \(name) WHERE \(condition)", parameters).first else { continue }
                digests[name + rowKey(content, table)] = digest(content)
            }
        }
        try db.execute("DELETE FROM easeml_touched")
        return digests
    }

    /// The key of a covered row as the chain names it: the key columns as a JSON array in
    /// `CanonicalJSON`'s spelling, which is SQLite's `json_array`'s (no spaces; `"` and `\`
    /// escaped, control characters as `\b \t \n \f \r` or `\u00xx`, everything else as it
    /// is), so both engines name a row alike.
    static func rowKey(_ row: SQLiteRow, _ table: Table) -> String {
        CanonicalJSON.encode(.array(table.key.map { column -> CanonicalJSON.Value in
            switch row[column] {
            case .integer(let v)?: .integer(v)
            case .text(let v)?: .string(v)
            default: .null
            }
        }))
    }

    /// The covered tables present in the database.
    private static func presentTables(_ db: any LedgerDatabase) throws(LedgerError) -> Set<String> {
        let sql = switch db.dialect {
        case .sqlite: "SELECT name FROM sqlite_master WHERE type = 'table'"
        case .postgresql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        return Set(try db.query(sql).map { (row) throws(LedgerError) in try row.string("name") })
    }

    /// The digests of every row of `table` that `condition` (with `parameters`) selects.
    private static func digests(of table: Table, where condition: String?, _ parameters: [SQLiteValue], _ db: any LedgerDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        let filter = condition.map { " WHERE \($0)" } ?? ""
        switch db.dialect {
        case .sqlite:
            let key = "json_array(" + table.key.joined(separator: ", ") + ")"
            try db.forEachRow("SELECT \(key) AS easeml_row_key, * FROM \(table.name)\(filter)", parameters) { row in
                let content = SQLiteRow(columns: Array(row.columns.dropFirst()), values: Array(row.values.dropFirst()))
                guard case let .text(rowKey)? = row.values.first else { return }
                digests[table.name + rowKey] = digest(content)
            }
        case .postgresql:
            try db.forEachRow("SELECT * FROM \(table.name)\(filter)", parameters) { row in
                digests[table.name + rowKey(row, table)] = digest(row)
            }
        }
        return digests
    }

    /// The digest of every covered row in the file, keyed `table[key]`.
    static func allDigests(_ db: any LedgerDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        // A migration adopting rows runs before later migrations have made their tables.
        let present = try presentTables(db)
        for table in tables where present.contains(table.name) {
            digests.merge(try Self.digests(of: table, where: nil, [], db)) { $1 }
        }
        return digests
    }

    /// The digests of the gate rows of one test set: its row, its question amendments, its
    /// evaluations and accepted models.
    static func digests(of testSetID: String, _ db: any LedgerDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        for (name, column) in [("test_sets", "id"), ("question_amendments", "test_set_id"), ("evaluations", "test_set_id"), ("accepted_models", "test_set_id")] {
            guard let table = tables.first(where: { $0.name == name }) else { continue }
            digests.merge(try Self.digests(of: table, where: "\(column) = ?", [.text(testSetID)], db)) { $1 }
        }
        return digests
    }

    /// The highest event number the engine ever issued (SQLite's `sqlite_sequence`, the server's
    /// `ledger_meta`), or nil when it keeps none.
    static func highestIssuedEventSeq(_ db: any LedgerDatabase) throws(LedgerError) -> Int64? {
        let sql = switch db.dialect {
        case .sqlite: "SELECT seq FROM sqlite_sequence WHERE name = 'events'"
        case .postgresql: "SELECT value AS seq FROM ledger_meta WHERE key = 'highest_event_seq'"
        }
        return try db.query(sql).first?.int64("seq")
    }

    /// SHA-256 of the row's canonical JSON: column name → value, integers as numbers, text as
    /// strings, reals by their exact bit pattern, blobs by their own SHA-256.
    static func digest(_ row: SQLiteRow) -> String {
        var object: [String: CanonicalJSON.Value] = [:]
        for (column, value) in zip(row.columns, row.values) {
            switch value {
            case .integer(let v): object[column] = .integer(v)
            case .real(let v): object[column] = .string("r:" + String(v.bitPattern, radix: 16))
            case .text(let v): object[column] = .string(v)
            case .blob(let v): object[column] = .string("b:" + EventChain.hex(SHA256.hash(data: v)))
            case .null: object[column] = .null
            }
        }
        return EventChain.hex(SHA256.hash(data: Data(CanonicalJSON.encode(object).utf8)))
    }
}
