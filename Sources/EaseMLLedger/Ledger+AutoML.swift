/// AutoML runs (schema version 3). Every change is one `BEGIN IMMEDIATE` transaction that also
/// appends its event to the hash chain, so a killed `automl run` leaves each trial exactly as it
/// was before or after a change.
extension Ledger {
    /// Creates a run with its arms and appends an `automl-start` event.
    @discardableResult
    public func createAutoMLRun(_ new: NewAutoMLRun) throws(LedgerError) -> AutoMLRunRecord {
        guard !new.id.isEmpty, !new.arms.isEmpty else { throw .invalidRequest("an automl run needs an id and at least one arm") }
        return try database.transaction(.immediate) { () throws(LedgerError) -> AutoMLRunRecord in
            if try !database.query("SELECT 1 FROM automl_runs WHERE id = ?", [.text(new.id)]).isEmpty {
                throw .invalidRequest("an automl run \(new.id) already exists")
            }
            let now = LedgerTimestamp.now()
            try database.execute("""
                INSERT INTO automl_runs (id, created_at, tenant, policy, seed, metric, space_hash, budget_trials, budget_seconds, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
                """, [
                    .text(new.id), .text(now), .text(new.tenant), .text(new.policy), .integer(Int64(bitPattern: new.seed)), .text(new.metric),
                    .text(new.spaceHash), new.budgetTrials.map { .int($0) } ?? .null, new.budgetSeconds.map { .real($0) } ?? .null,
                ])
            for arm in new.arms {
                try database.execute(
                    "INSERT INTO automl_arms (run, position, key, candidate, parameters, command) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(new.id), .int(arm.position), .text(arm.key), .text(arm.candidate), .text(arm.parameters), .text(arm.command)])
            }
            try appendEvent(.automlStart, at: now, payload: [
                "run": .string(new.id), "tenant": .string(new.tenant), "policy": .string(new.policy), "seed": .string(String(new.seed)),
                "space": .string(new.spaceHash), "arms": .integer(Int64(new.arms.count)),
            ])
            guard let record = try fetchAutoMLRun(id: new.id) else { throw .inconsistent("automl run \(new.id) vanished after insert") }
            return record
        }
    }

    /// Appends arms to a run (their positions must continue the run's) and an `automl-arms` event.
    public func addAutoMLArms(run: String, arms: [AutoMLArmRecord]) throws(LedgerError) {
        guard !arms.isEmpty else { return }
        try database.transaction(.immediate) { () throws(LedgerError) in
            guard try fetchAutoMLRun(id: run) != nil else { throw .invalidRequest("no automl run \(run)") }
            let count = try database.query("SELECT COUNT(*) AS n FROM automl_arms WHERE run = ?", [.text(run)]).first?.int("n") ?? 0
            for (offset, arm) in arms.enumerated() {
                guard arm.position == count + offset else {
                    throw .invalidRequest("arm \(arm.key) of run \(run) must take position \(count + offset), not \(arm.position)")
                }
                try database.execute(
                    "INSERT INTO automl_arms (run, position, key, candidate, parameters, command) VALUES (?, ?, ?, ?, ?, ?)",
                    [.text(run), .int(arm.position), .text(arm.key), .text(arm.candidate), .text(arm.parameters), .text(arm.command)])
            }
            try appendEvent(.automlArms, at: LedgerTimestamp.now(), payload: [
                "run": .string(run), "arms": .array(arms.map { .string($0.key) }),
            ])
        }
    }

    /// The run with this id, or nil.
    public func automlRun(id: String) throws(LedgerError) -> AutoMLRunRecord? {
        try database.transaction(.deferred) { () throws(LedgerError) -> AutoMLRunRecord? in try fetchAutoMLRun(id: id) }
    }

    /// Run ids, oldest first.
    public func automlRunIDs() throws(LedgerError) -> [String] {
        try database.query("SELECT id FROM automl_runs ORDER BY created_at, id").map { (row) throws(LedgerError) -> String in try row.string("id") }
    }

    /// A run's arms, by position.
    public func automlArms(run: String) throws(LedgerError) -> [AutoMLArmRecord] {
        try database.query("SELECT position, key, candidate, parameters, command FROM automl_arms WHERE run = ? ORDER BY position", [.text(run)]).map {
            (row) throws(LedgerError) -> AutoMLArmRecord in
            AutoMLArmRecord(
                position: try row.int("position"), key: try row.string("key"), candidate: try row.string("candidate"),
                parameters: try row.string("parameters"), command: try row.string("command"))
        }
    }

    /// A run's trials, in the order they were first started.
    public func automlTrials(run: String) throws(LedgerError) -> [AutoMLTrialRecord] {
        try database.query(
            "SELECT id, run, arm, state, attempts, score, seconds, reason, log_path FROM automl_trials WHERE run = ? ORDER BY id", [.text(run)]
        ).map { (row) throws(LedgerError) -> AutoMLTrialRecord in try Self.decodeTrial(row) }
    }

    /// Marks the arm's trial running (a new row, or its `queued` row again) and appends an
    /// `automl-trial-start` event. Refuses an arm whose trial is running or has ended.
    public func startAutoMLTrial(run: String, arm: Int, logPath: String) throws(LedgerError) -> AutoMLTrialRecord {
        try database.transaction(.immediate) { () throws(LedgerError) -> AutoMLTrialRecord in
            let now = LedgerTimestamp.now()
            let existing = try database.query("SELECT id, state FROM automl_trials WHERE run = ? AND arm = ?", [.text(run), .int(arm)])
            let id: Int64
            if let row = existing.first {
                guard try row.string("state") == AutoMLTrialRecord.State.queued.rawValue else {
                    throw .invalidRequest("the trial of arm \(arm) in run \(run) is already \(try row.string("state"))")
                }
                id = try row.int64("id")
                _ = try database.execute(
                    "UPDATE automl_trials SET state = 'running', attempts = attempts + 1, started_at = ?, log_path = ? WHERE id = ?",
                    [.text(now), .text(logPath), .integer(id)])
            } else {
                let inserted = try database.query(
                    "INSERT INTO automl_trials (run, arm, state, attempts, log_path, started_at) VALUES (?, ?, 'running', 1, ?, ?) RETURNING id",
                    [.text(run), .int(arm), .text(logPath), .text(now)])
                guard let new = try inserted.first?.int64("id") else { throw .inconsistent("the new trial has no id") }
                id = new
            }
            try appendEvent(.automlTrialStart, at: now, payload: ["run": .string(run), "arm": .integer(Int64(arm)), "trial": .integer(id)])
            return try fetchTrial(id: id)
        }
    }

    /// Records how a running trial ended and the run's elapsed seconds; appends `automl-trial-end`.
    public func finishAutoMLTrial(
        id: Int64, state: AutoMLTrialRecord.State, score: Double?, seconds: Double, reason: String?, runElapsedSeconds: Double
    ) throws(LedgerError) {
        guard state.isFinal else { throw .invalidRequest("a trial ends ok, failed or timed-out, not \(state.rawValue)") }
        try database.transaction(.immediate) { () throws(LedgerError) in
            let trial = try fetchTrial(id: id)
            guard trial.state == .running else { throw .invalidRequest("trial \(id) is \(trial.state.rawValue), not running") }
            let now = LedgerTimestamp.now()
            _ = try database.execute(
                "UPDATE automl_trials SET state = ?, score = ?, seconds = ?, reason = ?, ended_at = ? WHERE id = ?",
                [.text(state.rawValue), score.map { .real($0) } ?? .null, .real(seconds), .text(reason), .text(now), .integer(id)])
            _ = try database.execute("UPDATE automl_runs SET elapsed_seconds = ? WHERE id = ?", [.real(runElapsedSeconds), .text(trial.run)])
            try appendEvent(.automlTrialEnd, at: now, payload: [
                "run": .string(trial.run), "arm": .integer(Int64(trial.arm)), "trial": .integer(id), "state": .string(state.rawValue),
            ])
        }
    }

    /// Puts every `running` trial of the run but those in `kept` (adopted: still running
    /// elsewhere) back to `queued` (after a crash) and appends one `automl-requeue` event naming
    /// them; returns their ids.
    @discardableResult
    public func requeueRunningAutoMLTrials(run: String, keeping kept: Set<Int64> = []) throws(LedgerError) -> [Int64] {
        try database.transaction(.immediate) { () throws(LedgerError) -> [Int64] in
            let ids = try database.query("SELECT id FROM automl_trials WHERE run = ? AND state = 'running' ORDER BY id", [.text(run)]).map {
                (row) throws(LedgerError) -> Int64 in try row.int64("id")
            }.filter { !kept.contains($0) }
            guard !ids.isEmpty else { return [] }
            for id in ids {
                _ = try database.execute("UPDATE automl_trials SET state = 'queued' WHERE id = ? AND state = 'running'", [.integer(id)])
            }
            try appendEvent(.automlRequeue, at: LedgerTimestamp.now(), payload: ["run": .string(run), "trials": .array(ids.map { .integer($0) })])
            return ids
        }
    }

    /// Marks the run done (its budget is spent or no arm is left) and appends `automl-finish`.
    public func finishAutoMLRun(id: String, elapsedSeconds: Double) throws(LedgerError) {
        try database.transaction(.immediate) { () throws(LedgerError) in
            guard try fetchAutoMLRun(id: id) != nil else { throw .invalidRequest("no automl run \(id)") }
            _ = try database.execute("UPDATE automl_runs SET status = 'done', elapsed_seconds = ? WHERE id = ?", [.real(elapsedSeconds), .text(id)])
            try appendEvent(.automlFinish, at: LedgerTimestamp.now(), payload: ["run": .string(id)])
        }
    }

    /// Records that the run's arm was committed to `branch` as `commit`; appends `automl-propose`.
    public func recordAutoMLProposal(run: String, arm: Int, branch: String, commit: String) throws(LedgerError) {
        try database.transaction(.immediate) { () throws(LedgerError) in
            guard try fetchAutoMLRun(id: run) != nil else { throw .invalidRequest("no automl run \(run)") }
            let now = LedgerTimestamp.now()
            _ = try database.execute(
                "INSERT INTO automl_proposals (run, arm, branch, commit_id, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(run), .int(arm), .text(branch), .text(commit), .text(now)])
            try appendEvent(.automlPropose, at: now, payload: [
                "run": .string(run), "arm": .integer(Int64(arm)), "branch": .string(branch), "commit": .string(commit),
            ])
        }
    }

    /// The branches a run's arms were proposed on, oldest first: (arm, branch, commit).
    public func automlProposals(run: String) throws(LedgerError) -> [(arm: Int, branch: String, commit: String)] {
        try database.query("SELECT arm, branch, commit_id FROM automl_proposals WHERE run = ? ORDER BY id", [.text(run)]).map {
            (row) throws(LedgerError) -> (arm: Int, branch: String, commit: String) in
            (try row.int("arm"), try row.string("branch"), try row.string("commit_id"))
        }
    }

    private func fetchAutoMLRun(id: String) throws(LedgerError) -> AutoMLRunRecord? {
        let rows = try database.query("""
            SELECT id, created_at, tenant, policy, seed, metric, space_hash, budget_trials, budget_seconds, elapsed_seconds, status
            FROM automl_runs WHERE id = ?
            """, [.text(id)])
        guard let row = rows.first else { return nil }
        return AutoMLRunRecord(
            id: try row.string("id"), createdAt: try row.string("created_at"), tenant: try row.string("tenant"), policy: try row.string("policy"),
            seed: UInt64(bitPattern: try row.int64("seed")), metric: try row.string("metric"), spaceHash: try row.string("space_hash"),
            budgetTrials: row["budget_trials"] == .null ? nil : try row.int("budget_trials"),
            budgetSeconds: row["budget_seconds"] == .null ? nil : try row.double("budget_seconds"),
            elapsedSeconds: try row.double("elapsed_seconds"), status: try row.string("status"))
    }

    private func fetchTrial(id: Int64) throws(LedgerError) -> AutoMLTrialRecord {
        let rows = try database.query(
            "SELECT id, run, arm, state, attempts, score, seconds, reason, log_path FROM automl_trials WHERE id = ?", [.integer(id)])
        guard let row = rows.first else { throw .invalidRequest("no automl trial \(id)") }
        return try Self.decodeTrial(row)
    }

    static func decodeTrial(_ row: SQLiteRow) throws(LedgerError) -> AutoMLTrialRecord {
        let stateText = try row.string("state")
        guard let state = AutoMLTrialRecord.State(rawValue: stateText) else { throw .inconsistent("unknown automl trial state \(stateText)") }
        return AutoMLTrialRecord(
            id: try row.int64("id"), run: try row.string("run"), arm: try row.int("arm"), state: state, attempts: try row.int("attempts"),
            score: row["score"] == .null ? nil : try row.double("score"), seconds: row["seconds"] == .null ? nil : try row.double("seconds"),
            reason: try row.optionalString("reason"), logPath: try row.optionalString("log_path"))
    }
}
