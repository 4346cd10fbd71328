/// The ledger's tables on a PostgreSQL server: the same tables, columns and keys as the SQLite file
/// at `LedgerSchema.currentVersion` (BIGINT for INTEGER, DOUBLE PRECISION for REAL, BYTEA for BLOB,
/// so every row has the same digest on both and a ledger moves between them with its chain intact),
/// and the same append-only rules, enforced by triggers the ledger's users cannot drop (only the
/// tables' owner can). On top of SQLite's rules, the server refuses what a CI role could otherwise do
/// with the one UPDATE it is granted on `test_sets`: changing anything but the retirement and
/// release columns, and un-retiring or un-releasing a set.
///
/// The version lives in `ledger_meta` (`schema_version`), beside `highest_event_seq`, which a trigger
/// raises with every event (SQLite's `sqlite_sequence`), so deleting the newest events shows in
/// `verify`; the trigger runs as the tables' owner, so a CI role needs no write access to
/// `ledger_meta` (`scripts/postgres-ledger-roles.sql` grants it none). Migrations run under the ledger's write lock in one transaction each (DDL is
/// transactional here), so concurrent first opens migrate once.
enum PostgresSchema {
    /// One schema step: the SQL that takes version `version - 1` to `version` (a server ledger
    /// starts at the SQLite schema's current version, all at once).
    struct Migration {
        let version: Int
        let sql: String
    }

    static let migrations: [Migration] = [Migration(version: 7, sql: version7)]

    static var currentVersion: Int { migrations.last!.version }

    /// The schema version stored on the server, or 0 for a database without a ledger.
    static func version(of db: PostgresConnection) throws(LedgerError) -> Int {
        let present = try db.query("SELECT to_regclass('ledger_meta') IS NOT NULL AS present")
        guard try present.first?.int("present") == 1 else { return 0 }
        return try db.query("SELECT value FROM ledger_meta WHERE key = 'schema_version'").first?.int("value") ?? 0
    }

    static func migrate(_ db: PostgresConnection, create: Bool) throws(LedgerError) {
        let found = try version(of: db)
        if found > currentVersion { throw .newerSchema(path: db.location, found: found, supported: currentVersion) }
        if found == currentVersion { return }
        if found == 0 && !create { throw .notFound(path: db.location) }
        for migration in migrations where migration.version > found {
            try db.transaction(.immediate) { () throws(LedgerError) in
                let now = try version(of: db)
                if now > currentVersion { throw .newerSchema(path: db.location, found: now, supported: currentVersion) }
                guard now < migration.version else { return }
                if now == 0 {
                    let tables = try db.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()")
                    if try tables.first?.int("n") ?? 0 > 0 {
                        throw .corrupt(path: db.location, message: "a PostgreSQL database with other tables and no easeml ledger in its schema")
                    }
                }
                try db.execute(migration.sql)
                try db.execute("UPDATE ledger_meta SET value = \(migration.version) WHERE key = 'schema_version'")
            }
        }
    }

