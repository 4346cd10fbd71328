import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation

/// The one search loop of `automl run` (one tenant) and `automl serve` (several): the calling
/// thread owns the ledger and the scheduler; worker threads (`AutoMLTrialPool`) only call the
/// executors and hand back outcomes.
///
/// - Scheduling: trials left `queued` (by a stop or a resume) run first; then `AutoMLScheduler`
///   proposes (tenant, arm) pairs, `workers` trials in flight, until the trials budget (counting the
///   runs' earlier trials) or the seconds budget (counting their elapsed seconds) is spent or no arm
///   is left. Every trial is recorded in the ledger as it starts and as it ends.
/// - `grow` (serve's zoo) may add arms between rounds; the scheduler is then rebuilt from the ledger
///   and the loop does not end for want of arms.
/// - Stop: once `stopRequested` names a signal, no trial starts any more and each running trial is
///   `interrupt`ed (every round, so a trial whose process had not started yet is caught): a local
///   trial is killed and goes back to `queued` unless it ended ok meanwhile (then it is recorded); a
///   trial its executor leaves running (a Ray job) stays `running` for a resume to adopt. The runs
///   stay unfinished.
/// - An executor's connection error (a Ray cluster unreachable) is not an outcome: the loop starts no
///   trial any more, waits for the others, and throws it; the trial stays `running` for a resume.
struct AutoMLSearchLoop {
    /// How the loop ended (a connection error is thrown instead).
    enum End: Equatable {
        /// Every run is done, for this reason (`the budget of 5 trials is spent`).
        case finished(reason: String)
        /// Stopped by the signal; `requeued` trials were put back to `queued`, the runs left unfinished.
        case stopped(signal: String, requeued: Int)
    }

    let ledger: Ledger
    var tenants: [AutoMLSearchTenant]
    /// `executors[i]` runs tenant i's trials.
    let executors: [any AutoMLTrialExecutor]
    let policy: String
    let seed: UInt64
    let workers: Int
    let budgetTrials: Int?
    let budgetSeconds: Double?
    /// Trial folders go to `<outputRoot>/<run>/arm-<position>`.
    let outputRoot: String
    /// The start of the lines not about one tenant (`automl`, `automl serve`).
    let label: String
    /// Receives one line per event (trial started / ended, stop).
    var report: (String) -> Void
    /// Receives the search's state after each event and about every `pollSeconds` while trials run.
    var progress: (AutoMLSearchProgress) -> Void = { _ in }
    /// Polled every round: the name of a signal asking to stop, or nil.
    var stopRequested: @Sendable () -> String? = { nil }
    /// How often the loop wakes to look at `grow`, the clock and `stopRequested` (seconds).
    var pollSeconds = 0.2
    /// Called between rounds while trials may start: adds arms to the tenants (and their runs);
    /// returns whether it added any.
    var grow: ((inout [AutoMLSearchTenant]) throws -> Bool)?

    /// The earliest of the tenants' runs: the prior comes from the runs before it, so a resumed
    /// search rebuilds exactly the prior it started with.
    func firstRun() throws -> String? {
        let runs = Set(tenants.map(\.run))
        return try ledger.automlRunIDs().first { runs.contains($0) }
    }

    /// What the runs before this search say about `tenant`'s arms.
    func history(of tenant: AutoMLSearchTenant) throws -> AutoMLHistory {
        try AutoMLHistory.load(ledger: ledger, armKeys: tenant.arms.map(\.key), before: try firstRun())
    }

