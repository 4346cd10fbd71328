import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation

/// `easeml-ci automl serve`: one long-running process searching for several tenants at once
/// (`automl.md`): per tenant GP-UCB over its arms (prior and costs from the ledger's earlier runs),
/// across tenants the policy deciding whom the next free worker serves.
///
/// - Each tenant gets a run in the ledger (`run-N`, tenant = its name) with its own arms and every
///   arm of the shared zoo. The zoo file is re-read between scheduling rounds: a new candidate's
///   arms are appended to every tenant's run (`automl-arms` event) and the scheduler is rebuilt from
///   the ledger (finished trials replayed, running ones kept in flight).
/// - Each tenant's trials run on the backend of its `automl:` section (`backend: local` or
///   `backend: ray`, as `automl run` picks it; a tenant given only `train`/`valid` runs locally),
///   through `AutoMLTrialExecutor`: one executor per distinct backend, shared by its tenants.
/// - Stops when the budget (trials over all tenants, wall seconds) is spent or when every arm has
///   run and there is no zoo to grow: every run is then marked done.
/// - On a signal (`stopRequested`, SIGTERM/SIGINT) no trial starts any more and each running trial
///   is `interrupt`ed: a local trial's process group is killed and the trial goes back to `queued`
///   (unless it ended ok meanwhile, then it is recorded); a Ray job is left running on the cluster
///   and its trial `running`. The runs stay `running` (not done), so `serve --resume` continues them.
/// - Resume (`resume: true`) continues, for each tenant of the file, its newest unfinished serve
///   run on the same backend kind (a tenant without one gets a new run). The run's arms are those
///   stored (zoo arms added earlier are kept, whatever the zoo file says now), plus any new arm of
///   the tenant's section or the zoo; finished trials are replayed, never re-run; trials left
///   `running` (by kill -9 or a stop) go to the executor's `recover` (`AutoMLInterruptedTrials`:
///   local orphans killed and re-queued, Ray jobs adopted or recorded); `queued` trials run first.
///   The trials budget counts the resumed runs' trials; the seconds budget their elapsed seconds.
/// - An executor's connection error (a Ray cluster unreachable) stops the session without
///   finishing the runs; the trial stays `running` for `--resume`, and the error is thrown.
public struct AutoMLServe {
    /// One arm as served: its command with relative program paths resolved.
    public struct Arm: Sendable, Equatable {
        public var key: String
        public var candidate: String
        public var parameters: [AutoMLArm.Parameter]
        public var command: [String]

        init(_ arm: AutoMLArm, base: String) {
            key = arm.key
            candidate = arm.candidate
            parameters = arm.parameters
            let program = arm.command.first ?? ""
            command = program.contains("/") && !program.hasPrefix("/") ? [base + "/" + program] + arm.command.dropFirst() : arm.command
        }

        /// An arm as a run stored it (its command already resolved).
        init(_ stored: AutoMLArmRecord) {
            key = stored.key
            candidate = stored.candidate
            let values = (try? JSONSerialization.jsonObject(with: Data(stored.parameters.utf8))) as? [String: String] ?? [:]
            parameters = values.keys.sorted().map { AutoMLArm.Parameter(name: $0, value: values[$0] ?? "") }
            command = (try? JSONSerialization.jsonObject(with: Data(stored.command.utf8))) as? [String] ?? []
        }

        func record(position: Int) -> AutoMLArmRecord {
            AutoMLArmRecord(
                position: position, key: key, candidate: candidate,
                parameters: CanonicalJSON.encode(.object(Dictionary(parameters.map { ($0.name, .string($0.value)) }, uniquingKeysWith: { a, _ in a }))),
                command: CanonicalJSON.encode(.array(command.map { .string($0) })))
        }
    }

    /// One tenant as served.
    public struct Tenant: Sendable {
        public var name: String
        /// Absolute paths.
        public var train: String
        public var valid: String
        public var metric: String
        public var timeoutSeconds: Double?
        public var memoryMiB: Int?
        public var arms: [Arm]
        /// Where its trials run (its `automl:` section's `backend`; local without a section).
        public var backend: AutoMLBackend
        /// Its run in the ledger.
        public var run = ""
        /// The run's record (its trials' names derive from it).
        var record: AutoMLRunRecord?
    }

