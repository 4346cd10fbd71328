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

    /// Creates the TEMP table and triggers that note each inserted or updated row of a covered
    /// table (they live only as long as the connection, so they are never in a copy of the file).
    static func installTracking(_ db: SQLiteDatabase) throws(LedgerError) {
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

    /// The digests of the rows written since the last call (inside the current transaction), keyed
    /// `table[key]`; the list is then emptied.
    static func takeTouched(_ db: SQLiteDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        for row in try db.query("SELECT tbl, key, rid FROM easeml_touched ORDER BY tbl, key") {
            let table = try row.string("tbl")
            let key = try row.string("key")
            let current = try db.query("SELECT * FROM \(table) WHERE rowid = ?", [.integer(try row.int64("rid"))])
            // A row inserted and deleted in one transaction leaves nothing to vouch for.
            guard let content = current.first else { continue }
            digests[table + key] = digest(content)
        }
        try db.execute("DELETE FROM easeml_touched")
        return digests
    }

    /// The digest of every covered row in the file, keyed `table[key]`.
    static func allDigests(_ db: SQLiteDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        // A migration adopting rows runs before later migrations have made their tables.
        let present = Set(try db.query("SELECT name FROM sqlite_master WHERE type = 'table'").map { (row) throws(LedgerError) in try row.string("name") })
        for table in tables where present.contains(table.name) {
            let key = "json_array(" + table.key.joined(separator: ", ") + ")"
            for row in try db.query("SELECT \(key) AS easeml_row_key, * FROM \(table.name)") {
                let content = SQLiteRow(columns: Array(row.columns.dropFirst()), values: Array(row.values.dropFirst()))
                guard case let .text(rowKey)? = row.values.first else { continue }
                digests[table.name + rowKey] = digest(content)
            }
        }
        return digests
    }

    /// The digests of the gate rows of one test set: its row, its question amendments, its
    /// evaluations and accepted models.
    static func digests(of testSetID: String, _ db: SQLiteDatabase) throws(LedgerError) -> [String: String] {
        var digests: [String: String] = [:]
        for (table, column) in [("test_sets", "id"), ("question_amendments", "test_set_id"), ("evaluations", "test_set_id"), ("accepted_models", "test_set_id")] {
            guard let spec = tables.first(where: { $0.name == table }) else { continue }
            let key = "json_array(" + spec.key.joined(separator: ", ") + ")"
            for row in try db.query("SELECT \(key) AS easeml_row_key, * FROM \(table) WHERE \(column) = ?", [.text(testSetID)]) {
                let content = SQLiteRow(columns: Array(row.columns.dropFirst()), values: Array(row.values.dropFirst()))
                guard case let .text(rowKey)? = row.values.first else { continue }
                digests[table + rowKey] = digest(content)
            }
        }
        return digests
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
