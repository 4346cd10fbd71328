import Crypto
import Foundation

/// ModelPicker sessions (schema version 2). Every write is one `BEGIN IMMEDIATE` transaction that
/// also appends its event(s) to the hash chain, so a killed process leaves a session exactly as
/// it was before or after a change; the state is rebuilt by replaying the stored query log.
extension Ledger {
    /// Creates a session and appends a `pick-start` event. Refuses a taken name or unusable values.
    @discardableResult
    public func createPickSession(_ new: NewPickSession) throws(LedgerError) -> PickSessionRecord {
        guard !new.name.isEmpty else { throw .invalidRequest("a pick session needs a name") }
        guard new.candidates.count >= 2 else { throw .invalidRequest("a pick session needs at least 2 candidate models") }
        guard !new.itemIDs.isEmpty else { throw .invalidRequest("the pool has no items") }
        guard new.labelBudget >= 1 else { throw .invalidRequest("the label budget must be at least 1") }
        guard new.gamma.isFinite, new.gamma >= 0, new.epsilon > 0, new.epsilon < 1, new.delta > 0, new.delta < 1 else {
            throw .invalidRequest("γ must be ≥ 0 and ε, δ in (0, 1)")
        }
        for candidate in new.candidates where candidate.predictions.count != new.itemIDs.count {
            throw .invalidRequest("\(candidate.name) has \(candidate.predictions.count) predictions for \(new.itemIDs.count) items")
        }
        return try database.transaction(.immediate) { () throws(LedgerError) -> PickSessionRecord in
            if try !database.query("SELECT 1 FROM pick_sessions WHERE name = ?", [.text(new.name)]).isEmpty {
                throw .invalidRequest("a pick session named \(new.name) already exists")
            }
            let now = LedgerTimestamp.now()
            let ids = CanonicalJSON.encode(.array(new.itemIDs.map { .string($0) }))
            try database.execute("""
                INSERT INTO pick_sessions (name, created_at, seed, gamma, epsilon, delta, label_budget, classes, item_ids,
                    inputs_path, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')
                """, [
                    .text(new.name), .text(now), .integer(Int64(bitPattern: new.seed)), .real(new.gamma), .real(new.epsilon),
                    .real(new.delta), .int(new.labelBudget), .text(CanonicalJSON.encode(.array(new.classes.map { .string($0) }))),
                    .text(ids), .text(new.inputsPath),
                ])
            for (position, candidate) in new.candidates.enumerated() {
                try database.execute(
                    "INSERT INTO pick_candidates (session, position, name, file_hash, predictions) VALUES (?, ?, ?, ?, ?)",
                    [.text(new.name), .int(position), .text(candidate.name), .text(candidate.fileHash), .blob(Self.encodeCodes(candidate.predictions))])
            }
            try appendEvent(.pickStart, at: now, payload: [
                "session": .string(new.name), "seed": .string(String(new.seed)), "items": .integer(Int64(new.itemIDs.count)),
                "pool": .string(Self.digest(ids)), "label_budget": .integer(Int64(new.labelBudget)),
                "candidates": .array(new.candidates.map { .object(["name": .string($0.name), "file_hash": .string($0.fileHash)]) }),
            ])
            guard let record = try fetchPickSession(name: new.name) else { throw .inconsistent("pick session \(new.name) vanished after insert") }
            return record
        }
    }

    /// The session with this name, or nil.
    public func pickSession(name: String) throws(LedgerError) -> PickSessionRecord? {
        try database.transaction(.deferred) { () throws(LedgerError) -> PickSessionRecord? in try fetchPickSession(name: name) }
    }

    /// Session names, oldest first (only open ones when `openOnly`).
    public func pickSessionNames(openOnly: Bool = false) throws(LedgerError) -> [String] {
        try database.query(
            "SELECT name FROM pick_sessions \(openOnly ? "WHERE status = 'open'" : "") ORDER BY created_at, name"
        ).map { (row) throws(LedgerError) -> String in try row.string("name") }
    }

