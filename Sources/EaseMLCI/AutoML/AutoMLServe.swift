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
/// - The search is `AutoMLSearchLoop`'s, the loop `automl run` runs for one tenant: the budget is
///   trials over all tenants and wall seconds; with no zoo to grow, the session ends when every arm
///   has run (every run is then marked done). On a signal (`stopRequested`, SIGTERM/SIGINT) local
///   trials are killed and re-queued, Ray jobs left running, and the runs stay unfinished; an
///   executor's connection error stops the session without finishing the runs and is thrown.
/// - Resume (`resume: true`) continues, for each tenant of the file, its newest unfinished serve
///   run on the same backend kind (a tenant without one gets a new run). The run's arms are those
///   stored (zoo arms added earlier are kept, whatever the zoo file says now), plus any new arm of
///   the tenant's section or the zoo; finished trials are replayed, never re-run; trials left
///   `running` (by kill -9 or a stop) are recovered (`AutoMLSearchLoop.recover`); `queued` trials
///   run first. The trials budget counts the resumed runs' trials; the seconds budget their elapsed
///   seconds.
public struct AutoMLServe {
    typealias Tenant = AutoMLSearchTenant
    typealias Arm = AutoMLSearchTenant.Arm

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
                    timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB, arms: [], backend: .local, label: "automl serve: \(tenant.name): ")
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
                arms: automl.arms.map { Arm($0, base: base) }, backend: automl.backend,
                worker: automl.workerCommand.map { Tenant.resolveProgram($0, base: base) }, label: "automl serve: \(tenant.name): ")
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
        var next = try ledger.automlRunIDs().count + 1
        for i in tenants.indices {
            if tenants[i].record == nil {
                tenants[i].record = try ledger.createAutoMLRun(NewAutoMLRun(
                    id: "run-\(next)", tenant: tenants[i].name, policy: settings.policy, seed: settings.seed, metric: tenants[i].metric,
                    spaceHash: Self.runMark(tenants[i].backend), budgetTrials: nil, budgetSeconds: nil,
                    arms: tenants[i].arms.enumerated().map { $1.record(position: $0) }))
                next += 1
                if resume { report("automl serve: \(tenants[i].name): no unfinished run to resume, starting \(tenants[i].run)") }
            } else {
                let new = tenants[i].arms[storedArmCounts[i]...]
                try ledger.addAutoMLArms(run: tenants[i].run, arms: new.enumerated().map { $1.record(position: storedArmCounts[i] + $0) })
            }
        }
        var loop = AutoMLSearchLoop(
            ledger: ledger, tenants: tenants, executors: tenants.map { tenant in executors.first { $0.backend == tenant.backend }!.executor },
            policy: settings.policy, seed: settings.seed, workers: settings.workers, budgetTrials: settings.budgetTrials,
            budgetSeconds: settings.budgetSeconds, outputRoot: outputRoot, label: "automl serve", report: report, stopRequested: stopRequested,
            pollSeconds: pollSeconds)
        if let zooPath { loop.grow = { tenants in try growZoo(&tenants, path: zooPath, known: &zooData) } }
        var adopted: [(tenant: Int, adoption: AutoMLInterruptedTrials.Adoption)] = []
        for i in tenants.indices where storedArmCounts[i] > 0 { adopted += try loop.recover(tenant: i).map { (i, $0) } }
        let scheduler = try loop.makeScheduler()
        report("automl serve: \(tenants.count) tenants, \(settings.workers) worker(s), policy \(scheduler.effectivePolicy.rawValue)")
        for tenant in tenants {
            report(
                "automl serve: \(tenant.name): \(tenant.run), \(tenant.arms.count) arms, backend \(tenant.backend.name), "
                    + (try loop.history(of: tenant).summary(armCount: tenant.arms.count)))
        }
        let (trials, end) = try loop.run(scheduler: scheduler, adopted: adopted)
        switch end {
        case .finished(let reason):
            report("automl serve: done after \(trials) trials: \(reason)")
        case .stopped(let signal, let requeued):
            report("automl serve: stopped by \(signal) after \(trials) trials (\(requeued) re-queued); `automl serve --resume` continues the runs")
        }
        return tenants.map(\.run)
    }

    /// Re-reads the zoo file when its bytes changed since `known`: a new candidate's arms are added
    /// to every tenant's run (`automl-arms` event); returns whether any was added. An unusable file
    /// is reported and the previous zoo kept.
    func growZoo(_ tenants: inout [Tenant], path: String, known: inout Data?) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data != known else { return false }
        known = data
        let arms: [Arm]
        do { arms = try zooArms(data, path: path) } catch {
            report("automl serve: the zoo file is unusable, keeping the previous zoo: \(error)")
            return false
        }
        var added: Set<String> = []
        for i in tenants.indices {
            let new = arms.filter { arm in !tenants[i].arms.contains { $0.key == arm.key } }
            guard !new.isEmpty else { continue }
            try ledger.addAutoMLArms(run: tenants[i].run, arms: new.enumerated().map { $1.record(position: tenants[i].arms.count + $0) })
            tenants[i].arms += new
            added.formUnion(new.map(\.key))
        }
        if !added.isEmpty { report("automl serve: the zoo gave every tenant \(added.sorted().joined(separator: ", "))") }
        return !added.isEmpty
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
                tenants[i].record = record
                let stored = try ledger.automlArms(run: id).map(Arm.init)
                storedArmCounts[i] = stored.count
                tenants[i].arms = stored + tenants[i].arms.filter { arm in !stored.contains { $0.key == arm.key } }
                break
            }
        }
        return storedArmCounts
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
}
