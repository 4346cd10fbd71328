import CSQLite

/// The ledger's table layout and its migrations.
///
/// The schema version lives in `PRAGMA user_version` (0 for a new, empty file). Each migration
/// runs in its own `BEGIN IMMEDIATE` transaction together with the bump of `user_version`, so a
/// crash leaves the file at the previous version or the next one, never in between, and two
/// processes opening a new file at once migrate it exactly once. A file whose version is newer
/// than `currentVersion` is refused (`LedgerError.newerSchema`) and left untouched.
public enum LedgerSchema {
    /// One schema step: the SQL that takes version `version - 1` to `version`.
    public struct Migration: Sendable {
        public let version: Int
        public let sql: String
    }

    /// All migrations, in order. Append only: never edit a released migration.
    public static let migrations: [Migration] = [
        Migration(version: 1, sql: version1),
        Migration(version: 2, sql: version2),
        Migration(version: 3, sql: version3),
        Migration(version: 4, sql: version4),
        Migration(version: 5, sql: version5),
        Migration(version: 6, sql: version6),
        Migration(version: 7, sql: version7),
    ]

    /// The schema version this build writes.
    public static var currentVersion: Int { migrations.last!.version }

    /// Version 1. Notes:
    /// - `evaluations.old_model` and `accepted_models.branch` store `''` for "none", so the
    ///   UNIQUE constraint also holds for evaluations without an old model (SQL NULLs never collide).
    /// - `events` is append-only: triggers refuse UPDATE and DELETE (a determined editor can drop
    ///   them, which the hash chain then exposes). `AUTOINCREMENT` makes `sqlite_sequence` remember
    ///   the highest seq, so deleting the newest events is detectable too.
    /// - Evaluations and accepted models cannot be updated or deleted either.
    static let version1 = """
    CREATE TABLE test_sets (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        size INTEGER NOT NULL,
        classes TEXT NOT NULL,
        steps INTEGER NOT NULL CHECK (steps >= 1),
        adaptivity TEXT NOT NULL,
        reliability REAL NOT NULL,
        condition TEXT NOT NULL,
        planned_size INTEGER NOT NULL,
        forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
        sealed_labels BLOB NOT NULL,
        inputs_path TEXT,
        created_at TEXT NOT NULL,
        retired_at TEXT,
        retired_reason TEXT,
        released_at TEXT
    );
    CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        new_model TEXT NOT NULL,
        old_model TEXT NOT NULL DEFAULT '',
        step INTEGER NOT NULL CHECK (step >= 1),
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail')),
        revealed INTEGER NOT NULL CHECK (revealed IN (0, 1)),
        sealed_metrics BLOB,
        commit_id TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (test_set_id, new_model, old_model),
        UNIQUE (test_set_id, step)
    );
    CREATE TABLE accepted_models (
        id INTEGER PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        model TEXT NOT NULL,
        predictions BLOB,
        evaluation_id INTEGER NOT NULL REFERENCES evaluations(id),
        accepted_at TEXT NOT NULL,
        branch TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX accepted_models_by_set_branch ON accepted_models (test_set_id, branch, id);
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'ledger events are append-only'); END;
    CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
        BEGIN SELECT RAISE(ABORT, 'ledger evaluations are append-only'); END;
    CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
        BEGIN SELECT RAISE(ABORT, 'ledger evaluations are append-only'); END;
    CREATE TRIGGER accepted_models_no_update BEFORE UPDATE ON accepted_models
        BEGIN SELECT RAISE(ABORT, 'ledger accepted models are append-only'); END;
    CREATE TRIGGER accepted_models_no_delete BEFORE DELETE ON accepted_models
        BEGIN SELECT RAISE(ABORT, 'ledger accepted models are append-only'); END;
    CREATE TRIGGER test_sets_no_delete BEFORE DELETE ON test_sets
        BEGIN SELECT RAISE(ABORT, 'registered test sets cannot be deleted'); END;
    """