    /// A session's query log, by round.
    public func pickQueries(session: String) throws(LedgerError) -> [PickQueryRecord] {
        try database.query("SELECT round, item, probability FROM pick_queries WHERE session = ? ORDER BY round", [.text(session)]).map {
            (row) throws(LedgerError) -> PickQueryRecord in
            PickQueryRecord(round: try row.int("round"), item: try row.int("item"), probability: try row.double("probability"))
        }
    }

    /// A session's labels, in arrival order.
    public func pickLabels(session: String) throws(LedgerError) -> [PickLabelRecord] {
        try database.query("SELECT item, label, seq FROM pick_labels WHERE session = ? ORDER BY seq", [.text(session)]).map {
            (row) throws(LedgerError) -> PickLabelRecord in
            PickLabelRecord(item: try row.int("item"), label: try row.string("label"), seq: try row.int("seq"))
        }
    }

    /// The newest chosen model (the one serving now), or nil.
    public func lastPickChoice() throws(LedgerError) -> PickChoice? {
        let rows = try database.query("SELECT session, model, file_hash, reason, chosen_at FROM pick_choices ORDER BY id DESC LIMIT 1")
        guard let row = rows.first else { return nil }
        return PickChoice(
            session: try row.string("session"), model: try row.string("model"), fileHash: try row.string("file_hash"),
            reason: try row.string("reason"), chosenAt: try LedgerTimestamp.parse(try row.string("chosen_at"), column: "chosen_at"))
    }

