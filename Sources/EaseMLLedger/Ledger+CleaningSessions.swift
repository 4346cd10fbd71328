import Foundation

/// Cleaning sessions and improvement loops (schema version 4). Every change is one `BEGIN
/// IMMEDIATE` transaction that also appends its event to the hash chain, so a process killed at any
/// moment leaves a session exactly as it was before or after the change, and the next command
/// resumes from there.
extension Ledger {
    /// Creates a session and appends a `clean-start` event, with `cleaned` rows already recorded
    /// (a `clean-rows` event; for sessions carried over from elsewhere), in one transaction.
    /// Refuses a taken id.
    @discardableResult
    public func createCleaningSession(
        id: String, kind: CleaningSessionRecord.Kind, settings: String, cleaned: [CleanedRowRecord] = []
    ) throws(LedgerError) -> CleaningSessionRecord {
        guard !id.isEmpty else { throw .invalidRequest("a cleaning session needs an id") }
        return try database.transaction(.immediate) { () throws(LedgerError) -> CleaningSessionRecord in
            if try !database.query("SELECT 1 FROM cleaning_sessions WHERE id = ?", [.text(id)]).isEmpty {
                throw .invalidRequest("a cleaning session \(id) already exists")
            }
            let now = LedgerTimestamp.now()
            try database.execute(
                "INSERT INTO cleaning_sessions (id, kind, created_at, settings) VALUES (?, ?, ?, ?)",
                [.text(id), .text(kind.rawValue), .text(now), .text(settings)])
            try appendEvent(.cleanStart, at: now, payload: [
                "session": .string(id), "kind": .string(kind.rawValue), "settings": .string(Self.digest(settings)),
            ])
            try insertCleaned(session: id, cleaned, at: now)
            return try fetchCleaningSession(id: id)!
        }
    }

    /// The session with this id, or nil.
    public func cleaningSession(id: String) throws(LedgerError) -> CleaningSessionRecord? {
        try database.transaction(.deferred) { () throws(LedgerError) -> CleaningSessionRecord? in try fetchCleaningSession(id: id) }
    }

    /// Session ids of one kind, oldest first.
    public func cleaningSessionIDs(kind: CleaningSessionRecord.Kind) throws(LedgerError) -> [String] {
        try database.query("SELECT id FROM cleaning_sessions WHERE kind = ? ORDER BY created_at, id", [.text(kind.rawValue)]).map {
            (row) throws(LedgerError) -> String in try row.string("id")
        }
    }

    /// Records cleaned rows of a `clean` session and appends a `clean-rows` event. All or nothing:
    /// refuses an unknown session, an empty list, or a row already cleaned.
    @discardableResult
    public func recordCleanedRows(session: String, _ rows: [CleanedRowRecord]) throws(LedgerError) -> CleaningSessionRecord {
        guard !rows.isEmpty else { throw .invalidRequest("no cleaned rows") }
        return try database.transaction(.immediate) { () throws(LedgerError) -> CleaningSessionRecord in
            guard try fetchCleaningSession(id: session) != nil else { throw .invalidRequest("no cleaning session \(session)") }
            let now = LedgerTimestamp.now()
            try insertCleaned(session: session, rows, at: now)
            return try fetchCleaningSession(id: session)!
        }
    }

