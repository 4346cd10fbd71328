import CSQLite
import EaseMLCore
import Foundation

/// The test-set accountant (DESIGN §6): one SQLite file recording every use of hidden test sets.
///
/// Guarantees:
/// - **Charge before reveal.** `charge(_:)` records an evaluation and checks the budget in one
///   `BEGIN IMMEDIATE` transaction; the caller reveals a verdict only after it returns. Once it
///   returns `.charged`, the charge is committed (WAL, durable across a process crash).
/// - **No overspending.** Concurrent `charge` calls from any number of connections or processes
///   are serialized by SQLite's write lock, so a set with k steps left grants exactly k charges.
/// - **Replay is free.** The same (test set, new model, old model) returns the recorded answer
///   without using a step.
/// - **Tamper evidence.** Every change appends an event to a SHA-256 hash chain in the same
///   transaction; `verify()` detects edited, deleted or reordered events and evaluations without
///   their event. Event payloads hold ids, hashes, verdicts and steps only: never labels or metrics.
/// - Every write (register, charge, retire, release) is atomic: on any error nothing is written.
///
/// Not `Sendable`: a `Ledger` is one connection. Open one per thread, task or process.
public final class Ledger {
    /// The underlying connection. Internal so that no caller can write around `charge`.
    let database: any LedgerDatabase
    /// The file path, or the server's URL without its password.
    public var path: String { database.location }
    /// Which engine holds the ledger.
    public var dialect: LedgerDialect { database.dialect }
    /// The owner's chain key, when at hand: events are then MAC'd, and only then may the events
    /// that decide what the gate says (`LedgerEvent.Kind.needsKey`) be written.
    private(set) var key: LedgerKey?

    /// Uses the owner's chain key for every event written from now on.
    public func authenticate(with key: LedgerKey) { self.key = key }

    /// Whether the owner's chain key is in use.
    public var isAuthenticated: Bool { key != nil }

    private init(database: any LedgerDatabase) {
        self.database = database
    }

