import Crypto
import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation

/// `easeml-ci automl run`: one tenant (this repository) searched with `AutoMLScheduler` over the
/// arms of the `automl:` section, `workers` trials at a time (run by the `executor` of the
/// configured backend: local subprocesses or Ray jobs), every trial recorded in the ledger as it
/// starts and ends, until the budget (trials, seconds) is spent or no arm is left.
///
/// Resume: the scheduler is rebuilt from the stored trials (finished ones are replayed, never
/// re-run); each trial a killed run left `running` is handed to the executor's `recover`: lost
/// ones (a local trial's orphaned processes are killed first) go back to `queued` and run first,
/// ones that ended meanwhile are recorded with their outcome, and ones still running (a Ray job)
/// are adopted and waited for. An executor's connection error (the cluster is unreachable) stops
/// the search without finishing the run, its trial left `running` for `--resume`.
public struct AutoMLSearchRun {
    public let ledger: Ledger
    public let settings: AutoMLSettings
    /// The folder relative paths of the settings are resolved against (the repository).
    public let baseDirectory: String
    /// Where trial folders go: `<root>/<run>/<arm position>`.
    public let outputRoot: String
    /// Runs the trials.
    public var executor: any AutoMLTrialExecutor
    /// Receives one line per event (trial started / ended, stop).
    public var report: (String) -> Void
    /// Receives the search's state after each event and about once a second while trials run.
    public var progress: (AutoMLSearchProgress) -> Void = { _ in }

    /// A search whose trials run on `executor` (`executor(for:report:)` makes the one of the
    /// settings' backend).
    public init(
        ledger: Ledger, settings: AutoMLSettings, baseDirectory: String, outputRoot: String, executor: any AutoMLTrialExecutor,
        report: @escaping (String) -> Void = { _ in }
    ) {
        self.ledger = ledger
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.outputRoot = outputRoot
        self.executor = executor
        self.report = report
    }

    /// The executor of `backend`: `LocalTrialExecutor`, or a `RayJobExecutor` once the address
    /// has answered as a Ray dashboard (its version is reported).
    public static func executor(for backend: AutoMLBackend, report: (String) -> Void = { _ in }) throws(EaseMLCIError) -> any AutoMLTrialExecutor {
        switch backend {
        case .local:
            return LocalTrialExecutor()
        case .ray(let ray):
            let jobs = RayJobsClient(http: HTTPClient(address: ray.address))
            do {
                report("automl: Ray \(try jobs.version()) at \(ray.address)")
            } catch {
                throw .http(error)
            }
            return RayJobExecutor(jobs: jobs, numCPUs: ray.numCPUs)
        }
    }

    /// The canonical text of the search space and backend kind (what `--resume` must find
    /// unchanged; the backend is part of it unless local, so a run is never resumed on a backend
    /// that cannot see its running trials).
    public var spaceHash: String {
        let text = settings.arms.map { arm in ([arm.key] + arm.command).joined(separator: "\u{1F}") }.joined(separator: "\n")
            + "\n\(settings.policy)\n\(settings.seed)\n\(settings.metric)"
            + (settings.backend == .local ? "" : "\nbackend \(settings.backend.name)")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : baseDirectory + "/" + path }

    /// The command with a relative program path (`./trial.sh`, `scripts/t.sh`) resolved against the
    /// base folder; a bare name is left to PATH.
    func command(_ words: [String]) -> [String] {
        guard let program = words.first, program.contains("/"), !program.hasPrefix("/") else { return words }
        return [resolve(program)] + words.dropFirst()
    }

    /// Refuses to start when a trial input is a registered test set's file.
    public func checkDataDiscipline() throws(EaseMLCIError) {
        try AutoMLDataDiscipline.check(inputs: [resolve(settings.train), resolve(settings.valid)], ledger: ledger)
    }