    /// The whole schema of SQLite's version 7.
    static let version7 = """
    CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
    INSERT INTO ledger_meta (key, value) VALUES ('schema_version', 0), ('highest_event_seq', 0);

    CREATE FUNCTION easeml_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
    END $$;

    CREATE FUNCTION easeml_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO easeml_touched (tbl, key)
            SELECT TG_TABLE_NAME, jsonb_agg(to_jsonb(NEW) -> k ORDER BY o) FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, o)
            ON CONFLICT DO NOTHING;
        RETURN NEW;
    END $$;

    CREATE FUNCTION easeml_event_high_water() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE ledger_meta SET value = GREATEST(value, NEW.seq) WHERE key = 'highest_event_seq';
        RETURN NEW;
    END $$;

    CREATE FUNCTION easeml_test_set_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF (NEW.id, NEW.name, NEW.size, NEW.classes, NEW.steps, NEW.adaptivity, NEW.reliability, NEW.condition,
            NEW.planned_size, NEW.forced, NEW.sealed_labels, NEW.inputs_path, NEW.created_at, NEW.question, NEW.question_digest)
            IS DISTINCT FROM
           (OLD.id, OLD.name, OLD.size, OLD.classes, OLD.steps, OLD.adaptivity, OLD.reliability, OLD.condition,
            OLD.planned_size, OLD.forced, OLD.sealed_labels, OLD.inputs_path, OLD.created_at, OLD.question, OLD.question_digest) THEN
            RAISE EXCEPTION 'a registered test set cannot be changed (only retired or released)' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.retired_at IS NOT NULL AND (NEW.retired_at, NEW.retired_reason) IS DISTINCT FROM (OLD.retired_at, OLD.retired_reason) THEN
            RAISE EXCEPTION 'a retired test set stays retired' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.released_at IS NOT NULL AND NEW.released_at IS DISTINCT FROM OLD.released_at THEN
            RAISE EXCEPTION 'a released test set stays released' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$;

    CREATE TABLE test_sets (
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        size BIGINT NOT NULL,
        classes TEXT NOT NULL,
        steps BIGINT NOT NULL CHECK (steps >= 1),
        adaptivity TEXT NOT NULL,
        reliability DOUBLE PRECISION NOT NULL,
        condition TEXT NOT NULL,
        planned_size BIGINT NOT NULL,
        forced BIGINT NOT NULL CHECK (forced IN (0, 1)),
        sealed_labels BYTEA NOT NULL,
        inputs_path TEXT,
        created_at TEXT NOT NULL,
        retired_at TEXT,
        retired_reason TEXT,
        released_at TEXT,
        question TEXT NOT NULL DEFAULT '',
        question_digest TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE test_set_labels (
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        chunk BIGINT NOT NULL CHECK (chunk >= 0),
        sealed BYTEA NOT NULL,
        PRIMARY KEY (test_set_id, chunk)
    );
    CREATE TABLE question_amendments (
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        seq BIGINT NOT NULL CHECK (seq >= 1),
        question TEXT NOT NULL,
        question_digest TEXT NOT NULL,
        from_step BIGINT NOT NULL CHECK (from_step >= 1),
        log_transcripts DOUBLE PRECISION NOT NULL,
        amended_at TEXT NOT NULL,
        PRIMARY KEY (test_set_id, seq)
    );
    CREATE TABLE evaluations (
        id BIGSERIAL PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        new_model TEXT NOT NULL,
        old_model TEXT NOT NULL DEFAULT '',
        question_digest TEXT NOT NULL DEFAULT '',
        step BIGINT NOT NULL CHECK (step >= 1),
        verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'hidden')),
        revealed BIGINT NOT NULL CHECK (revealed IN (0, 1)),
        sealed_metrics BYTEA,
        commit_id TEXT,
        created_at TEXT NOT NULL,
        predictions BYTEA,
        UNIQUE (test_set_id, new_model, old_model, question_digest),
        UNIQUE (test_set_id, step)
    );
    CREATE TABLE accepted_models (
        id BIGSERIAL PRIMARY KEY,
        test_set_id TEXT NOT NULL REFERENCES test_sets(id),
        model TEXT NOT NULL,
        predictions BYTEA,
        evaluation_id BIGINT REFERENCES evaluations(id),
        accepted_at TEXT NOT NULL,
        branch TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'gate' CHECK (source IN ('gate', 'owner')),
        commit_id TEXT
    );
    CREATE INDEX accepted_models_by_set_branch ON accepted_models (test_set_id, branch, id);
    CREATE TABLE events (
        seq BIGINT PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        mac TEXT NOT NULL DEFAULT ''
    );

    CREATE TABLE pick_sessions (
        name TEXT PRIMARY KEY NOT NULL,
        created_at TEXT NOT NULL,
        seed BIGINT NOT NULL,
        gamma DOUBLE PRECISION NOT NULL CHECK (gamma >= 0),
        epsilon DOUBLE PRECISION NOT NULL CHECK (epsilon > 0 AND epsilon < 1),
        delta DOUBLE PRECISION NOT NULL CHECK (delta > 0 AND delta < 1),
        label_budget BIGINT NOT NULL CHECK (label_budget >= 1),
        classes TEXT NOT NULL,
        item_ids TEXT NOT NULL,
        inputs_path TEXT,
        stream_position BIGINT NOT NULL DEFAULT 0 CHECK (stream_position >= 0),
        draws BIGINT NOT NULL DEFAULT 0 CHECK (draws >= 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'stopped')),
        stop_reason TEXT,
        chosen_model TEXT,
        closed_at TEXT
    );
    CREATE TABLE pick_candidates (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        position BIGINT NOT NULL CHECK (position >= 0),
        name TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        predictions BYTEA NOT NULL,
        PRIMARY KEY (session, position)
    );
    CREATE TABLE pick_queries (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        round BIGINT NOT NULL CHECK (round >= 1),
        item BIGINT NOT NULL CHECK (item >= 0),
        probability DOUBLE PRECISION NOT NULL CHECK (probability > 0 AND probability <= 1),
        PRIMARY KEY (session, round)
    );
    CREATE TABLE pick_labels (
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        item BIGINT NOT NULL CHECK (item >= 0),
        label TEXT NOT NULL,
        seq BIGINT NOT NULL CHECK (seq >= 1),
        received_at TEXT NOT NULL,
        PRIMARY KEY (session, item),
        UNIQUE (session, seq)
    );
    CREATE TABLE pick_choices (
        id BIGSERIAL PRIMARY KEY,
        session TEXT NOT NULL REFERENCES pick_sessions(name),
        model TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        reason TEXT NOT NULL,
        chosen_at TEXT NOT NULL
    );

    CREATE TABLE automl_runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        tenant TEXT NOT NULL,
        policy TEXT NOT NULL,
        seed BIGINT NOT NULL,
        metric TEXT NOT NULL,
        space_hash TEXT NOT NULL,
        budget_trials BIGINT,
        budget_seconds DOUBLE PRECISION,
        elapsed_seconds DOUBLE PRECISION NOT NULL DEFAULT 0,
        status TEXT NOT NULL CHECK (status IN ('running', 'done'))
    );
    CREATE TABLE automl_arms (
        run TEXT NOT NULL REFERENCES automl_runs(id),
        position BIGINT NOT NULL,
        key TEXT NOT NULL,
        candidate TEXT NOT NULL,
        parameters TEXT NOT NULL,
        command TEXT NOT NULL,
        PRIMARY KEY (run, position)
    );
    CREATE TABLE automl_trials (
        id BIGSERIAL PRIMARY KEY,
        run TEXT NOT NULL REFERENCES automl_runs(id),
        arm BIGINT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'ok', 'failed', 'timed-out')),
        attempts BIGINT NOT NULL DEFAULT 0,
        score DOUBLE PRECISION,
        seconds DOUBLE PRECISION,
        reason TEXT,
        log_path TEXT,
        started_at TEXT,
        ended_at TEXT,
        UNIQUE (run, arm)
    );
    CREATE TABLE automl_proposals (
        id BIGSERIAL PRIMARY KEY,
        run TEXT NOT NULL REFERENCES automl_runs(id),
        arm BIGINT NOT NULL,
        branch TEXT NOT NULL,
        commit_id TEXT NOT NULL,
        created_at TEXT NOT NULL
    );

    CREATE TABLE cleaning_sessions (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('clean', 'improve')),
        created_at TEXT NOT NULL,
        settings TEXT NOT NULL
    );
    CREATE TABLE cleaning_rows (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        seq BIGINT NOT NULL CHECK (seq >= 1),
        row BIGINT NOT NULL CHECK (row >= 0),
        cell_values TEXT NOT NULL,
        round BIGINT,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session, row),
        UNIQUE (session, seq)
    );
    CREATE TABLE improve_labels (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        seq BIGINT NOT NULL CHECK (seq >= 1),
        pool_row BIGINT NOT NULL CHECK (pool_row >= 0),
        label TEXT NOT NULL,
        round BIGINT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (session, pool_row),
        UNIQUE (session, seq)
    );
    CREATE TABLE improve_rounds (
        session TEXT NOT NULL REFERENCES cleaning_sessions(id),
        round BIGINT NOT NULL CHECK (round >= 1),
        arm TEXT NOT NULL CHECK (arm IN ('clean', 'acquire')),
        batch TEXT NOT NULL,
        reason TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        effort DOUBLE PRECISION,
        ceiling DOUBLE PRECISION,
        reward DOUBLE PRECISION,
        applied_at TEXT,
        PRIMARY KEY (session, round)
    );
    CREATE TABLE lineage_runs (
        id BIGSERIAL PRIMARY KEY,
        step TEXT NOT NULL,
        command TEXT NOT NULL,
        inputs TEXT NOT NULL,
        outputs TEXT NOT NULL,
        decision TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );

    CREATE TRIGGER test_sets_guard BEFORE UPDATE ON test_sets FOR EACH ROW EXECUTE FUNCTION easeml_test_set_guard();
    CREATE TRIGGER events_high_water AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION easeml_event_high_water();
    """ + appendOnlyTriggers + trackingTriggers