    /// Version 2: ModelPicker sessions (`Ledger+PickSessions.swift`). Notes:
    /// - A session's fixed description (seed, γ, ε, δ, budget, pool ids, candidates with their
    ///   prediction columns and file hashes) is written once; only `stream_position`, `draws`,
    ///   `status`, `stop_reason`, `chosen_model` and `closed_at` change afterwards.
    /// - `pick_queries` is the query log (t, item, p_t); its label is the item's row in
    ///   `pick_labels` (labels arrive in any order, `seq` is their arrival order). Both are
    ///   append-only, so a session's state can always be rebuilt by replaying them.
    /// - `pick_choices` records which model serves from now on (append-only); the newest row is
    ///   where the next session starts.
    static let version2 = """
    CREATE TABLE pick_sessions (
        name TEXT PRIMARY KEY NOT NULL,
        created_at TEXT NOT NULL,
        seed INTEGER NOT NULL,
        gamma REAL NOT NULL CHECK (gamma >= 0),
        epsilon REAL NOT NULL CHECK (epsilon > 0 AND epsilon < 1),
        delta REAL NOT NULL CHECK (delta > 0 AND delta < 1),
        label_budget INTEGER NOT NULL CHECK (label_budget >= 1),
        classes TEXT NOT NULL,
        item_ids TEXT NOT NULL,
        inputs_path TEXT,
        stream_position INTEGER NOT NULL DEFAULT 0 CHECK (stream_position >= 0),
        draws INTEGER NOT NULL DEFAULT 0 CHECK (draws >= 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'stopped')),
        stop_reason TEXT,
        chosen_model TEXT,
        closed_at TEXT
    );
    CREATE TABLE pick_candidates (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        position INTEGER NOT NULL CHECK (position >= 0),
        name TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        predictions BLOB NOT NULL,
        PRIMARY KEY (session, position)
    );
    CREATE TABLE pick_queries (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        round INTEGER NOT NULL CHECK (round >= 1),
        item INTEGER NOT NULL CHECK (item >= 0),
        probability REAL NOT NULL CHECK (probability > 0 AND probability <= 1),
        PRIMARY KEY (session, round)
    );
    CREATE TABLE pick_labels (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        item INTEGER NOT NULL CHECK (item >= 0),
        label TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        received_at TEXT NOT NULL,
        PRIMARY KEY (session, item),
        UNIQUE (session, seq)
    );
    CREATE TABLE pick_choices (
        id INTEGER PRIMARY KEY,
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        model TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        reason TEXT NOT NULL,
        chosen_at TEXT NOT NULL
    );
    CREATE TRIGGER pick_sessions_no_delete BEFORE DELETE ON pick_sessions
        BEGIN SELECT RAISE(ABORT, 'pick sessions cannot be deleted'); END;
    CREATE TRIGGER pick_candidates_no_update BEFORE UPDATE ON pick_candidates
        BEGIN SELECT RAISE(ABORT, 'pick candidates are append-only'); END;
    CREATE TRIGGER pick_candidates_no_delete BEFORE DELETE ON pick_candidates
        BEGIN SELECT RAISE(ABORT, 'pick candidates are append-only'); END;
    CREATE TRIGGER pick_queries_no_update BEFORE UPDATE ON pick_queries
        BEGIN SELECT RAISE(ABORT, 'the pick query log is append-only'); END;
    CREATE TRIGGER pick_queries_no_delete BEFORE DELETE ON pick_queries
        BEGIN SELECT RAISE(ABORT, 'the pick query log is append-only'); END;
    CREATE TRIGGER pick_labels_no_update BEFORE UPDATE ON pick_labels
        BEGIN SELECT RAISE(ABORT, 'pick labels are append-only'); END;
    CREATE TRIGGER pick_labels_no_delete BEFORE DELETE ON pick_labels
        BEGIN SELECT RAISE(ABORT, 'pick labels are append-only'); END;
    CREATE TRIGGER pick_choices_no_update BEFORE UPDATE ON pick_choices
        BEGIN SELECT RAISE(ABORT, 'pick choices are append-only'); END;
    CREATE TRIGGER pick_choices_no_delete BEFORE DELETE ON pick_choices
        BEGIN SELECT RAISE(ABORT, 'pick choices are append-only'); END;
    """

