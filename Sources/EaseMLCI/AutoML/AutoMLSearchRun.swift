import Crypto
import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci automl run`: this repository's `automl:` section searched as the one tenant of
/// `AutoMLSearchLoop` (the loop `automl serve` runs for several), `workers` trials at a time on the
/// `executor` of the configured backend (local subprocesses or Ray jobs), every trial recorded in
/// the ledger as it starts and ends, until the budget (trials, seconds) is spent, no arm is left or
/// `stopRequested` names a signal (SIGTERM/SIGINT: local trials killed and re-queued, Ray jobs left
/// running, the run left unfinished).
///
/// Runs are its own: their `spaceHash` is the search space's, so `--resume` refuses a changed
/// space and leaves `automl serve` runs to `serve --resume`. Resume: finished trials are replayed,
/// never re-run; trials left `running` (by a kill or a stop) go to the executor's `recover`
/// (`AutoMLInterruptedTrials`: local orphans killed and re-queued, Ray jobs adopted or recorded);
/// `queued` trials run first. An executor's connection error (the cluster is unreachable) stops
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
    /// Receives the search's state after each event and several times a second while trials run.
    public var progress: (AutoMLSearchProgress) -> Void = { _ in }
    /// Polled while the search runs: the name of a signal asking to stop, or nil.
    public var stopRequested: @Sendable () -> String? = { nil }

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

    /// Refuses to start when a trial input is a registered test set's file, or when the validation
    /// file is augmented data (`ingest augment`: synthetic rows never validate).
    public func checkDataDiscipline() throws(EaseMLCIError) {
        try AutoMLDataDiscipline.check(inputs: [resolve(settings.train), resolve(settings.valid)], ledger: ledger)
        try LineageRecorder.refuseAugmented(resolve(settings.valid), shownAs: resolve(settings.valid), option: "automl.valid", ledger: ledger)
    }

    /// Starts a new run and searches until the budget or a stop ends it; returns the run's id and
    /// the signal that stopped it (nil when the run is done).
    public func start(tenant: String) throws(EaseMLCIError) -> (run: String, stoppedBy: String?) {
        try checkDataDiscipline()
        guard !settings.arms.isEmpty else { throw .automl(.noArms) }
        return try AutoMLFailure.typed {
            let id = "run-\(try ledger.automlRunIDs().count + 1)"
            // The configuration's commands are stored as written: a proposal commits them.
            let records = zip(settings.arms, arms).enumerated().map { position, pair in pair.1.record(position: position, command: pair.0.command) }
            let record = try ledger.createAutoMLRun(NewAutoMLRun(
                id: id, tenant: tenant, policy: settings.policy, seed: settings.seed, metric: settings.metric, spaceHash: spaceHash,
                budgetTrials: settings.budgetTrials, budgetSeconds: settings.budgetSeconds, arms: records))
            report("automl: \(id): \(records.count) arms, policy \(settings.policy), \(settings.workers) worker(s)")
            return (id, try search(record, resuming: false))
        }
    }

    /// Continues `run` (default: the newest unfinished run not made by `automl serve`) until the
    /// budget or a stop ends it; returns the run's id and the signal that stopped it, if any.
    public func resume(run requested: String?) throws(EaseMLCIError) -> (run: String, stoppedBy: String?) {
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
            return (id, try search(record, resuming: true))
        }
    }

    /// The arms of the settings, their commands resolved against the base folder.
    var arms: [AutoMLSearchTenant.Arm] { settings.arms.map { AutoMLSearchTenant.Arm($0, base: baseDirectory) } }

    /// Searches `run` as the one tenant of `AutoMLSearchLoop` (after recovering the trials a
    /// `resuming` run left running); returns the signal that stopped it, nil when it is done.
    func search(_ run: AutoMLRunRecord, resuming: Bool) throws -> String? {
        let tenant = AutoMLSearchTenant(
            name: run.tenant, train: resolve(settings.train), valid: resolve(settings.valid), metric: settings.metric,
            timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB, arms: arms, backend: settings.backend,
            worker: settings.workerCommand.map { AutoMLSearchTenant.resolveProgram($0, base: baseDirectory) }, label: "automl: ", record: run)
        var loop = AutoMLSearchLoop(
            ledger: ledger, tenants: [tenant], executors: [executor], policy: settings.policy, seed: settings.seed, workers: settings.workers,
            budgetTrials: settings.budgetTrials, budgetSeconds: settings.budgetSeconds, outputRoot: outputRoot, label: "automl", report: report,
            progress: progress, stopRequested: stopRequested)
        let adopted = resuming ? try loop.recover(tenant: 0).map { (tenant: 0, adoption: $0) } : []
        let scheduler = try loop.makeScheduler()
        report("automl: \(run.id): \(try loop.history(of: tenant).summary(armCount: tenant.arms.count)); policy \(scheduler.effectivePolicy.rawValue)")
        let (trials, end) = try loop.run(scheduler: scheduler, adopted: adopted)
        switch end {
        case .finished(let reason):
            report("automl: \(run.id) done: \(reason)")
            return nil
        case .stopped(let signal, let requeued):
            report("automl: \(run.id) stopped by \(signal) after \(trials) trials (\(requeued) re-queued); `automl run --resume` continues it")
            return signal
        }
    }
}