    /// SQLite's RAISE(ABORT) triggers, one per rule, with the same messages.
    static let appendOnlyTriggers: String = {
        let rules: [(table: String, operation: String, when: String?, message: String)] = [
            ("events", "UPDATE", nil, "ledger events are append-only"), ("events", "DELETE", nil, "ledger events are append-only"),
            ("evaluations", "UPDATE", nil, "ledger evaluations are append-only"), ("evaluations", "DELETE", nil, "ledger evaluations are append-only"),
            ("accepted_models", "UPDATE", nil, "ledger accepted models are append-only"),
            ("accepted_models", "DELETE", nil, "ledger accepted models are append-only"),
            ("test_sets", "DELETE", nil, "registered test sets cannot be deleted"),
            ("test_set_labels", "UPDATE", nil, "sealed test-set labels are append-only"),
            ("test_set_labels", "DELETE", nil, "sealed test-set labels are append-only"),
            ("question_amendments", "UPDATE", nil, "question amendments are append-only"),
            ("question_amendments", "DELETE", nil, "question amendments are append-only"),
            ("pick_sessions", "DELETE", nil, "pick sessions cannot be deleted"),
            ("pick_candidates", "UPDATE", nil, "pick candidates are append-only"), ("pick_candidates", "DELETE", nil, "pick candidates are append-only"),
            ("pick_queries", "UPDATE", nil, "the pick query log is append-only"), ("pick_queries", "DELETE", nil, "the pick query log is append-only"),
            ("pick_labels", "UPDATE", nil, "pick labels are append-only"), ("pick_labels", "DELETE", nil, "pick labels are append-only"),
            ("pick_choices", "UPDATE", nil, "pick choices are append-only"), ("pick_choices", "DELETE", nil, "pick choices are append-only"),
            ("automl_runs", "DELETE", nil, "automl runs are kept"),
            ("automl_arms", "UPDATE", nil, "automl arms are append-only"), ("automl_arms", "DELETE", nil, "automl arms are append-only"),
            ("automl_trials", "DELETE", nil, "automl trials are kept"),
            ("automl_trials", "UPDATE", "OLD.state IN ('ok', 'failed', 'timed-out')", "a finished automl trial is final"),
            ("automl_proposals", "UPDATE", nil, "automl proposals are append-only"), ("automl_proposals", "DELETE", nil, "automl proposals are append-only"),
            ("cleaning_sessions", "UPDATE", nil, "cleaning sessions are append-only"), ("cleaning_sessions", "DELETE", nil, "cleaning sessions are append-only"),
            ("cleaning_rows", "UPDATE", nil, "cleaned rows are append-only"), ("cleaning_rows", "DELETE", nil, "cleaned rows are append-only"),
            ("improve_labels", "UPDATE", nil, "acquired labels are append-only"), ("improve_labels", "DELETE", nil, "acquired labels are append-only"),
            ("improve_rounds", "DELETE", nil, "improve rounds are kept"),
            ("improve_rounds", "UPDATE", "OLD.applied_at IS NOT NULL", "an applied improve round is final"),
            ("lineage_runs", "UPDATE", nil, "lineage runs are append-only"), ("lineage_runs", "DELETE", nil, "lineage runs are append-only"),
        ]
        return rules.enumerated().map { index, rule in
            "\nCREATE TRIGGER easeml_rule_\(index) BEFORE \(rule.operation) ON \(rule.table) FOR EACH ROW"
                + (rule.when.map { " WHEN (\($0))" } ?? "")
                + " EXECUTE FUNCTION easeml_refuse('\(rule.message)');"
        }.joined() + "\n"
    }()

    /// The triggers that note each written row of a covered table (`LedgerRows`), by its key.
    static let trackingTriggers: String = LedgerRows.tables.map { table in
        "CREATE TRIGGER easeml_track_\(table.name) AFTER INSERT OR UPDATE ON \(table.name) FOR EACH ROW EXECUTE FUNCTION easeml_track("
            + table.key.map { "'\($0)'" }.joined(separator: ", ") + ");\n"
    }.joined()
}