    /// Opens round `round.round` of an `improve` session (its outcome must be nil) and appends an
    /// `improve-open` event. Refuses unless it is the next round and every earlier round is applied.
    @discardableResult
    public func openImproveRound(session: String, _ round: ImproveRoundRecord) throws(LedgerError) -> CleaningSessionRecord {
        guard round.outcome == nil, ["clean", "acquire"].contains(round.arm), !round.batch.isEmpty else {
            throw .invalidRequest("a new round needs an arm (clean or acquire), a batch, and no outcome")
        }
        return try database.transaction(.immediate) { () throws(LedgerError) -> CleaningSessionRecord in
            guard let record = try fetchCleaningSession(id: session), record.kind == .improve else {
                throw .invalidRequest("no improve session \(session)")
            }
            guard record.openRound == nil, round.round == record.rounds.count + 1 else {
                throw .invalidRequest("improve session \(session) changed meanwhile (another process?); run the command again")
            }
            let now = LedgerTimestamp.now()
            try database.execute(
                "INSERT INTO improve_rounds (session, round, arm, batch, reason, opened_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(session), .int(round.round), .text(round.arm), .text(Self.jsonText(round.batch)), .text(round.reason), .text(now)])
            try appendEvent(.improveOpen, at: now, payload: [
                "session": .string(session), "round": .integer(Int64(round.round)), "arm": .string(round.arm),
                "rows": .integer(Int64(round.batch.count)), "batch": .string(Self.digest(Self.jsonText(round.batch))),
            ])
            return try fetchCleaningSession(id: session)!
        }
    }

    /// Applies the open round `round` of an `improve` session: records the cleaned rows and the
    /// labels (rows of the round's batch only) and its outcome, and appends an `improve-apply`
    /// event, in one transaction. Refuses, writing nothing, anything else.
    @discardableResult
    public func applyImproveRound(
        session: String, round: Int, cleaned: [CleanedRowRecord], labels: [AcquiredLabelRecord], outcome: ImproveRoundRecord.Outcome
    ) throws(LedgerError) -> CleaningSessionRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> CleaningSessionRecord in
            guard let record = try fetchCleaningSession(id: session), let open = record.openRound, open.round == round else {
                throw .invalidRequest("round \(round) of improve session \(session) is not open (another process?); run `improve next`")
            }
            let batch = Set(open.batch)
            let answered = open.arm == "clean" ? cleaned.map(\.row) : labels.map(\.poolRow)
            guard open.arm == "clean" ? labels.isEmpty : cleaned.isEmpty, !answered.isEmpty, answered.allSatisfy(batch.contains) else {
                throw .invalidRequest("round \(round) asks for \(open.arm == "clean" ? "cleaned rows" : "labels") of its batch's rows only")
            }
            guard outcome.effort > 0, outcome.effort.isFinite, outcome.ceiling.isFinite, outcome.reward.isFinite else {
                throw .invalidRequest("a round's outcome needs a positive effort and finite numbers")
            }
            let now = LedgerTimestamp.now()
            try insertCleaned(session: session, cleaned.map { CleanedRowRecord(row: $0.row, values: $0.values, round: round) }, at: now)
            var seq = try database.query("SELECT count(*) AS n FROM improve_labels WHERE session = ?", [.text(session)]).first?.int("n") ?? 0
            for label in labels {
                seq += 1
                guard try database.query(
                    "SELECT 1 FROM improve_labels WHERE session = ? AND pool_row = ?", [.text(session), .int(label.poolRow)]
                ).isEmpty else { throw .invalidRequest("pool row \(label.poolRow) is already labelled") }
                try database.execute(
                    "INSERT INTO improve_labels (session, seq, pool_row, label, round, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(session), .int(seq), .int(label.poolRow), .text(label.label), .int(round), .text(now)])
            }
            try database.execute(
                "UPDATE improve_rounds SET effort = ?, ceiling = ?, reward = ?, applied_at = ? WHERE session = ? AND round = ?",
                [.real(outcome.effort), .real(outcome.ceiling), .real(outcome.reward), .text(now), .text(session), .int(round)])
            let answers = cleaned.map { "\($0.row):\(Self.jsonText($0.values))" } + labels.map { "\($0.poolRow)=\($0.label)" }
            try appendEvent(.improveApply, at: now, payload: [
                "session": .string(session), "round": .integer(Int64(round)), "rows": .integer(Int64(answered.count)),
                "answers": .string(Self.digest(answers.joined(separator: "\n"))),
            ])
            return try fetchCleaningSession(id: session)!
        }
    }