    /// Version 3: AutoML searches. A run searches one tenant's arms; each trial row moves
    /// queued → running → ok / failed / timed-out (a `running` row left by a killed run goes back
    /// to `queued` on resume); proposals record the branch a run's best arm was committed to.
    static let version3 = """
    CREATE TABLE automl_runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        tenant TEXT NOT NULL,
        policy TEXT NOT NULL,
        seed INTEGER NOT NULL,
        metric TEXT NOT NULL,
        space_hash TEXT NOT NULL,
        budget_trials INTEGER,
        budget_seconds REAL,
        elapsed_seconds REAL NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('running', 'done'))
    );
    CREATE TABLE automl_arms (
        run TEXT NOT NULL REFERENCES automl_runs(id),
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        candidate TEXT NOT NULL,
        parameters TEXT NOT NULL,
        command TEXT NOT NULL,
        PRIMARY KEY (run, position)
    );
    CREATE TABLE automl_trials (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run TEXT NOT NULL REFERENCES automl_runs(id),
        arm INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'ok', 'failed', 'timed-out')),
        attempts INTEGER NOT NULL DEFAULT 0,
        score REAL,
        seconds REAL,
        reason TEXT,
        log_path TEXT,
        started_at TEXT,
        ended_at TEXT,
        UNIQUE (run, arm)
    );
    CREATE TABLE automl_proposals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run TEXT NOT NULL REFERENCES automl_runs(id),
        arm INTEGER NOT NULL,
        branch TEXT NOT NULL,
        commit_id TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TRIGGER automl_runs_no_delete BEFORE DELETE ON automl_runs
        BEGIN SELECT RAISE(ABORT, 'automl runs are kept'); END;
    CREATE TRIGGER automl_arms_no_update BEFORE UPDATE ON automl_arms
        BEGIN SELECT RAISE(ABORT, 'automl arms are append-only'); END;
    CREATE TRIGGER automl_arms_no_delete BEFORE DELETE ON automl_arms
        BEGIN SELECT RAISE(ABORT, 'automl arms are append-only'); END;
    CREATE TRIGGER automl_trials_no_delete BEFORE DELETE ON automl_trials
        BEGIN SELECT RAISE(ABORT, 'automl trials are kept'); END;
    CREATE TRIGGER automl_trials_final BEFORE UPDATE ON automl_trials
        WHEN OLD.state IN ('ok', 'failed', 'timed-out')
        BEGIN SELECT RAISE(ABORT, 'a finished automl trial is final'); END;
    CREATE TRIGGER automl_proposals_no_update BEFORE UPDATE ON automl_proposals
        BEGIN SELECT RAISE(ABORT, 'automl proposals are append-only'); END;
    CREATE TRIGGER automl_proposals_no_delete BEFORE DELETE ON automl_proposals
        BEGIN SELECT RAISE(ABORT, 'automl proposals are append-only'); END;
    """