    /// Opens the ledger at `path`, migrating it to the current schema.
    ///
    /// - `create: true` creates the file (and its parent folder) if missing;
    ///   `create: false` throws `.notFound` instead.
    /// - A file that is not an SQLite database, is damaged, or is another application's database
    ///   throws `.corrupt(path, message)`. A file from a newer easeml-ci throws `.newerSchema`.
    ///
    /// A `postgresql://` (or `postgres://`) URL opens a server ledger instead (`PostgresConnection`),
    /// migrated the same way (`PostgresSchema`); `create` then only decides whether an empty
    /// database may receive the schema.
    public static func open(at path: String, create: Bool) throws(LedgerError) -> Ledger {
        if isServerURL(path) {
            let connection = try PostgresConnection(url: path)
            try PostgresSchema.migrate(connection, create: create)
            try LedgerRows.installTracking(connection)
            return Ledger(database: connection)
        }
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: path) {
            guard create else { throw .notFound(path: path) }
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty && !fileManager.fileExists(atPath: parent) {
                do {
                    try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                } catch {
                    throw .cannotCreateDirectory(path: parent, message: "\(error)")
                }
            }
        }
        do {
            let database = try SQLiteDatabase(path: path, mode: create ? .readWriteCreate : .readWrite)
            try LedgerSchema.migrate(database)
            try LedgerRows.installTracking(database)
            return Ledger(database: database)
        } catch {
            throw corruptIfDamaged(error, path: path)
        }
    }

    /// Whether `location` names a PostgreSQL server rather than a file.
    public static func isServerURL(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    private static func corruptIfDamaged(_ error: LedgerError, path: String) -> LedgerError {
        if case let .sqlite(code, message, _) = error, code & 0xff == SQLITE_NOTADB || code & 0xff == SQLITE_CORRUPT {
            return .corrupt(path: path, message: message)
        }
        return error
    }

    // MARK: Test sets

    /// Registers a new test set and appends a `register` event, atomically.
    /// Throws `.alreadyRegistered` if its id is taken, `.invalidTestSet` for unusable values.
    ///
    /// `new.sealedLabels` is chunk 0; the sealed label chunks 1…`chunkCount` are made by `chunk(i)`
    /// one at a time inside the transaction, each stored before the next is made (so a large set's
    /// labels are never all sealed in memory at once).
    @discardableResult
    public func registerTestSet(
        _ new: NewTestSet, chunkCount: Int = 0,
        chunk: (Int) throws(LedgerError) -> Data = { index throws(LedgerError) in throw .invalidTestSet("no chunk \(index)") }
    ) throws(LedgerError) -> TestSetRecord {
        guard !new.id.isEmpty else { throw .invalidTestSet("empty id") }
        guard new.steps >= 1 else { throw .invalidTestSet("steps must be at least 1, got \(new.steps)") }
        guard new.size >= 0, new.plannedSize >= 0 else { throw .invalidTestSet("negative size") }
        guard new.reliability > 0, new.reliability < 1 else {
            throw .invalidTestSet("reliability must be in (0, 1), got \(new.reliability)")
        }
        return try database.transaction(.immediate) { () throws(LedgerError) -> TestSetRecord in
            if try fetchTestSet(id: new.id) != nil { throw .alreadyRegistered(testSetID: new.id) }
            let now = LedgerTimestamp.now()
            let classes = CanonicalJSON.encode(.array(new.classes.map { .string($0) }))
            let forced = new.size < new.plannedSize
            try database.execute("""
                INSERT INTO test_sets (id, name, size, classes, steps, adaptivity, reliability, condition,
                    planned_size, forced, sealed_labels, inputs_path, created_at, question, question_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                    .text(new.id), .text(new.name), .int(new.size), .text(classes), .int(new.steps),
                    .text(new.adaptivity.rawValue), .real(new.reliability), .text(new.condition),
                    .int(new.plannedSize), .int(forced ? 1 : 0), .blob(Data()),
                    .text(new.inputsPath), .text(now), .text(new.question), .text(new.questionDigest),
                ])
            func store(_ index: Int, _ sealed: Data) throws(LedgerError) {
                try database.execute(
                    "INSERT INTO test_set_labels (test_set_id, chunk, sealed) VALUES (?, ?, ?)",
                    [.text(new.id), .int(index), .blob(sealed)])
            }
            try store(0, new.sealedLabels)
            for index in stride(from: 1, through: chunkCount, by: 1) { try store(index, try chunk(index)) }
            try appendEvent(.register, at: now, payload: [
                "test_set": .string(new.id), "size": .integer(Int64(new.size)),
                "steps": .integer(Int64(new.steps)), "adaptivity": .string(new.adaptivity.rawValue),
                "forced": .bool(forced), "question": .string(new.questionDigest),
            ])
            guard let record = try fetchTestSet(id: new.id) else {
                throw .inconsistent("test set \(new.id) vanished after insert")
            }
            return record
        }
    }

    /// The test set with this id, or nil.
    public func testSet(id: String) throws(LedgerError) -> TestSetRecord? {
        try fetchTestSet(id: id)
    }

    /// All registered test sets, oldest first.
    public func testSets() throws(LedgerError) -> [TestSetRecord] {
        var records: [TestSetRecord] = []
        for row in try database.query("SELECT \(Self.testSetColumns) FROM test_sets ORDER BY created_at, id") {
            records.append(try Self.decodeTestSet(row))
        }
        return records
    }

    /// The opaque sealed labels stored at registration: chunk 0 (for a set registered before
    /// schema version 6, its whole blob). Throws `.unknownTestSet`.
    public func sealedLabels(testSetID: String) throws(LedgerError) -> Data {
        if let chunk = try sealedLabelChunk(testSetID: testSetID, chunk: 0) { return chunk }
        let rows = try database.query("SELECT sealed_labels FROM test_sets WHERE id = ?", [.text(testSetID)])
        guard let row = rows.first else { throw .unknownTestSet(testSetID: testSetID) }
        let whole = try row.data("sealed_labels")
        // Registered in chunks (its row's blob is empty) and chunk 0 is gone.
        if whole.isEmpty { throw .inconsistent("the sealed labels of test set \(testSetID) are missing (no chunk 0)") }
        return whole
    }

    /// Runs `body` in one read transaction: all it reads is one snapshot of the file, however
    /// many queries that takes (a charge by another process lands before or after, never between).
    public func reading<T>(_ body: () throws(LedgerError) -> T) throws(LedgerError) -> T {
        try database.transaction(.deferred, body)
    }

    /// Chunk `chunk` of the set's sealed labels, or nil when there is no such chunk.
    public func sealedLabelChunk(testSetID: String, chunk: Int) throws(LedgerError) -> Data? {
        try database.query(
            "SELECT sealed FROM test_set_labels WHERE test_set_id = ? AND chunk = ?", [.text(testSetID), .int(chunk)]
        ).first?.data("sealed")
    }

    /// Retires a set: it refuses all further charges (replays still answer). Appends a `retire`
    /// event. Retiring an already retired set keeps the first reason and writes nothing.
    /// Throws `.unknownTestSet`.
    @discardableResult
    public func retire(id: String, reason: String) throws(LedgerError) -> TestSetRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> TestSetRecord in
            guard let set = try fetchTestSet(id: id) else { throw .unknownTestSet(testSetID: id) }
            if set.isRetired { return set }
            try retireInTransaction(id: id, reason: reason, at: LedgerTimestamp.now())
            guard let record = try fetchTestSet(id: id) else { throw .inconsistent("test set \(id) vanished") }
            return record
        }
    }

    /// Marks a set as released to developers (its labels are no longer secret). A released set
    /// is also retired (reason "released") if it was not already, since it can no longer certify
    /// anything. Appends a `release` event. Releasing twice writes nothing. Throws `.unknownTestSet`.
    @discardableResult
    public func markReleased(id: String) throws(LedgerError) -> TestSetRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> TestSetRecord in
            guard let set = try fetchTestSet(id: id) else { throw .unknownTestSet(testSetID: id) }
            if set.releasedAt != nil { return set }
            let now = LedgerTimestamp.now()
            if !set.isRetired {
                try retireInTransaction(id: id, reason: "released", at: now)
            }
            try database.execute("UPDATE test_sets SET released_at = ? WHERE id = ?", [.text(now), .text(id)])
            try appendEvent(.release, at: now, payload: ["test_set": .string(id)])
            guard let record = try fetchTestSet(id: id) else { throw .inconsistent("test set \(id) vanished") }
            return record
        }
    }

    private func retireInTransaction(id: String, reason: String, at now: String) throws(LedgerError) {
        try database.execute(
            "UPDATE test_sets SET retired_at = ?, retired_reason = ? WHERE id = ?",
            [.text(now), .text(reason), .text(id)])
        try appendEvent(.retire, at: now, payload: ["test_set": .string(id), "reason": .string(reason)])
    }

    // MARK: Charging

    /// Charges one evaluation, in ONE `BEGIN IMMEDIATE` transaction:
    /// 1. If (test set, new model, old model) was already evaluated → `.replay(record)` with the
    ///    *recorded* verdict (which the caller must reveal instead of its own), no step used; a
    ///    `replay` event is appended. This holds even for a retired or exhausted set.
    /// 2. Unknown set → throws `.unknownTestSet`; retired → `.refused(.retired(reason))`;
    ///    no steps left → `.refused(.exhausted)`. Nothing is written.
    /// 3. Otherwise the evaluation is inserted with the next step number and the request's verdict
    ///    (`revealed = false` under adaptivity `none`), a `charge` event is appended, the model is
    ///    recorded as accepted if `acceptOnPass` and the verdict is `pass` (plus an `accept`
    ///    event), and the mode's `BudgetPolicy` rule is applied (for `firstChange`, a pass retires
    ///    the set). Returns `.charged(record, budget after)`.
    ///
    /// Throws `.busy` if the write lock could not be had within the busy timeout; then nothing was
    /// charged and the verdict must not be revealed.
    public func charge(_ request: ChargeRequest) throws(LedgerError) -> ChargeOutcome {
        guard !request.newModel.isEmpty else { throw .invalidRequest("empty new model hash") }
        if request.oldModel == "" { throw .invalidRequest("empty old model hash (use nil for none)") }
        return try database.transaction(.immediate) { () throws(LedgerError) -> ChargeOutcome in
            let oldKey = request.oldModel ?? ""
            let existing = try database.query(
                "SELECT \(Self.evaluationColumns) FROM evaluations WHERE test_set_id = ? AND new_model = ? AND old_model = ? AND question_digest = ?",
                [.text(request.testSetID), .text(request.newModel), .text(oldKey), .text(request.questionDigest)])
            if let row = existing.first {
                let record = try Self.decodeEvaluation(row)
                try appendEvent(.replay, at: LedgerTimestamp.now(), payload: [
                    "test_set": .string(record.testSetID), "evaluation": .integer(record.id),
                    "step": .integer(Int64(record.step)),
                ])
                return .replay(record)
            }
            guard let set = try fetchTestSet(id: request.testSetID) else {
                throw .unknownTestSet(testSetID: request.testSetID)
            }
            if set.isRetired { return .refused(.retired(reason: set.retiredReason ?? "retired")) }
            let (evaluations, passes) = try counts(testSetID: set.id)
            let before = BudgetPolicy.usage(adaptivity: set.adaptivity, steps: set.steps, evaluations: evaluations, passes: passes)
            if before.stepsLeft == 0 { return .refused(.exhausted) }

            let now = LedgerTimestamp.now()
            let step = evaluations + 1
            // Under `none` nothing the developer can observe may depend on the verdict: it is kept
            // only in the sealed metrics, and the baseline changes only when the owner accepts.
            let revealed = set.adaptivity != .none
            guard request.verdict != .hidden else { throw .invalidRequest("charge with the real verdict; the ledger hides it") }
            let stored: LedgerVerdict = revealed ? request.verdict : .hidden
            let inserted = try database.query("""
                INSERT INTO evaluations (test_set_id, new_model, old_model, question_digest, step, verdict, revealed,
                    sealed_metrics, commit_id, created_at, predictions)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [
                    .text(set.id), .text(request.newModel), .text(oldKey), .text(request.questionDigest), .int(step),
                    .text(stored.rawValue), .int(revealed ? 1 : 0), .blob(request.sealedMetrics),
                    .text(request.commitID), .text(now), revealed ? .null : .blob(request.predictions),
                ])
            guard let evaluationID = try inserted.first?.int64("id") else { throw .inconsistent("the new evaluation has no id") }
            try appendEvent(.charge, at: now, payload: Self.chargePayload(
                evaluationID: evaluationID, testSetID: set.id, newModel: request.newModel, oldModel: oldKey,
                step: step, verdict: stored, revealed: revealed, question: request.questionDigest))

            if revealed && request.verdict == .pass && request.acceptOnPass {
                try database.execute("""
                    INSERT INTO accepted_models (test_set_id, model, predictions, evaluation_id, accepted_at, branch, source, commit_id)
                    VALUES (?, ?, ?, ?, ?, ?, 'gate', ?)
                    """, [
                        .text(set.id), .text(request.newModel), .blob(request.predictions),
                        .integer(evaluationID), .text(now), .text(request.branch ?? ""), .text(request.acceptedCommit ?? request.commitID),
                    ])
                try appendEvent(.accept, at: now, payload: [
                    "test_set": .string(set.id), "evaluation": .integer(evaluationID),
                    "model": .string(request.newModel), "branch": .string(request.branch ?? ""),
                ])
            }
            let after = BudgetPolicy.usage(
                adaptivity: set.adaptivity, steps: set.steps, evaluations: step,
                passes: passes + (stored == .pass ? 1 : 0))
            if after.retire {
                try retireInTransaction(id: set.id, reason: after.retireReason ?? "retired by budget rule", at: now)
            }
            guard let record = try fetchEvaluation(id: evaluationID) else {
                throw .inconsistent("evaluation \(evaluationID) vanished after insert")
            }
            return .charged(record, try budgetInTransaction(testSetID: set.id))
        }
    }

    static func chargePayload(
        evaluationID: Int64, testSetID: String, newModel: String, oldModel: String, step: Int,
        verdict: LedgerVerdict, revealed: Bool, question: String
    ) -> [String: CanonicalJSON.Value] {
        [
            "evaluation": .integer(evaluationID), "test_set": .string(testSetID),
            "new_model": .string(newModel), "old_model": .string(oldModel),
            "step": .integer(Int64(step)), "verdict": .string(verdict.rawValue), "revealed": .bool(revealed),
            "question": .string(question),
        ]
    }

    // MARK: Queries

    /// The budget of a set now. Throws `.unknownTestSet`.
    public func budget(testSetID: String) throws(LedgerError) -> BudgetState {
        try database.transaction(.deferred) { () throws(LedgerError) -> BudgetState in
            try budgetInTransaction(testSetID: testSetID)
        }
    }

    private func budgetInTransaction(testSetID: String) throws(LedgerError) -> BudgetState {
        guard let set = try fetchTestSet(id: testSetID) else { throw .unknownTestSet(testSetID: testSetID) }
        let (evaluations, passes) = try counts(testSetID: testSetID)
        let usage = BudgetPolicy.usage(adaptivity: set.adaptivity, steps: set.steps, evaluations: evaluations, passes: passes)
        return BudgetState(
            testSetID: set.id, adaptivity: set.adaptivity, steps: set.steps,
            stepsUsed: usage.stepsUsed, stepsLeft: usage.stepsLeft,
            bitsUsed: usage.bitsUsed, bitsLeft: usage.bitsLeft, passes: passes,
            retired: set.isRetired, retiredReason: set.retiredReason, released: set.releasedAt != nil)
    }

    /// The charged evaluations of a set, in step order.
    public func evaluations(testSetID: String) throws(LedgerError) -> [EvaluationRecord] {
        try evaluations(testSetID: testSetID, newest: nil)
    }

    /// The newest `limit` evaluations of the set (all when nil), oldest first; the index on
    /// (test_set_id, step) serves the limit without reading the older rows.
    public func evaluations(testSetID: String, newest limit: Int?) throws(LedgerError) -> [EvaluationRecord] {
        var records: [EvaluationRecord] = []
        let rows: [SQLiteRow]
        if let limit {
            rows = try database.query(
                "SELECT \(Self.evaluationColumns) FROM evaluations WHERE test_set_id = ? ORDER BY step DESC LIMIT ?",
                [.text(testSetID), .integer(Int64(max(limit, 0)))]
            ).reversed()
        } else {
            rows = try database.query("SELECT \(Self.evaluationColumns) FROM evaluations WHERE test_set_id = ? ORDER BY step", [.text(testSetID)])
        }
        for row in rows { records.append(try Self.decodeEvaluation(row)) }
        return records
    }

    /// How many evaluations the set has.
    public func evaluationCount(testSetID: String) throws(LedgerError) -> Int {
        let rows = try database.query("SELECT COUNT(*) AS n FROM evaluations WHERE test_set_id = ?", [.text(testSetID)])
        return try rows.first?.int("n") ?? 0
    }

    /// The newest model accepted on this set and branch (nil matches models accepted without a
    /// branch), or nil if none.
    public func lastAcceptedModel(testSetID: String, branch: String? = nil) throws(LedgerError) -> AcceptedModel? {
        let rows = try database.query("""
            SELECT \(Self.acceptedColumns) FROM accepted_models
            WHERE test_set_id = ? AND branch = ? ORDER BY id DESC LIMIT 1
            """, [.text(testSetID), .text(branch ?? "")])
        return try rows.first.map(Self.decodeAccepted)
    }

    /// Every model accepted on this set (all branches), oldest first; without `withPredictions`
    /// their `predictions` are nil (at 100M examples each is 400 MB: fetch the one needed with
    /// `acceptedPredictions`).
    public func acceptedModels(testSetID: String, withPredictions: Bool = true) throws(LedgerError) -> [AcceptedModel] {
        try database.query(
            "SELECT \(Self.acceptedColumns(withPredictions: withPredictions)) FROM accepted_models WHERE test_set_id = ? ORDER BY id",
            [.text(testSetID)]
        ).map(Self.decodeAccepted)
    }

    /// The stored predictions of `model` as accepted on this set (the newest row that has them).
    public func acceptedPredictions(testSetID: String, model: String) throws(LedgerError) -> Data? {
        let rows = try database.query("""
            SELECT predictions FROM accepted_models
            WHERE test_set_id = ? AND model = ? AND predictions IS NOT NULL ORDER BY id DESC LIMIT 1
            """, [.text(testSetID), .text(model)])
        return try rows.first?.optionalData("predictions")
    }

    /// The newest model accepted on this branch on *any* test set (nil matches models accepted
    /// without a branch), or nil. Use this for the "old model" after a set is replaced: the last
    /// accepted model on the branch stays the baseline across test sets (DESIGN §7).
    public func lastAcceptedModel(branch: String?) throws(LedgerError) -> AcceptedModel? {
        let rows = try database.query(
            "SELECT test_set_id FROM accepted_models WHERE branch = ? ORDER BY id DESC LIMIT 1",
            [.text(branch ?? "")])
        guard let row = rows.first else { return nil }
        return try lastAcceptedModel(testSetID: try row.string("test_set_id"), branch: branch)
    }

    /// Writes a consistent, compacted copy of the whole ledger (WAL included) to `path`, which must
    /// not exist: what travels with the repository.
    public func snapshot(to path: String) throws(LedgerError) {
        guard database.dialect == .sqlite else {
            throw .unsupported("a server ledger does not travel with the repository; snapshots are of SQLite ledgers only")
        }
        _ = try database.execute("VACUUM INTO ?", [.text(path)])
    }

    /// The whole event log, in seq order.
    public func events() throws(LedgerError) -> [LedgerEvent] {
        try database.query("SELECT seq, at, kind, payload, prev_hash, hash, mac FROM events ORDER BY seq").map {
            (row) throws(LedgerError) -> LedgerEvent in
            try Self.decodeEvent(row)
        }
    }

    // MARK: Internals

    private func counts(testSetID: String) throws(LedgerError) -> (evaluations: Int, passes: Int) {
        let rows = try database.query(
            "SELECT count(*) AS n, coalesce(sum(CASE WHEN verdict = 'pass' THEN 1 ELSE 0 END), 0) AS passes FROM evaluations WHERE test_set_id = ?",
            [.text(testSetID)])
        guard let row = rows.first else { return (0, 0) }
        return (try row.int("n"), try row.int("passes"))
    }

    /// Appends one event to the chain. Must run inside a write transaction so the read of the
    /// chain head and the insert are atomic.
    ///
    /// The payload gets, under `rows`, the digest of every covered row the transaction wrote
    /// (`LedgerRows`); the event gets a MAC when the owner's key is in use, and an event that
    /// decides what the gate says is refused without it.
    func appendEvent(_ kind: LedgerEvent.Kind, at: String, payload: [String: CanonicalJSON.Value]) throws(LedgerError) {
        precondition(database.isInTransaction, "events are appended inside the write transaction")
        if kind.needsKey && key == nil { throw .keyRequired(operation: kind.rawValue) }
        try Self.appendEvent(kind, at: at, payload: payload, rows: try LedgerRows.takeTouched(database), key: key, to: database)
    }

    /// Appends one event vouching for `rows` (`table[key]` → digest).
    static func appendEvent(
        _ kind: LedgerEvent.Kind, at: String, payload: [String: CanonicalJSON.Value], rows: [String: String], key: LedgerKey?,
        to database: any LedgerDatabase
    ) throws(LedgerError) {
        var payload = payload
        if !rows.isEmpty { payload["rows"] = .object(rows.mapValues { .string($0) }) }
        let head = try database.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        let seq = try (head.first?.int64("seq") ?? 0) + 1
        let prevHash = try head.first?.string("hash") ?? EventChain.genesis
        let text = CanonicalJSON.encode(payload)
        let hash = EventChain.hash(prevHash: prevHash, seq: seq, at: at, kind: kind.rawValue, payload: text)
        try database.execute(
            "INSERT INTO events (seq, at, kind, payload, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.integer(seq), .text(at), .text(kind.rawValue), .text(text), .text(prevHash), .text(hash), .text(key?.mac(hash) ?? "")])
    }

    func fetchTestSet(id: String) throws(LedgerError) -> TestSetRecord? {
        let rows = try database.query("SELECT \(Self.testSetColumns) FROM test_sets WHERE id = ?", [.text(id)])
        return try rows.first.map { (row) throws(LedgerError) -> TestSetRecord in try Self.decodeTestSet(row) }
    }

    private func fetchEvaluation(id: Int64) throws(LedgerError) -> EvaluationRecord? {
        let rows = try database.query("SELECT \(Self.evaluationColumns) FROM evaluations WHERE id = ?", [.integer(id)])
        return try rows.first.map { (row) throws(LedgerError) -> EvaluationRecord in try Self.decodeEvaluation(row) }
    }

    /// The test set's columns, with its current question: the newest amendment's, else the registered one.
    static let testSetColumns = """
        id, name, size, classes, steps, adaptivity, reliability, condition, planned_size, forced,
        inputs_path, created_at, retired_at, retired_reason, released_at,
        coalesce((SELECT a.question FROM question_amendments a WHERE a.test_set_id = test_sets.id ORDER BY a.seq DESC LIMIT 1), question) AS question,
        coalesce((SELECT a.question_digest FROM question_amendments a WHERE a.test_set_id = test_sets.id ORDER BY a.seq DESC LIMIT 1), question_digest) AS question_digest,
        (SELECT count(*) FROM question_amendments a WHERE a.test_set_id = test_sets.id) AS amendments,
        (SELECT a.log_transcripts FROM question_amendments a WHERE a.test_set_id = test_sets.id ORDER BY a.seq DESC LIMIT 1) AS amended_log_transcripts
        """

    static let evaluationColumns = """
        id, test_set_id, new_model, old_model, question_digest, step, verdict, revealed, sealed_metrics, commit_id,
        created_at, predictions
        """

    static let acceptedColumns = acceptedColumns(withPredictions: true)

    /// The columns `decodeAccepted` reads; without the predictions' blob (NULL in its place).
    static func acceptedColumns(withPredictions: Bool) -> String {
        "test_set_id, model, \(withPredictions ? "predictions" : "NULL AS predictions"), evaluation_id, accepted_at, branch, source, commit_id"
    }

    static func decodeAccepted(_ row: SQLiteRow) throws(LedgerError) -> AcceptedModel {
        let branch = try row.string("branch")
        let sourceText = try row.string("source")
        guard let source = AcceptedModel.Source(rawValue: sourceText) else { throw .inconsistent("accepted model with source \(sourceText)") }
        var evaluationID: Int64?
        if case let .integer(id)? = row["evaluation_id"] { evaluationID = id }
        return AcceptedModel(
            testSetID: try row.string("test_set_id"), model: try row.string("model"),
            predictions: try row.optionalData("predictions"), evaluationID: evaluationID,
            acceptedAt: try LedgerTimestamp.parse(try row.string("accepted_at"), column: "accepted_at"),
            branch: branch.isEmpty ? nil : branch, source: source, commitID: try row.optionalString("commit_id"))
    }

    static func decodeTestSet(_ row: SQLiteRow) throws(LedgerError) -> TestSetRecord {
        let id = try row.string("id")
        let adaptivityText = try row.string("adaptivity")
        guard let adaptivity = Adaptivity(rawValue: adaptivityText) else {
            throw .inconsistent("test set \(id) has unknown adaptivity \(adaptivityText)")
        }
        let classesText = try row.string("classes")
        guard let classes = try? JSONDecoder().decode([String].self, from: Data(classesText.utf8)) else {
            throw .inconsistent("test set \(id) has malformed classes")
        }
        return TestSetRecord(
            id: id, name: try row.string("name"), size: try row.int("size"), classes: classes,
            steps: try row.int("steps"), adaptivity: adaptivity, reliability: try row.double("reliability"),
            condition: try row.string("condition"), question: try row.string("question"),
            questionDigest: try row.string("question_digest"), amendments: try row.int("amendments"),
            amendedLogTranscripts: { if case let .real(v)? = row["amended_log_transcripts"] { return v } else { return nil } }(),
            plannedSize: try row.int("planned_size"),
            forced: try row.int("forced") != 0, inputsPath: try row.optionalString("inputs_path"),
            createdAt: try LedgerTimestamp.parse(try row.string("created_at"), column: "created_at"),
            retiredAt: try row.optionalString("retired_at").map { (t) throws(LedgerError) -> Date in
                try LedgerTimestamp.parse(t, column: "retired_at")
            },
            retiredReason: try row.optionalString("retired_reason"),
            releasedAt: try row.optionalString("released_at").map { (t) throws(LedgerError) -> Date in
                try LedgerTimestamp.parse(t, column: "released_at")
            })
    }

    static func decodeEvaluation(_ row: SQLiteRow) throws(LedgerError) -> EvaluationRecord {
        let id = try row.int64("id")
        let verdictText = try row.string("verdict")
        guard let verdict = LedgerVerdict(rawValue: verdictText) else {
            throw .inconsistent("evaluation \(id) has verdict \(verdictText)")
        }
        let old = try row.string("old_model")
        return EvaluationRecord(
            id: id, testSetID: try row.string("test_set_id"), newModel: try row.string("new_model"),
            oldModel: old.isEmpty ? nil : old, questionDigest: try row.string("question_digest"), step: try row.int("step"),
            verdict: verdict, revealed: try row.int("revealed") != 0, sealedMetrics: try row.optionalData("sealed_metrics"),
            commitID: try row.optionalString("commit_id"), predictions: try row.optionalData("predictions"),
            createdAt: try LedgerTimestamp.parse(try row.string("created_at"), column: "created_at"))
    }

    static func decodeEvent(_ row: SQLiteRow) throws(LedgerError) -> LedgerEvent {
        LedgerEvent(
            seq: try row.int64("seq"), at: try row.string("at"), kind: try row.string("kind"),
            payload: try row.string("payload"), prevHash: try row.string("prev_hash"), hash: try row.string("hash"),
            mac: try row.string("mac"))
    }
}