    /// Starts a new run and searches until the budget stops it; returns the run id.
    public func start(tenant: String) throws(EaseMLCIError) -> String {
        try checkDataDiscipline()
        let arms = settings.arms
        guard !arms.isEmpty else { throw .automl(.noArms) }
        return try AutoMLFailure.typed {
            let id = "run-\(try ledger.automlRunIDs().count + 1)"
            let records = arms.enumerated().map { position, arm in
                AutoMLArmRecord(
                    position: position, key: arm.key, candidate: arm.candidate,
                    parameters: CanonicalJSON.encode(.object(arm.parameterValues.mapValues { .string($0) })),
                    command: CanonicalJSON.encode(.array(arm.command.map { .string($0) })))
            }
            try ledger.createAutoMLRun(NewAutoMLRun(
                id: id, tenant: tenant, policy: settings.policy, seed: settings.seed, metric: settings.metric, spaceHash: spaceHash,
                budgetTrials: settings.budgetTrials, budgetSeconds: settings.budgetSeconds, arms: records))
            report("automl: \(id): \(arms.count) arms, policy \(settings.policy), \(settings.workers) worker(s)")
            try search(run: id)
            return id
        }
    }

    /// Continues `run` (default: the newest unfinished run not made by `automl serve`).
    public func resume(run requested: String?) throws(EaseMLCIError) -> String {
        try checkDataDiscipline()
        return try AutoMLFailure.typed {
            let id: String
            if let requested { id = requested } else {
                // `automl serve` runs (left unfinished by a stop) are resumed by `serve --resume`.
                guard let newest = try ledger.automlRunIDs().reversed().first(where: { id in
                    (try? ledger.automlRun(id: id)).flatMap { $0 }.map { $0.status == "running" && !AutoMLServe.isServeRun($0) } ?? false
                }) else {
                    throw EaseMLCIError.automl(.invalidSetting("no unfinished automl run to resume"))
                }
                id = newest
            }
            guard let record = try ledger.automlRun(id: id) else { throw EaseMLCIError.automl(.invalidSetting("no automl run \(id)")) }
            guard record.spaceHash == spaceHash else {
                throw EaseMLCIError.automl(.invalidSetting("the `automl:` search space changed since \(id) started; start a new run instead"))
            }
            let recovered = try AutoMLInterruptedTrials.recover(
                run: id, ledger: ledger, executor: executor, trial: { makeTrial(record, trial: $0, arm: $1) },
                record: { completion, arm in report(try store(completion, arm: arm, runElapsedSeconds: record.elapsedSeconds).line) })
            let notes = recovered.notes
            report("automl: resuming \(id)" + (notes.isEmpty ? "" : "; " + notes))
            try search(run: id, adopted: recovered.adopted)
            return id
        }
    }

    /// The trial of `arm` with ledger id `trial` in `run`, ready for the executor.
    func makeTrial(_ run: AutoMLRunRecord, trial: Int64, arm: Int) -> AutoMLTrial {
        let arms = settings.arms
        return AutoMLTrial(
            name: Self.trialName(run, trial: trial), template: command(arms[arm].command), trainPath: resolve(settings.train),
            validPath: resolve(settings.valid), outDirectory: outputRoot + "/" + run.id + "/arm-\(arm)", seed: settings.seed,
            parameters: arms[arm].parameterValues, timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB)
    }