    private func insertCleaned(session: String, _ rows: [CleanedRowRecord], at now: String) throws(LedgerError) {
        guard !rows.isEmpty else { return }
        var seq = try database.query("SELECT count(*) AS n FROM cleaning_rows WHERE session = ?", [.text(session)]).first?.int("n") ?? 0
        for row in rows {
            guard row.values.allSatisfy(\.isFinite) else { throw .invalidRequest("row \(row.row) has a value that is not a finite number") }
            guard try database.query("SELECT 1 FROM cleaning_rows WHERE session = ? AND row = ?", [.text(session), .int(row.row)]).isEmpty else {
                throw .invalidRequest("row \(row.row) is already cleaned")
            }
            seq += 1
            try database.execute(
                "INSERT INTO cleaning_rows (session, seq, row, cell_values, round, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                [.text(session), .int(seq), .int(row.row), .text(Self.jsonText(row.values)), row.round.map { .int($0) } ?? .null, .text(now)])
        }
        if rows.first?.round == nil {
            try appendEvent(.cleanRows, at: now, payload: [
                "session": .string(session), "rows": .integer(Int64(rows.count)), "total": .integer(Int64(seq)),
                "digest": .string(Self.digest(rows.map { "\($0.row):\(Self.jsonText($0.values))" }.joined(separator: "\n"))),
            ])
        }
    }

    private func fetchCleaningSession(id: String) throws(LedgerError) -> CleaningSessionRecord? {
        guard let row = try database.query("SELECT id, kind, created_at, settings FROM cleaning_sessions WHERE id = ?", [.text(id)]).first else {
            return nil
        }
        guard let kind = CleaningSessionRecord.Kind(rawValue: try row.string("kind")) else {
            throw .inconsistent("cleaning session \(id) has an unknown kind")
        }
        let cleaned = try database.query(
            "SELECT row, cell_values, round FROM cleaning_rows WHERE session = ? ORDER BY seq", [.text(id)]
        ).map { (row) throws(LedgerError) -> CleanedRowRecord in
            CleanedRowRecord(
                row: try row.int("row"), values: try Self.numbers(try row.string("cell_values"), column: "cell_values"),
                round: row["round"].flatMap { if case let .integer(round) = $0 { Int(round) } else { nil } })
        }
        let labels = try database.query(
            "SELECT pool_row, label, round FROM improve_labels WHERE session = ? ORDER BY seq", [.text(id)]
        ).map { (row) throws(LedgerError) -> AcquiredLabelRecord in
            AcquiredLabelRecord(poolRow: try row.int("pool_row"), label: try row.string("label"), round: try row.int("round"))
        }
        let rounds = try database.query(
            "SELECT round, arm, batch, reason, effort, ceiling, reward, applied_at FROM improve_rounds WHERE session = ? ORDER BY round", [.text(id)]
        ).map { (row) throws(LedgerError) -> ImproveRoundRecord in
            let outcome: ImproveRoundRecord.Outcome? = try row.optionalString("applied_at") == nil
                ? nil
                : .init(effort: try row.double("effort"), ceiling: try row.double("ceiling"), reward: try row.double("reward"))
            return ImproveRoundRecord(
                round: try row.int("round"), arm: try row.string("arm"),
                batch: try Self.numbers(try row.string("batch"), column: "batch").map { Int($0) }, reason: try row.string("reason"),
                outcome: outcome)
        }
        return CleaningSessionRecord(
            id: id, kind: kind, createdAt: try row.string("created_at"), settings: try row.string("settings"), cleaned: cleaned,
            labels: labels, rounds: rounds)
    }

    /// A JSON array of numbers; Swift prints the shortest text that reads back as the same double.
    static func jsonText<T: Encodable>(_ values: [T]) -> String {
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func numbers(_ text: String, column: String) throws(LedgerError) -> [Double] {
        guard let values = try? JSONDecoder().decode([Double].self, from: Data(text.utf8)) else {
            throw .inconsistent("\(column) is not a JSON array of numbers")
        }
        return values
    }
}
