import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation
import Synchronization

/// `easeml-ci automl serve`: one long-running process searching for several tenants at once
/// (`automl.md`): per tenant GP-UCB over its arms (prior and costs from the ledger's earlier runs),
/// across tenants the policy deciding whom the next free worker serves.
///
/// - Each tenant gets a run in the ledger (`run-N`, tenant = its name) with its own arms and every
///   arm of the shared zoo. The zoo file is re-read between scheduling rounds: a new candidate's
///   arms are appended to every tenant's run (`automl-arms` event) and the scheduler is rebuilt from
///   the ledger (finished trials replayed, running ones kept in flight).
/// - Stops when the budget (trials over all tenants, wall seconds) is spent, when every arm has run
///   and there is no zoo to grow, or when `stopRequested` reports a signal: running trials are
///   then killed (their process groups) and recorded as failed, `stopped: <signal>`. Every run is
///   marked done.
/// - Trials run on this machine (`LocalTrialExecutor`).
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
                    timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB, arms: [])
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
                arms: automl.arms.map { Arm($0, base: base) })
        }
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

    /// Serves until the budget, the arms or a signal stop it; returns the tenants' run ids.
    public func serve() throws(EaseMLCIError) -> [String] {
        var tenants = try resolveTenants()
        var zooData: Data?
        if let zooPath {
            guard let data = FileManager.default.contents(atPath: zooPath) else { throw .unreadableFile(path: zooPath, reason: "no such file or not readable") }
            zooData = data
            let arms = try zooArms(data, path: zooPath)
            for i in tenants.indices { tenants[i].arms += arms.filter { arm in !tenants[i].arms.contains { $0.key == arm.key } } }
        }
        for tenant in tenants {
            guard !tenant.arms.isEmpty else { throw .invalidOption(option: "--tenants", message: "the tenant `\(tenant.name)` has no arms (no candidates and no zoo)") }
            try AutoMLDataDiscipline.check(inputs: [tenant.train, tenant.valid], ledger: ledger)
        }
        do {
            let first = try ledger.automlRunIDs().count + 1
            for i in tenants.indices {
                tenants[i].run = "run-\(first + i)"
                tenants[i].record = try ledger.createAutoMLRun(NewAutoMLRun(
                    id: tenants[i].run, tenant: tenants[i].name, policy: settings.policy, seed: settings.seed, metric: tenants[i].metric,
                    spaceHash: "serve", budgetTrials: nil, budgetSeconds: nil,
                    arms: tenants[i].arms.enumerated().map { $1.record(position: $0) }))
            }
            try loop(tenants: &tenants, zooData: zooData)
            return tenants.map(\.run)
        } catch {
            throw .wrapping(error) { .automl(.invalidSetting("\($0)")) }
        }
    }

    /// A scheduler over the tenants' current arms, with the prior and costs of the runs before this
    /// session and every trial of this session replayed.
    func makeScheduler(_ tenants: [Tenant]) throws -> AutoMLScheduler {
        var searches: [AutoMLTenantSearch] = []
        for tenant in tenants {
            let history = try AutoMLHistory.load(ledger: ledger, armKeys: tenant.arms.map(\.key), before: tenants.first?.run)
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

    /// The name a trial's processes carry in `EASEML_TRIAL` (as `automl run` names them).
    func trialName(_ tenant: Tenant, trial: Int64) -> String {
        tenant.record.map { AutoMLSearchRun.trialName($0, trial: trial) } ?? "easeml-\(tenant.run)-\(trial)"
    }

    /// A finished trial, handed from its worker thread to the loop.
    struct Completion: Sendable {
        var trial: Int64
        var outcome: AutoMLTrial.Outcome?
        var error: String?
        var seconds: Double
    }

    func loop(tenants: inout [Tenant], zooData initialZoo: Data?) throws {
        var zooData = initialZoo
        var scheduler = try makeScheduler(tenants)
        report("automl serve: \(tenants.count) tenants, \(settings.workers) worker(s), policy \(scheduler.effectivePolicy.rawValue)")
        for tenant in tenants {
            let history = try AutoMLHistory.load(ledger: ledger, armKeys: tenant.arms.map(\.key), before: tenants.first?.run)
            report("automl serve: \(tenant.name): \(tenant.run), \(tenant.arms.count) arms, \(try history.summary(armCount: tenant.arms.count))")
        }
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - clock
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let completions = Mutex<[Completion]>([])
        let wake = DispatchSemaphore(value: 0)
        var running: [Int64: (tenant: Int, arm: Int)] = [:]
        var started = 0
        var stopReason: String?
        var stopSignal: String?
        var exhausted = false
        while true {
            if stopSignal == nil, let signal = stopRequested() {
                stopSignal = signal
                report("automl serve: \(signal): stopping \(running.count) running trial(s)")
            }
            // Every round while stopping: a trial whose process had not started at the first kill is caught at the next.
            if stopSignal != nil {
                for (trial, place) in running { LocalTrialExecutor.killOrphan(name: trialName(tenants[place.tenant], trial: trial)) }
            }
            if stopSignal == nil, stopReason == nil, let zooPath, let data = FileManager.default.contents(atPath: zooPath), data != zooData {
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
            while stopSignal == nil, stopReason == nil, !exhausted, running.count < settings.workers {
                if let limit = settings.budgetTrials, started >= limit {
                    stopReason = "the budget of \(limit) trials is spent"
                    break
                }
                guard let proposal = scheduler.next() else {
                    exhausted = true
                    break
                }
                let tenant = tenants[proposal.tenant]
                let arm = tenant.arms[proposal.arm]
                let outDirectory = outputRoot + "/" + tenant.run + "/arm-\(proposal.arm)"
                let stored = try ledger.startAutoMLTrial(run: tenant.run, arm: proposal.arm, logPath: outDirectory + "/" + AutoMLTrial.logName)
                let trial = AutoMLTrial(
                    name: trialName(tenant, trial: stored.id), template: arm.command, trainPath: tenant.train, validPath: tenant.valid,
                    outDirectory: outDirectory, seed: settings.seed,
                    parameters: Dictionary(arm.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }),
                    timeoutSeconds: tenant.timeoutSeconds, memoryMiB: tenant.memoryMiB)
                running[stored.id] = (proposal.tenant, proposal.arm)
                started += 1
                report("automl serve: \(tenant.name): trial \(stored.id) started: \(arm.key)")
                let id = stored.id
                Thread.detachNewThread {
                    let begun = ContinuousClock.now
                    var completion = Completion(trial: id, outcome: nil, error: nil, seconds: 0)
                    do { completion.outcome = try LocalTrialExecutor().run(trial) } catch { completion.error = "\(error)" }
                    let duration = ContinuousClock.now - begun
                    completion.seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
                    completions.withLock { $0.append(completion) }
                    wake.signal()
                }
            }
            if running.isEmpty {
                if let stopSignal { stopReason = "stopped by \(stopSignal)" }
                if stopReason == nil, exhausted, zooPath == nil { stopReason = "every arm of every tenant has been tried" }
                if stopReason != nil { break }
            }
            _ = wake.wait(timeout: .now() + pollSeconds)
            for done in completions.withLock({ value in defer { value.removeAll() }; return value }) {
                guard let (tenantIndex, armIndex) = running.removeValue(forKey: done.trial) else { continue }
                var ending = AutoMLTrialEnding(outcome: done.outcome, error: done.error, metric: tenants[tenantIndex].metric)
                if let stopSignal, ending.state != .ok { ending = AutoMLTrialEnding(state: .failed, score: nil, reason: "stopped: serve received \(stopSignal)") }
                try ledger.finishAutoMLTrial(
                    id: done.trial, state: ending.state, score: ending.score, seconds: done.seconds, reason: ending.reason, runElapsedSeconds: elapsed())
                if let score = ending.score { try scheduler.observe(tenant: tenantIndex, arm: armIndex, score: score) } else {
                    try scheduler.fail(tenant: tenantIndex, arm: armIndex)
                }
                let tenant = tenants[tenantIndex]
                report(
                    "automl serve: \(tenant.name): trial \(done.trial) \(ending.state.rawValue): \(tenant.arms[armIndex].key)"
                        + (ending.score.map { " score \(compact($0))" } ?? "") + (ending.reason.map { " (\($0))" } ?? ""))
            }
        }
        for tenant in tenants { try ledger.finishAutoMLRun(id: tenant.run, elapsedSeconds: elapsed()) }
        report("automl serve: done after \(started) trials: \(stopReason ?? "")")
    }
}