    /// `easeml-<10 hex digits>-<run>-<trial>`: the hex digits hash the tenant, the run's id and its
    /// creation time, so names differ across repositories and ledgers sharing one cluster.
    static func trialName(_ run: AutoMLRunRecord, trial: Int64) -> String {
        let digest = SHA256.hash(data: Data("\(run.tenant)\n\(run.id)\n\(run.createdAt)".utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
        let runPart = String(run.id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
        return "easeml-\(digest)-\(runPart)-\(trial)"
    }

    /// Records how a trial of `arm` ended; returns its score (nil unless ok) and report line. A
    /// connection error of the executor is not an outcome: it is thrown, and the trial stays
    /// running for `--resume`.
    func store(_ done: AutoMLTrialPool.Completion, arm: Int, runElapsedSeconds: Double) throws -> (score: Double?, line: String) {
        let ending = try AutoMLTrialPool.record(done, metric: settings.metric, ledger: ledger, runElapsedSeconds: runElapsedSeconds)
        return (ending.score, "automl: " + ending.line(trial: done.trial, arm: settings.arms[arm].key))
    }

    /// The search loop: the coordinator thread owns the ledger and the scheduler; workers only
    /// call the executor and hand back outcomes.
    func search(run: String, adopted: [AutoMLInterruptedTrials.Adoption] = []) throws {
        guard let record = try ledger.automlRun(id: run) else { throw EaseMLCIError.automl(.invalidSetting("no automl run \(run)")) }
        let arms = settings.arms
        let policy = AutoMLPolicy(rawValue: settings.policy) ?? .costGap
        let history = try AutoMLHistory.load(ledger: ledger, armKeys: arms.map(\.key), before: run)
        var scheduler = AutoMLScheduler(tenants: [try history.tenantSearch(armCount: arms.count)], policy: policy, seed: settings.seed)
        report("automl: \(run): \(try history.summary(armCount: arms.count)); policy \(scheduler.effectivePolicy.rawValue)")
        var queued: [Int] = []
        var trialCount = 0
        var doneCount = 0
        var best: Double?
        for trial in try ledger.automlTrials(run: run) {
            trialCount += 1
            if trial.state.isFinal { doneCount += 1 }
            if let score = trial.score { best = max(best ?? score, score) }
            switch trial.state {
            case .ok: try scheduler.restore(tenant: 0, arm: trial.arm, score: trial.score, failed: false)
            case .failed, .timedOut: try scheduler.restore(tenant: 0, arm: trial.arm, score: nil, failed: true)
            case .queued:
                try scheduler.restore(tenant: 0, arm: trial.arm, score: nil, failed: false)
                queued.append(trial.arm)
            case .running:
                // Adopted: still running elsewhere, waited for below.
                try scheduler.restore(tenant: 0, arm: trial.arm, score: nil, failed: false)
            }
        }
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - clock
            return record.elapsedSeconds + Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let pool = AutoMLTrialPool()
        var running: [Int64: Int] = [:]
        var stopReason = "every arm has been tried"
        var connectionFailure: Error?
        func launch(trial: Int64, arm: Int, priorSeconds: Double, _ body: @escaping @Sendable () throws(EaseMLCIError) -> AutoMLTrial.Outcome) {
            running[trial] = arm
            pool.launch(trial: trial, priorSeconds: priorSeconds, body)
        }
        for adoption in adopted {
            report("automl: trial \(adoption.trial) adopted: \(arms[adoption.arm].key)")
            launch(trial: adoption.trial, arm: adoption.arm, priorSeconds: adoption.elapsedSeconds, adoption.wait)
        }
        while true {
            while running.count < settings.workers && connectionFailure == nil {
                let arm: Int
                if !queued.isEmpty {
                    arm = queued.removeFirst()
                } else {
                    if let limit = settings.budgetTrials, trialCount >= limit {
                        stopReason = "the budget of \(limit) trials is spent"
                        break
                    }
                    if let limit = settings.budgetSeconds, elapsed() >= limit {
                        stopReason = "the budget of \(compact(limit)) seconds is spent"
                        break
                    }
                    guard let proposal = scheduler.next() else { break }
                    arm = proposal.arm
                    trialCount += 1
                }
                let stored = try ledger.startAutoMLTrial(run: run, arm: arm, logPath: outputRoot + "/" + run + "/arm-\(arm)/" + AutoMLTrial.logName)
                let trial = makeTrial(record, trial: stored.id, arm: arm)
                report("automl: trial \(stored.id) started: \(arms[arm].key)")
                let executor = self.executor
                launch(trial: stored.id, arm: arm, priorSeconds: 0) { () throws(EaseMLCIError) -> AutoMLTrial.Outcome in try executor.run(trial) }
            }
            if running.isEmpty { break }
            progress(AutoMLSearchProgress(
                done: doneCount, running: running.count, best: best, elapsedSeconds: elapsed(), budgetTrials: settings.budgetTrials,
                budgetSeconds: settings.budgetSeconds))
            guard let done = pool.next(waitingUpTo: 1), let arm = running.removeValue(forKey: done.trial) else { continue }
            do {
                let (score, line) = try store(done, arm: arm, runElapsedSeconds: elapsed())
                if let score { try scheduler.observe(tenant: 0, arm: arm, score: score) } else { try scheduler.fail(tenant: 0, arm: arm) }
                doneCount += 1
                if let score { best = max(best ?? score, score) }
                report(line)
            } catch let error as EaseMLCIError {
                guard case .http = error else { throw error }
                report("automl: trial \(done.trial) interrupted: \(error.description)")
                connectionFailure = connectionFailure ?? error
            }
        }
        if let connectionFailure { throw connectionFailure }
        try ledger.finishAutoMLRun(id: run, elapsedSeconds: elapsed())
        report("automl: \(run) done: \(stopReason)")
    }
}