    /// Version 4: cleaning sessions (`easeml-ci clean`) and improvement loops (`easeml-ci improve`),
    /// `Ledger+CleaningSessions.swift`. Notes:
    /// - A session's inputs are one canonical JSON text (`settings`), written once; the candidate
    ///   repairs, the feasibility estimates and the rankings are recomputed from the files (whose
    ///   hashes the settings hold), so the stored rows are only what a person said.
    /// - `cleaning_rows` (cleaned training rows, values as a JSON array of numbers in the file's
    ///   units) and `improve_labels` (labels of acquired pool rows) are append-only; `seq` is their
    ///   arrival order.
    /// - `improve_rounds` holds one row per round of the loop: the arm, the batch shown and why,
    ///   written when the round opens; its outcome (effort, accuracy ceiling after, reward) is set
    ///   once, together with the answers, when the round is applied, and is final afterwards.
    static let version4 = """
    CREATE TABLE cleaning_sessions (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('clean', 'improve')),
        created_at TEXT NOT NULL,
        settings TEXT NOT NULL
    );
    CREATE TABLE cleaning_rows (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        row INTEGER NOT NULL CHECK (row >= 0),
        cell_values TEXT NOT NULL,
        round INTEGER,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session, row),
        UNIQUE (session, seq)
    );
    CREATE TABLE improve_labels (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        pool_row INTEGER NOT NULL CHECK (pool_row >= 0),
        label TEXT NOT NULL,
        round INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session, pool_row),
        UNIQUE (session, seq)
    );
    CREATE TABLE improve_rounds (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        round INTEGER NOT NULL CHECK (round >= 1),
        arm TEXT NOT NULL CHECK (arm IN ('clean', 'acquire')),
        batch TEXT NOT NULL,
        reason TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        effort REAL,
        ceiling REAL,
        reward REAL,
        applied_at TEXT,
        PRIMARY KEY (session, round)
    );
    CREATE TRIGGER cleaning_sessions_no_update BEFORE UPDATE ON cleaning_sessions
        BEGIN SELECT RAISE(ABORT, 'cleaning sessions are append-only'); END;
    CREATE TRIGGER cleaning_sessions_no_delete BEFORE DELETE ON cleaning_sessions
        BEGIN SELECT RAISE(ABORT, 'cleaning sessions are append-only'); END;
    CREATE TRIGGER cleaning_rows_no_update BEFORE UPDATE ON cleaning_rows
        BEGIN SELECT RAISE(ABORT, 'cleaned rows are append-only'); END;
    CREATE TRIGGER cleaning_rows_no_delete BEFORE DELETE ON cleaning_rows
        BEGIN SELECT RAISE(ABORT, 'cleaned rows are append-only'); END;
    CREATE TRIGGER improve_labels_no_update BEFORE UPDATE ON improve_labels
        BEGIN SELECT RAISE(ABORT, 'acquired labels are append-only'); END;
    CREATE TRIGGER improve_labels_no_delete BEFORE DELETE ON improve_labels
        BEGIN SELECT RAISE(ABORT, 'acquired labels are append-only'); END;
    CREATE TRIGGER improve_rounds_no_delete BEFORE DELETE ON improve_rounds
        BEGIN SELECT RAISE(ABORT, 'improve rounds are kept'); END;
    CREATE TRIGGER improve_rounds_final BEFORE UPDATE ON improve_rounds
        WHEN OLD.applied_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'an applied improve round is final'); END;
    """