    /// Applies `update` to an open session in one `BEGIN IMMEDIATE` transaction, with one event per
    /// kind of change (`pick-advance`, `pick-label`, `pick-choose`). Refuses, writing nothing, when
    /// the session is unknown, stopped, or not in the expected state, or when an item is out of the
    /// pool or already labeled.
    @discardableResult
    public func updatePickSession(name: String, _ update: PickSessionUpdate) throws(LedgerError) -> PickSessionRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> PickSessionRecord in
            guard let record = try fetchPickSession(name: name) else { throw .invalidRequest("no pick session named \(name)") }
            guard record.status == .open else { throw .invalidRequest("pick session \(name) has stopped (chose \(record.chosenModel ?? "-"))") }
            let labelCount = try database.query("SELECT count(*) AS n FROM pick_labels WHERE session = ?", [.text(name)]).first?.int("n") ?? 0
            guard record.streamPosition == update.expectedStreamPosition, record.draws == update.expectedDraws,
                labelCount == update.expectedLabelCount
            else { throw .invalidRequest("pick session \(name) changed meanwhile (another process?); run the command again") }
            guard update.streamPosition >= record.streamPosition, update.draws >= record.draws else {
                throw .invalidRequest("a pick session only moves forward")
            }
            let itemCount = record.session.itemIDs.count
            guard update.streamPosition <= itemCount else { throw .invalidRequest("the stream has only \(itemCount) items") }
            let now = LedgerTimestamp.now()
            if update.streamPosition != record.streamPosition || update.draws != record.draws || !update.queries.isEmpty {
                for query in update.queries {
                    guard query.round > record.streamPosition, query.round <= update.streamPosition, query.item >= 0, query.item < itemCount,
                        query.probability > 0, query.probability <= 1
                    else { throw .invalidRequest("query for round \(query.round) is outside the advance") }
                    try database.execute(
                        "INSERT INTO pick_queries (session, round, item, probability) VALUES (?, ?, ?, ?)",
                        [.text(name), .int(query.round), .int(query.item), .real(query.probability)])
                }
                try database.execute(
                    "UPDATE pick_sessions SET stream_position = ?, draws = ? WHERE name = ?",
                    [.int(update.streamPosition), .int(update.draws), .text(name)])
                let log = update.queries.map { "\($0.round),\($0.item),\($0.probability.bitPattern)" }.joined(separator: ";")
                try appendEvent(.pickAdvance, at: now, payload: [
                    "session": .string(name), "position": .integer(Int64(update.streamPosition)), "draws": .integer(Int64(update.draws)),
                    "queries": .integer(Int64(update.queries.count)), "log": .string(Self.digest(log)),
                ])
            }
            if !update.labels.isEmpty {
                var seq = labelCount
                for (item, label) in update.labels {
                    guard item >= 0, item < itemCount else { throw .invalidRequest("item \(item) is not in the pool") }
                    seq += 1
                    do {
                        try database.execute(
                            "INSERT INTO pick_labels (session, item, label, seq, received_at) VALUES (?, ?, ?, ?, ?)",
                            [.text(name), .int(item), .text(label), .int(seq), .text(now)])
                    } catch {
                        throw .invalidRequest("item \(record.session.itemIDs[item]) is already labeled")
                    }
                }
                let text = update.labels.map { "\($0.item)=\($0.label)" }.joined(separator: "\n")
                try appendEvent(.pickLabel, at: now, payload: [
                    "session": .string(name), "labels": .integer(Int64(update.labels.count)), "total": .integer(Int64(seq)),
                    "digest": .string(Self.digest(text)),
                ])
            }
            if let choice = update.choice {
                try database.execute(
                    "UPDATE pick_sessions SET status = 'stopped', stop_reason = ?, chosen_model = ?, closed_at = ? WHERE name = ?",
                    [.text(choice.reason), .text(choice.model), .text(now), .text(name)])
                try database.execute(
                    "INSERT INTO pick_choices (session, model, file_hash, reason, chosen_at) VALUES (?, ?, ?, ?, ?)",
                    [.text(name), .text(choice.model), .text(choice.fileHash), .text(choice.reason), .text(now)])
                try appendEvent(.pickChoose, at: now, payload: [
                    "session": .string(name), "model": .string(choice.model), "file_hash": .string(choice.fileHash),
                    "reason": .string(choice.reason),
                ])
            }
            guard let updated = try fetchPickSession(name: name) else { throw .inconsistent("pick session \(name) vanished") }
            return updated
        }
    }

    private func fetchPickSession(name: String) throws(LedgerError) -> PickSessionRecord? {
        let rows = try database.query("""
            SELECT name, created_at, seed, gamma, epsilon, delta, label_budget, classes, item_ids, inputs_path, stream_position,
                draws, status, stop_reason, chosen_model, closed_at FROM pick_sessions WHERE name = ?
            """, [.text(name)])
        guard let row = rows.first else { return nil }
        var candidates: [NewPickSession.Candidate] = []
        for candidate in try database.query(
            "SELECT name, file_hash, predictions FROM pick_candidates WHERE session = ? ORDER BY position", [.text(name)]
        ) {
            candidates.append(.init(
                name: try candidate.string("name"), fileHash: try candidate.string("file_hash"),
                predictions: Self.decodeCodes(try candidate.data("predictions"))))
        }
        guard let status = PickSessionRecord.Status(rawValue: try row.string("status")) else {
            throw .inconsistent("pick session \(name) has an unknown status")
        }
        let session = NewPickSession(
            name: name, seed: UInt64(bitPattern: try row.int64("seed")), gamma: try row.double("gamma"), epsilon: try row.double("epsilon"),
            delta: try row.double("delta"), labelBudget: try row.int("label_budget"),
            classes: try Self.stringArray(try row.string("classes"), column: "classes"),
            itemIDs: try Self.stringArray(try row.string("item_ids"), column: "item_ids"),
            inputsPath: try row.optionalString("inputs_path"), candidates: candidates)
        return PickSessionRecord(
            session: session, createdAt: try LedgerTimestamp.parse(try row.string("created_at"), column: "created_at"),
            streamPosition: try row.int("stream_position"), draws: try row.int("draws"), status: status,
            stopReason: try row.optionalString("stop_reason"), chosenModel: try row.optionalString("chosen_model"),
            closedAt: try row.optionalString("closed_at").map { (text) throws(LedgerError) -> Date in
                try LedgerTimestamp.parse(text, column: "closed_at")
            })
    }

    static func stringArray(_ text: String, column: String) throws(LedgerError) -> [String] {
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String] else {
            throw .inconsistent("\(column) is not a JSON array of strings")
        }
        return array
    }

    static func encodeCodes(_ codes: [Int32]) -> Data {
        var data = Data(capacity: codes.count * 4)
        for code in codes { withUnsafeBytes(of: code.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decodeCodes(_ data: Data) -> [Int32] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Int32(littleEndian: Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24))
        }
    }

    static func digest(_ text: String) -> String { EventChain.hex(SHA256.hash(data: Data(text.utf8))) }
}