    /// A scheduler over the tenants' current arms, with the prior and costs of the earlier runs and
    /// every stored trial replayed (finished ones observed, queued and running ones pending).
    func makeScheduler() throws -> AutoMLScheduler {
        let searches = try tenants.map { tenant in try history(of: tenant).tenantSearch(armCount: tenant.arms.count) }
        var scheduler = AutoMLScheduler(tenants: searches, policy: AutoMLPolicy(rawValue: policy) ?? .costGap, seed: seed)
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

    /// Hands the trials that tenant `index`'s run left `running` to its executor
    /// (`AutoMLInterruptedTrials`), records those that ended meanwhile; returns those adopted.
    func recover(tenant index: Int) throws -> [AutoMLInterruptedTrials.Adoption] {
        let tenant = tenants[index]
        let recovered = try AutoMLInterruptedTrials.recover(
            run: tenant.run, ledger: ledger, executor: executors[index],
            trial: { tenant.makeTrial(trial: $0, arm: $1, outputRoot: outputRoot, seed: seed) },
            record: { completion, arm in _ = try record(completion, tenant: tenant, arm: arm, runElapsedSeconds: tenant.record?.elapsedSeconds ?? 0) })
        let notes = recovered.notes
        report(tenant.label + "resuming \(tenant.run)" + (notes.isEmpty ? "" : "; " + notes))
        return recovered.adopted
    }

    /// Records how a trial of `tenant`'s `arm` ended and reports it; returns its score (nil unless
    /// ok). A connection error of the executor is thrown (`AutoMLTrialPool.record`).
    func record(_ done: AutoMLTrialPool.Completion, tenant: AutoMLSearchTenant, arm: Int, runElapsedSeconds: Double) throws -> AutoMLTrialEnding {
        let ending = try AutoMLTrialPool.record(done, metric: tenant.metric, ledger: ledger, runElapsedSeconds: runElapsedSeconds)
        report(tenant.label + ending.line(trial: done.trial, arm: tenant.arms[arm].key))
        return ending
    }

    /// A trial in flight: its tenant, arm and what its executor runs.
    struct InFlight {
        var tenant: Int
        var arm: Int
        var trial: AutoMLTrial
    }

    /// Searches from `scheduler` (`makeScheduler()`), first waiting for the `adopted` trials of a
    /// resume (by tenant index), until the budget, the arms or a stop end it; returns the number of
    /// trials the runs hold and how it ended.
    mutating func run(
        scheduler initial: AutoMLScheduler, adopted: [(tenant: Int, adoption: AutoMLInterruptedTrials.Adoption)]
    ) throws -> (trials: Int, end: End) {
        var scheduler = initial
        var queued: [(tenant: Int, arm: Int)] = []
        var started = 0
        var done = 0
        var best: Double?
        for (index, tenant) in tenants.enumerated() {
            let trials = try ledger.automlTrials(run: tenant.run)
            started += trials.count
            done += trials.filter(\.state.isFinal).count
            best = trials.compactMap(\.score).reduce(best) { max($0 ?? $1, $1) }
            queued += trials.filter { $0.state == .queued }.map { (index, $0.arm) }
        }
        let priorSeconds = tenants.compactMap(\.record?.elapsedSeconds).max() ?? 0
        let clock = ContinuousClock.now
        func elapsed() -> Double { priorSeconds + AutoMLTrialPool.seconds(since: clock) }
        let pool = AutoMLTrialPool()
        var running: [Int64: InFlight] = [:]
        /// Trials let go on the stop, still running out of this process (Ray jobs).
        var released: Set<Int64> = []
        var budgetSpent: String?
        var stopSignal: String?
        var connectionFailure: Error?
        var exhausted = false
        for (index, adoption) in adopted {
            let tenant = tenants[index]
            running[adoption.trial] = InFlight(
                tenant: index, arm: adoption.arm, trial: tenant.makeTrial(trial: adoption.trial, arm: adoption.arm, outputRoot: outputRoot, seed: seed))
            report(tenant.label + "trial \(adoption.trial) adopted: \(tenant.arms[adoption.arm].key)")
            pool.launch(trial: adoption.trial, priorSeconds: adoption.elapsedSeconds, adoption.wait)
        }
        while true {
            if stopSignal == nil, let signal = stopRequested() {
                stopSignal = signal
                report("\(label): \(signal): stopping \(running.count) running trial(s)")
            }
            if stopSignal != nil {
                for (id, flight) in running where !executors[flight.tenant].interrupt(flight.trial) {
                    running[id] = nil
                    released.insert(id)
                    let tenant = tenants[flight.tenant]
                    report(tenant.label + "trial \(id) left running for `--resume`: \(tenant.arms[flight.arm].key)")
                }
            }
            let idle = stopSignal != nil || budgetSpent != nil || connectionFailure != nil
            if !idle, let grow, try grow(&tenants) {
                scheduler = try makeScheduler()
                exhausted = false
            }
            // Queued trials were counted in the budget when they first started: they always run.
            while !idle, running.count < workers {
                let place: (tenant: Int, arm: Int)
                if !queued.isEmpty {
                    place = queued.removeFirst()
                } else {
                    if exhausted { break }
                    if let limit = budgetTrials, started >= limit {
                        budgetSpent = "the budget of \(limit) trials is spent"
                        break
                    }
                    if let limit = budgetSeconds, elapsed() >= limit {
                        budgetSpent = "the budget of \(compact(limit)) seconds is spent"
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
                let trial = tenant.makeTrial(trial: stored.id, arm: place.arm, outputRoot: outputRoot, seed: seed)
                running[stored.id] = InFlight(tenant: place.tenant, arm: place.arm, trial: trial)
                report(tenant.label + "trial \(stored.id) started: \(tenant.arms[place.arm].key)")
                let executor = executors[place.tenant]
                pool.launch(trial: stored.id) { () throws(EaseMLCIError) -> AutoMLTrial.Outcome in try executor.run(trial) }
            }
            if running.isEmpty && (idle || (exhausted && queued.isEmpty && grow == nil)) { break }
            progress(AutoMLSearchProgress(
                done: done, running: running.count, best: best, elapsedSeconds: elapsed(), budgetTrials: budgetTrials, budgetSeconds: budgetSeconds))
            guard let completion = pool.next(waitingUpTo: pollSeconds), let flight = running.removeValue(forKey: completion.trial) else { continue }
            // A trial interrupted by the stop did not end by itself: it is re-queued below.
            if stopSignal != nil { guard case .ok? = completion.outcome else { continue } }
            let tenant = tenants[flight.tenant]
            do {
                let ending = try record(completion, tenant: tenant, arm: flight.arm, runElapsedSeconds: elapsed())
                if let score = ending.score {
                    try scheduler.observe(tenant: flight.tenant, arm: flight.arm, score: score)
                    best = max(best ?? score, score)
                } else {
                    try scheduler.fail(tenant: flight.tenant, arm: flight.arm)
                }
                done += 1
            } catch let error as EaseMLCIError {
                guard case .http = error else { throw error }
                report(tenant.label + "trial \(completion.trial) interrupted: \(error.description)")
                connectionFailure = connectionFailure ?? error
            }
        }
        if let connectionFailure { throw connectionFailure }
        if let stopSignal {
            // Killed trials run again first on resume; Ray jobs left running are adopted by it.
            var requeued = 0
            for tenant in tenants { requeued += try ledger.requeueRunningAutoMLTrials(run: tenant.run, keeping: released).count }
            return (started, .stopped(signal: stopSignal, requeued: requeued))
        }
        for tenant in tenants { try ledger.finishAutoMLRun(id: tenant.run, elapsedSeconds: elapsed()) }
        return (started, .finished(reason: budgetSpent ?? (tenants.count == 1 ? "every arm has been tried" : "every arm of every tenant has been tried")))
    }
}