    /// Version 5: the gate holds against the developers it gates (issue 14). Notes:
    /// - `test_sets.question` is the whole question the owner registered (canonical JSON of the
    ///   condition, reliability, mode, adaptivity, steps, variance bound and model paths) and
    ///   `question_digest` its SHA-256; '' for sets registered before (the gate refuses to judge
    ///   with them until the owner records the question). `question_amendments` holds the owner's
    ///   recorded changes of question, newest last, with the transcripts both questions count.
    /// - `evaluations` is rebuilt: the replay key includes the question's digest; a verdict kept
    ///   from developers (adaptivity `none`) is stored as `hidden` (the real one is only in the
    ///   sealed metrics); `predictions` keeps such a model's predictions for the owner's `accept`.
    /// - `accepted_models` is rebuilt: `source` is `gate` (a pass) or `owner` (`baseline set`,
    ///   `accept`), `evaluation_id` is NULL for an owner's baseline, and `commit_id` names the
    ///   commit whose model it is.
    /// - `events.mac` is the HMAC of the event's hash under the owner's chain key (`LedgerKey`),
    ///   '' for an event written without it.
    static let version5 = """
    ALTER TABLE test_sets ADD COLUMN question TEXT NOT NULL DEFAULT '';
    ALTER TABLE test_sets ADD COLUMN question_digest TEXT NOT NULL DEFAULT '';
    CREATE TABLE question_amendments (
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        question TEXT NOT NULL,
        question_digest TEXT NOT NULL,
        from_step INTEGER NOT NULL CHECK (from_step >= 1),
        log_transcripts REAL NOT NULL,
        amended_at TEXT NOT NULL,
        PRIMARY KEY (test_set_id, seq)
    );
    CREATE TRIGGER question_amendments_no_update BEFORE UPDATE ON question_amendments
        BEGIN SELECT RAISE(ABORT, 'question amendments are append-only'); END;
    CREATE TRIGGER question_amendments_no_delete BEFORE DELETE ON question_amendments
        BEGIN SELECT RAISE(ABORT, 'question amendments are append-only'); END;

    CREATE TABLE evaluations_v5 (
        id INTEGER PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        new_model TEXT NOT NULL,
        old_model TEXT NOT NULL DEFAULT '',
        question_digest TEXT NOT NULL DEFAULT '',
        step INTEGER NOT NULL CHECK (step >= 1),
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'hidden')),
        revealed INTEGER NOT NULL CHECK (revealed IN (0, 1)),
        sealed_metrics BLOB,
        commit_id TEXT,
        created_at TEXT NOT NULL,
        predictions BLOB,
        UNIQUE (test_set_id, new_model, old_model, question_digest),
        UNIQUE (test_set_id, step)
    );
    INSERT INTO evaluations_v5 (id, test_set_id, new_model, old_model, question_digest, step, verdict, revealed,
        sealed_metrics, commit_id, created_at)
        SELECT id, test_set_id, new_model, old_model, '', step, verdict, revealed, sealed_metrics, commit_id, created_at
        FROM evaluations;
    CREATE TABLE accepted_models_v5 (
        id INTEGER PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        model TEXT NOT NULL,
        predictions BLOB,
        evaluation_id INTEGER REFERENCES evaluations_v5(id),
        accepted_at TEXT NOT NULL,
        branch TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'gate' CHECK (source IN ('gate', 'owner')),
        commit_id TEXT
    );
    INSERT INTO accepted_models_v5 (id, test_set_id, model, predictions, evaluation_id, accepted_at, branch, source, commit_id)
        SELECT a.id, a.test_set_id, a.model, a.predictions, a.evaluation_id, a.accepted_at, a.branch, 'gate',
            (SELECT e.commit_id FROM evaluations_v5 e WHERE e.id = a.evaluation_id)
        FROM accepted_models a;
    -- The child table goes first, so that dropping the old evaluations leaves no reference behind
    -- (the implicit DELETE of DROP TABLE fires no trigger); renaming then repoints the references.
    DROP TABLE accepted_models;
    DROP TABLE evaluations;
    ALTER TABLE evaluations_v5 RENAME TO evaluations;
    ALTER TABLE accepted_models_v5 RENAME TO accepted_models;
    CREATE TRIGGER evaluations_no_update BEFORE UPDATE ON evaluations
        BEGIN SELECT RAISE(ABORT, 'ledger evaluations are append-only'); END;
    CREATE TRIGGER evaluations_no_delete BEFORE DELETE ON evaluations
        BEGIN SELECT RAISE(ABORT, 'ledger evaluations are append-only'); END;
    CREATE INDEX accepted_models_by_set_branch ON accepted_models (test_set_id, branch, id);
    CREATE TRIGGER accepted_models_no_update BEFORE UPDATE ON accepted_models
        BEGIN SELECT RAISE(ABORT, 'ledger accepted models are append-only'); END;
    CREATE TRIGGER accepted_models_no_delete BEFORE DELETE ON accepted_models
        BEGIN SELECT RAISE(ABORT, 'ledger accepted models are append-only'); END;

    ALTER TABLE events ADD COLUMN mac TEXT NOT NULL DEFAULT '';
    """