    public let ledger: Ledger
    public let settings: AutoMLServeSettings
    /// The tenants file's folder (relative paths in it are relative to this).
    public let baseDirectory: String
    public let zooPath: String?
    /// Trial folders go to `<root>/<run>/arm-<position>`.
    public let outputRoot: String
    /// Receives one plain line per event.
    public var report: (String) -> Void
    /// Polled between rounds: the name of a signal asking to stop, or nil.
    public var stopRequested: @Sendable () -> String?
    /// How often the loop wakes to look at the zoo, the clock and `stopRequested` (seconds).
    public var pollSeconds = 0.2
    /// The executor of a backend, made once per distinct backend (default:
    /// `AutoMLSearchRun.executor(for:report:)`, which checks that a Ray address answers).
    public var makeExecutor: (AutoMLBackend) throws(EaseMLCIError) -> any AutoMLTrialExecutor

    public init(
        ledger: Ledger, settings: AutoMLServeSettings, baseDirectory: String, zooPath: String?, outputRoot: String,
        report: @escaping (String) -> Void = { _ in }, stopRequested: @escaping @Sendable () -> String? = { nil }
    ) {
        self.ledger = ledger
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.zooPath = zooPath
        self.outputRoot = outputRoot
        self.report = report
        self.stopRequested = stopRequested
        makeExecutor = { (backend) throws(EaseMLCIError) in try AutoMLSearchRun.executor(for: backend, report: report) }
    }

    /// `easeml-ci automl serve` in a workspace: the tenants file and zoo (paths relative to the
    /// working folder), trial folders under `.easeml/automl` next to the tenants file (or
    /// `outputRoot`), the workspace's ledger. Returns the leaderboards of the tenants' runs.
    public static func serve(
        in workspace: Workspace, tenantsPath: String, zooPath: String?, outputRoot: String?, resume: Bool,
        report: @escaping (String) -> Void, stopRequested: @escaping @Sendable () -> String?
    ) throws(EaseMLCIError) -> [AutoMLLeaderboard] {
        let settings = try loadSettings(tenantsPath)
        let base = URL(fileURLWithPath: workspace.absolute(tenantsPath)).deletingLastPathComponent().path
        let ledger = try workspace.openLedger(create: true)
        let serve = AutoMLServe(
            ledger: ledger, settings: settings, baseDirectory: base, zooPath: zooPath.map(workspace.absolute),
            outputRoot: outputRoot.map(workspace.absolute) ?? base + "/.easeml/automl", report: report, stopRequested: stopRequested)
        return try serve.serve(resume: resume).map { (run) throws(EaseMLCIError) in try AutoMLLeaderboard(ledger: ledger, run: run) }
    }

