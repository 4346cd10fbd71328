extension Ledger {
    /// The tables in an order that satisfies every foreign key, events last.
    static let copyOrder = [
        "test_sets", "test_set_labels", "question_amendments", "evaluations", "accepted_models",
        "pick_sessions", "pick_candidates", "pick_queries", "pick_labels", "pick_choices",
        "automl_runs", "automl_arms", "automl_trials", "automl_proposals",
        "cleaning_sessions", "cleaning_rows", "improve_labels", "improve_rounds", "lineage_runs", "events",
    ]

    /// Copies every row of this ledger into `destination`, which must hold no event yet, in one
    /// transaction on each side (a snapshot of this one, one write of the other): a failure leaves
    /// `destination` as it was. Rows keep their columns and ids and events their text, so the copy
    /// has the same chain, head and row digests (`verify` proves it). Returns the rows copied per table.
    @discardableResult
    public func copy(into destination: Ledger) throws(LedgerError) -> [String: Int] {
        guard destination.path != path else { throw .invalidRequest("a ledger cannot be copied into itself") }
        return try reading { () throws(LedgerError) -> [String: Int] in
            try destination.database.transaction(.immediate) { () throws(LedgerError) -> [String: Int] in
                let existing = try destination.database.query("SELECT count(*) AS n FROM events")
                guard try existing.first?.int("n") ?? 0 == 0 else {
                    throw .invalidRequest("\(destination.path) already holds a ledger (it has events); copy only into an empty one")
                }
                var copied: [String: Int] = [:]
                for table in Self.copyOrder {
                    let rows = try database.query("SELECT * FROM \(table)")
                    for row in rows {
                        let placeholders = Array(repeating: "?", count: row.columns.count).joined(separator: ", ")
                        try destination.database.execute(
                            "INSERT INTO \(table) (\(row.columns.joined(separator: ", "))) VALUES (\(placeholders))", row.values)
                    }
                    copied[table] = rows.count
                    if destination.dialect == .postgresql, ["evaluations", "accepted_models", "pick_choices", "automl_trials", "automl_proposals", "lineage_runs"].contains(table) {
                        // The next generated id follows the copied ones.
                        try destination.database.execute(
                            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM \(table)), false)")
                    }
                }
                // The copied rows are vouched for by the copied events, not by a new one.
                _ = try LedgerRows.takeTouched(destination.database)
                return copied
            }
        }
    }
}