    /// Version 6: sealed labels in chunks, in a table of their own. A set registered from now on
    /// keeps an empty `test_sets.sealed_labels` and its chunks in `test_set_labels` (chunk 0 first),
    /// so reading a `test_sets` row never walks a label blob's overflow pages, and no blob grows
    /// beyond one chunk (SQLite refuses blobs over 1 GB). Sets registered before keep their blob
    /// where it is: moving it would change rows their events vouch for. The register event vouches
    /// for every chunk's row (a full `ledger verify` reports one edited, added or removed); the
    /// per-check verification leaves them to their seals — each is sealed (AES-GCM) with its set id,
    /// index and the chunk count in the authenticated context, so one cannot be forged, swapped,
    /// reordered or dropped without `check` refusing to open the labels.
    static let version6 = """
    CREATE TABLE test_set_labels (
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        chunk INTEGER NOT NULL CHECK (chunk >= 0),
        sealed BLOB NOT NULL,
        PRIMARY KEY (test_set_id, chunk)
    );
    CREATE TRIGGER test_set_labels_no_update BEFORE UPDATE ON test_set_labels
        BEGIN SELECT RAISE(ABORT, 'sealed test-set labels are append-only'); END;
    CREATE TRIGGER test_set_labels_no_delete BEFORE DELETE ON test_set_labels
        BEGIN SELECT RAISE(ABORT, 'sealed test-set labels are append-only'); END;
    """

    /// Version 7: the lineage of the Ease.ML process — one row per engine run (feasibility, value,
    /// acquire, clean, improve, automl, pick, check) with the content hashes of its inputs and outputs
    /// and what it decided (`easeml-ci lineage`, `easeml-ci next`). Append-only, vouched for by a
    /// `lineage` event like every other decided row; no labels, predictions or hidden metrics.
    static let version7 = """
    CREATE TABLE lineage_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        step TEXT NOT NULL,
        command TEXT NOT NULL,
        inputs TEXT NOT NULL,
        outputs TEXT NOT NULL,
        decision TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE TRIGGER lineage_runs_no_update BEFORE UPDATE ON lineage_runs
        BEGIN SELECT RAISE(ABORT, 'lineage runs are append-only'); END;
    CREATE TRIGGER lineage_runs_no_delete BEFORE DELETE ON lineage_runs
        BEGIN SELECT RAISE(ABORT, 'lineage runs are append-only'); END;
    """

    /// The schema version stored in the file.
    public static func version(of db: SQLiteDatabase) throws(LedgerError) -> Int {
        let rows = try db.query("PRAGMA user_version")
        guard case let .integer(v)? = rows.first?.values.first else {
            throw .inconsistent("PRAGMA user_version returned no integer")
        }
        return Int(v)
    }

    /// Brings the file to `currentVersion`, one transaction per migration. Refuses a newer file.
    /// A version-0 file that already has tables of its own (some other SQLite database) is
    /// reported as `.corrupt` rather than modified.
    public static func migrate(_ db: SQLiteDatabase) throws(LedgerError) {
        let found = try version(of: db)
        if found > currentVersion {
            throw .newerSchema(path: db.path, found: found, supported: currentVersion)
        }
        if found == currentVersion { return }
        for migration in migrations where migration.version > found {
            try db.transaction(.immediate) { () throws(LedgerError) in
                // Re-read under the write lock: another process may have migrated meanwhile.
                let now = try version(of: db)
                if now > currentVersion {
                    throw .newerSchema(path: db.path, found: now, supported: currentVersion)
                }
                guard now == migration.version - 1 else { return }
                if now == 0 {
                    let tables = try db.query("SELECT count(*) FROM sqlite_master")
                    if case let .integer(count)? = tables.first?.values.first, count > 0 {
                        throw .corrupt(path: db.path, message: "an SQLite database, but not an easeml ledger (it has other tables and no ledger schema version)")
                    }
                }
                try db.execute(migration.sql)
                if migration.version == 5 && now > 0 {
                    // The rows written before the chain vouched for rows: one event vouches for them
                    // as they are now (authenticated by the owner's next keyed event).
                    let rows = try LedgerRows.allDigests(db)
                    if !rows.isEmpty {
                        try Ledger.appendEvent(.adopt, at: LedgerTimestamp.now(), payload: ["schema": .integer(5)], rows: rows, key: nil, to: db)
                    }
                }
                try db.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