    /// Reads and checks a tenants file.
    public static func loadSettings(_ path: String) throws(EaseMLCIError) -> AutoMLServeSettings {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadableFile(path: path, reason: "no such file or not readable") }
        do { return try AutoMLServeSettings.load(contentsOf: String(decoding: data, as: UTF8.self), file: path) } catch { throw .configuration(error) }
    }

    static func resolve(_ path: String, against base: String) -> String { path.hasPrefix("/") ? path : base + "/" + path }

    /// The tenants with their own arms (from their `automl:` sections).
    func resolveTenants() throws(EaseMLCIError) -> [Tenant] {
        try settings.tenants.map { (tenant) throws(EaseMLCIError) -> Tenant in
            guard let config = tenant.config else {
                return Tenant(
                    name: tenant.name, train: Self.resolve(tenant.train ?? "", against: baseDirectory),
                    valid: Self.resolve(tenant.valid ?? "", against: baseDirectory), metric: tenant.metric ?? AutoMLSettings.defaultMetric,
                    timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB, arms: [], backend: .local)
            }
            var url = URL(fileURLWithPath: Self.resolve(config, against: baseDirectory))
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                guard let name = ConfigurationFile.names.first(where: { FileManager.default.fileExists(atPath: url.appendingPathComponent($0).path) }) else {
                    throw .configurationNotFound(searchedFrom: url.path)
                }
                url.appendPathComponent(name)
            }
            guard let automl = try ConfigurationFile.load(url).automl else {
                throw .invalidOption(option: "--tenants", message: "the tenant `\(tenant.name)`: \(url.path) has no `automl:` section")
            }
            let base = url.deletingLastPathComponent().path
            return Tenant(
                name: tenant.name, train: Self.resolve(tenant.train ?? automl.train, against: base),
                valid: Self.resolve(tenant.valid ?? automl.valid, against: base), metric: tenant.metric ?? automl.metric,
                timeoutSeconds: automl.timeoutSeconds ?? settings.timeoutSeconds, memoryMiB: automl.memoryMiB ?? settings.memoryMiB,
                arms: automl.arms.map { Arm($0, base: base) }, backend: automl.backend)
        }
    }


    /// What marks a serve run of a tenant on `backend` in the ledger (its `spaceHash`): a run is
    /// resumed only on the same backend kind, which can see its running trials.
    static func runMark(_ backend: AutoMLBackend) -> String { backend == .local ? "serve" : "serve backend \(backend.name)" }

    /// Whether `run` was made by `automl serve` (`automl run --resume` leaves it to `serve --resume`).
    static func isServeRun(_ run: AutoMLRunRecord) -> Bool { run.spaceHash == "serve" || run.spaceHash.hasPrefix("serve backend ") }

    /// Serves until the budget, the arms or a signal stop it; returns the tenants' run ids. With
    /// `resume`, continues each tenant's newest unfinished serve run instead of starting one.
    public func serve(resume: Bool = false) throws(EaseMLCIError) -> [String] {
        try AutoMLFailure.typed { try run(resume: resume) }
    }

    func run(resume: Bool) throws -> [String] {
        var tenants = try resolveTenants()
        var zooData: Data?
        var zoo: [Arm] = []
        if let zooPath {
            guard let data = FileManager.default.contents(atPath: zooPath) else {
                throw EaseMLCIError.unreadableFile(path: zooPath, reason: "no such file or not readable")
            }
            zooData = data
            zoo = try zooArms(data, path: zooPath)
        }
        let storedArmCounts = resume ? try adoptUnfinishedRuns(&tenants) : [Int](repeating: 0, count: tenants.count)
        for i in tenants.indices { tenants[i].arms += zoo.filter { arm in !tenants[i].arms.contains { $0.key == arm.key } } }
        for tenant in tenants {
            guard !tenant.arms.isEmpty else {
                throw EaseMLCIError.invalidOption(option: "--tenants", message: "the tenant `\(tenant.name)` has no arms (no candidates and no zoo)")
            }
            try AutoMLDataDiscipline.check(inputs: [tenant.train, tenant.valid], ledger: ledger)
        }
        var executors: [(backend: AutoMLBackend, executor: any AutoMLTrialExecutor)] = []
        for tenant in tenants where !executors.contains(where: { $0.backend == tenant.backend }) {
            executors.append((tenant.backend, try makeExecutor(tenant.backend)))
        }
        let executorOf = tenants.map { tenant in executors.first { $0.backend == tenant.backend }!.executor }
        var next = try ledger.automlRunIDs().count + 1
        for i in tenants.indices {
            if tenants[i].run.isEmpty {
                tenants[i].run = "run-\(next)"
                next += 1
                tenants[i].record = try ledger.createAutoMLRun(NewAutoMLRun(
                    id: tenants[i].run, tenant: tenants[i].name, policy: settings.policy, seed: settings.seed, metric: tenants[i].metric,
                    spaceHash: Self.runMark(tenants[i].backend), budgetTrials: nil, budgetSeconds: nil,
                    arms: tenants[i].arms.enumerated().map { $1.record(position: $0) }))
                if resume { report("automl serve: \(tenants[i].name): no unfinished run to resume, starting \(tenants[i].run)") }
            } else {
                let new = tenants[i].arms[storedArmCounts[i]...]
                try ledger.addAutoMLArms(run: tenants[i].run, arms: new.enumerated().map { $1.record(position: storedArmCounts[i] + $0) })
            }
        }
        var adopted: [(tenant: Int, adoption: AutoMLInterruptedTrials.Adoption)] = []
        for i in tenants.indices where storedArmCounts[i] > 0 {
            adopted += try recoverInterruptedTrials(tenants[i], executor: executorOf[i]).map { (i, $0) }
        }
        try loop(tenants: &tenants, executors: executorOf, zooData: zooData, adopted: adopted)
        return tenants.map(\.run)
    }

    /// Gives each tenant its newest unfinished serve run on the same backend kind, if any, with
    /// the run's stored arms first (in their positions) and the tenant's other arms after them;
    /// returns how many arms each run had stored (0: no run to resume).
    func adoptUnfinishedRuns(_ tenants: inout [Tenant]) throws -> [Int] {
        var storedArmCounts = [Int](repeating: 0, count: tenants.count)
        let ids = try ledger.automlRunIDs()
        for i in tenants.indices {
            for id in ids.reversed() {
                guard let record = try ledger.automlRun(id: id), record.tenant == tenants[i].name, record.status == "running",
                    record.spaceHash == Self.runMark(tenants[i].backend)
                else { continue }
                tenants[i].run = id
                tenants[i].record = record
                let stored = try ledger.automlArms(run: id).map(Arm.init)
                storedArmCounts[i] = stored.count
                tenants[i].arms = stored + tenants[i].arms.filter { arm in !stored.contains { $0.key == arm.key } }
                break
            }
        }
        return storedArmCounts
    }

    /// Hands the trials that the tenant's resumed run left running to its executor
    /// (`AutoMLInterruptedTrials`), records those that ended meanwhile; returns those adopted.
    func recoverInterruptedTrials(_ tenant: Tenant, executor: any AutoMLTrialExecutor) throws -> [AutoMLInterruptedTrials.Adoption] {
        let recovered = try AutoMLInterruptedTrials.recover(
            run: tenant.run, ledger: ledger, executor: executor, trial: { makeTrial(tenant, trial: $0, arm: $1) },
            record: { completion, arm in
                let ending = try AutoMLTrialPool.record(
                    completion, metric: tenant.metric, ledger: ledger, runElapsedSeconds: tenant.record?.elapsedSeconds ?? 0)
                report("automl serve: \(tenant.name): " + ending.line(trial: completion.trial, arm: tenant.arms[arm].key))
            })
        let notes = recovered.notes
        report("automl serve: \(tenant.name): resuming \(tenant.run)" + (notes.isEmpty ? "" : "; " + notes))
        return recovered.adopted
    }

    /// The zoo's arms, from the file's bytes.
    func zooArms(_ data: Data, path: String) throws(EaseMLCIError) -> [Arm] {
        let candidates: [AutoMLCandidate]
        do { candidates = try AutoMLZoo.load(contentsOf: String(decoding: data, as: UTF8.self), file: path) } catch { throw .configuration(error) }
        var space = AutoMLSettings(train: "", valid: "", candidates: candidates)
        space.python = settings.python
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return space.arms.map { Arm($0, base: base) }
    }


    /// The earliest of the tenants' runs: the prior comes from the runs before it.
    func firstRun(_ tenants: [Tenant]) throws -> String? {
        let runs = Set(tenants.map(\.run))
        return try ledger.automlRunIDs().first { runs.contains($0) }
    }

    /// A scheduler over the tenants' current arms, with the prior and costs of the runs before this
    /// session and every trial of this session replayed.
    func makeScheduler(_ tenants: [Tenant]) throws -> AutoMLScheduler {
        var searches: [AutoMLTenantSearch] = []
        let before = try firstRun(tenants)
        for tenant in tenants {
            let history = try AutoMLHistory.load(ledger: ledger, armKeys: tenant.arms.map(\.key), before: before)
            searches.append(try history.tenantSearch(armCount: tenant.arms.count))
        }
        var scheduler = AutoMLScheduler(tenants: searches, policy: AutoMLPolicy(rawValue: settings.policy) ?? .costGap, seed: settings.seed)
        for (index, tenant) in tenants.enumerated() {
            for trial in try ledger.automlTrials(run: tenant.run) {
                switch trial.state {
                case .ok: try scheduler.restore(tenant: index, arm: trial.arm, score: trial.score, failed: false)
                case .failed, .timedOut: try scheduler.restore(tenant: index, arm: trial.arm, score: nil, failed: true)
                case .queued, .running: try scheduler.restore(tenant: index, arm: trial.arm, score: nil, failed: false)
                }
            }
        }
        return scheduler
    }

    /// The trial of `tenant`'s `arm` with ledger id `trial`, ready for its executor; its processes
    /// carry the name `automl run` would give them in `EASEML_TRIAL`.
    func makeTrial(_ tenant: Tenant, trial: Int64, arm: Int) -> AutoMLTrial {
        let chosen = tenant.arms[arm]
        return AutoMLTrial(
            name: tenant.record.map { AutoMLSearchRun.trialName($0, trial: trial) } ?? "easeml-\(tenant.run)-\(trial)", template: chosen.command,
            trainPath: tenant.train, validPath: tenant.valid, outDirectory: outputRoot + "/" + tenant.run + "/arm-\(arm)", seed: settings.seed,
            parameters: Dictionary(chosen.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
            timeoutSeconds: tenant.timeoutSeconds, memoryMiB: tenant.memoryMiB)
    }

    /// A trial in flight: its tenant, arm and what its executor runs.
    struct InFlight {
        var tenant: Int
        var arm: Int
        var trial: AutoMLTrial
    }

    /// The scheduling loop: the calling thread owns the ledger and the scheduler; worker threads
    /// only call the executors (`executors[i]` runs tenant i's trials) and hand back outcomes.
    func loop(
        tenants: inout [Tenant], executors: [any AutoMLTrialExecutor], zooData initialZoo: Data?,
        adopted: [(tenant: Int, adoption: AutoMLInterruptedTrials.Adoption)]
    ) throws {
        var zooData = initialZoo
        var scheduler = try makeScheduler(tenants)
        report("automl serve: \(tenants.count) tenants, \(settings.workers) worker(s), policy \(scheduler.effectivePolicy.rawValue)")
        let before = try firstRun(tenants)
        var queued: [(tenant: Int, arm: Int)] = []
        var started = 0
        for (index, tenant) in tenants.enumerated() {
            let history = try AutoMLHistory.load(ledger: ledger, armKeys: tenant.arms.map(\.key), before: before)
            report(
                "automl serve: \(tenant.name): \(tenant.run), \(tenant.arms.count) arms, backend \(tenant.backend.name), "
                    + (try history.summary(armCount: tenant.arms.count)))
            let trials = try ledger.automlTrials(run: tenant.run)
            started += trials.count
            queued += trials.filter { $0.state == .queued }.map { (index, $0.arm) }
        }
        let priorSeconds = tenants.compactMap(\.record?.elapsedSeconds).max() ?? 0
        let clock = ContinuousClock.now
        func elapsed() -> Double { priorSeconds + AutoMLTrialPool.seconds(since: clock) }
        let pool = AutoMLTrialPool()
        var running: [Int64: InFlight] = [:]
        /// Trials let go on the stop, still running out of this process (Ray jobs).
        var released: Set<Int64> = []
        var stopReason: String?
        var stopSignal: String?
        var connectionFailure: Error?
        var exhausted = false
        for (index, adoption) in adopted {
            let tenant = tenants[index]
            running[adoption.trial] = InFlight(tenant: index, arm: adoption.arm, trial: makeTrial(tenant, trial: adoption.trial, arm: adoption.arm))
            report("automl serve: \(tenant.name): trial \(adoption.trial) adopted: \(tenant.arms[adoption.arm].key)")
            pool.launch(trial: adoption.trial, priorSeconds: adoption.elapsedSeconds, adoption.wait)
        }
        while true {
            if stopSignal == nil, let signal = stopRequested() {
                stopSignal = signal
                report("automl serve: \(signal): stopping \(running.count) running trial(s)")
            }
            // Every round while stopping: a trial whose process had not started at the first
            // interrupt is caught at the next. A trial left running (a Ray job) is let go.
            if stopSignal != nil {
                for (id, flight) in running where !executors[flight.tenant].interrupt(flight.trial) {
                    running[id] = nil
                    released.insert(id)
                    let tenant = tenants[flight.tenant]
                    report("automl serve: \(tenant.name): trial \(id) left running for `--resume`: \(tenant.arms[flight.arm].key)")
                }
            }
            let idle = stopSignal != nil || stopReason != nil || connectionFailure != nil
            if !idle, let zooPath, let data = FileManager.default.contents(atPath: zooPath), data != zooData {
                zooData = data
                do {
                    let arms = try zooArms(data, path: zooPath)
                    var added: Set<String> = []
                    for i in tenants.indices {
                        let new = arms.filter { arm in !tenants[i].arms.contains { $0.key == arm.key } }
                        guard !new.isEmpty else { continue }
                        try ledger.addAutoMLArms(run: tenants[i].run, arms: new.enumerated().map { $1.record(position: tenants[i].arms.count + $0) })
                        tenants[i].arms += new
                        added.formUnion(new.map(\.key))
                    }
                    if !added.isEmpty {
                        scheduler = try makeScheduler(tenants)
                        exhausted = false
                        report("automl serve: the zoo gave every tenant \(added.sorted().joined(separator: ", "))")
                    }
                } catch let error as EaseMLCIError {
                    report("automl serve: the zoo file is unusable, keeping the previous zoo: \(error)")
                }
            }
            if stopReason == nil, let limit = settings.budgetSeconds, elapsed() >= limit { stopReason = "the budget of \(compact(limit)) seconds is spent" }
            while stopSignal == nil, stopReason == nil, connectionFailure == nil, running.count < settings.workers {
                let place: (tenant: Int, arm: Int)
                if !queued.isEmpty {
                    place = queued.removeFirst()
                } else {
                    if exhausted { break }
                    if let limit = settings.budgetTrials, started >= limit {
                        stopReason = "the budget of \(limit) trials is spent"
                        break
                    }
                    guard let proposal = scheduler.next() else {
                        exhausted = true
                        break
                    }
                    place = (proposal.tenant, proposal.arm)
                    started += 1
                }
                let tenant = tenants[place.tenant]
                let stored = try ledger.startAutoMLTrial(
                    run: tenant.run, arm: place.arm, logPath: outputRoot + "/" + tenant.run + "/arm-\(place.arm)/" + AutoMLTrial.logName)
                let trial = makeTrial(tenant, trial: stored.id, arm: place.arm)
                running[stored.id] = InFlight(tenant: place.tenant, arm: place.arm, trial: trial)
                report("automl serve: \(tenant.name): trial \(stored.id) started: \(tenant.arms[place.arm].key)")
                let executor = executors[place.tenant]
                pool.launch(trial: stored.id) { () throws(EaseMLCIError) -> AutoMLTrial.Outcome in try executor.run(trial) }
            }
            if running.isEmpty {
                if let stopSignal { stopReason = "stopped by \(stopSignal)" }
                if connectionFailure != nil { break }
                if stopReason == nil, exhausted, queued.isEmpty, zooPath == nil { stopReason = "every arm of every tenant has been tried" }
                if stopReason != nil { break }
            }
            guard let done = pool.next(waitingUpTo: pollSeconds), let flight = running.removeValue(forKey: done.trial) else { continue }
            let tenant = tenants[flight.tenant]
            // A trial interrupted by the stop did not end by itself: it is re-queued below.
            if stopSignal != nil { guard case .ok? = done.outcome else { continue } }
            do {
                let ending = try AutoMLTrialPool.record(done, metric: tenant.metric, ledger: ledger, runElapsedSeconds: elapsed())
                if let score = ending.score { try scheduler.observe(tenant: flight.tenant, arm: flight.arm, score: score) } else {
                    try scheduler.fail(tenant: flight.tenant, arm: flight.arm)
                }
                report("automl serve: \(tenant.name): " + ending.line(trial: done.trial, arm: tenant.arms[flight.arm].key))
            } catch let error as EaseMLCIError {
                guard case .http = error else { throw error }
                report("automl serve: \(tenant.name): trial \(done.trial) interrupted: \(error.description)")
                connectionFailure = connectionFailure ?? error
            }
        }
        if let connectionFailure { throw connectionFailure }
        if let stopSignal {
            // Killed trials run again first on resume; Ray jobs left running are recovered by it.
            var requeued = 0
            for tenant in tenants { requeued += try ledger.requeueRunningAutoMLTrials(run: tenant.run, keeping: released).count }
            report("automl serve: stopped by \(stopSignal) after \(started) trials (\(requeued) re-queued); `automl serve --resume` continues the runs")
            return
        }
        for tenant in tenants { try ledger.finishAutoMLRun(id: tenant.run, elapsedSeconds: elapsed()) }
        report("automl serve: done after \(started) trials: \(stopReason ?? "")")
    }
}
