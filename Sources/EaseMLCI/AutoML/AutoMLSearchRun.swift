import Crypto
import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl run`: one tenant (this repository) searched with `AutoMLScheduler` over the
/// arms of the `automl:` section, `workers` trials at a time (`AutoMLTrial` subprocesses), every
/// trial recorded in the ledger as it starts and ends, until the budget (trials, seconds) is spent
/// or no arm is left.
///
/// Resume: the scheduler is rebuilt from the stored trials (finished ones are replayed, never
/// re-run); trials a killed run left `running` have their orphaned process groups killed (found by
/// their `EASEML_TRIAL` environment entry) and go back to `queued`, and run first.
public struct AutoMLSearchRun {
    public let ledger: Ledger
    public let settings: AutoMLSettings
    /// The folder relative paths of the settings are resolved against (the repository).
    public let baseDirectory: String
    /// Where trial folders go: `<root>/<run>/<arm position>`.
    public let outputRoot: String
    /// Receives one line per event (trial started / ended, stop).
    public var report: (String) -> Void
    /// Receives the search's state after each event and about once a second while trials run.
    public var progress: (AutoMLSearchProgress) -> Void = { _ in }

    public static let trialEnvironmentKey = "EASEML_TRIAL"

    public init(ledger: Ledger, settings: AutoMLSettings, baseDirectory: String, outputRoot: String, report: @escaping (String) -> Void = { _ in }) {
        self.ledger = ledger
        self.settings = settings
        self.baseDirectory = baseDirectory
        self.outputRoot = outputRoot
        self.report = report
    }

    /// The canonical text of the search space (what `--resume` must find unchanged).
    public var spaceHash: String {
        let text = settings.arms.map { arm in ([arm.key] + arm.command).joined(separator: "\u{1F}") }.joined(separator: "\n")
            + "\n\(settings.policy)\n\(settings.seed)\n\(settings.metric)"
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
        do {
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
        } catch let error as LedgerError {
            throw .ledger(error)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .automl(.invalidSetting("\(error)"))
        }
    }

    /// Continues `run` (default: the newest unfinished run).
    public func resume(run requested: String?) throws(EaseMLCIError) -> String {
        try checkDataDiscipline()
        do {
            let id: String
            if let requested { id = requested } else {
                guard let newest = try ledger.automlRunIDs().reversed().first(where: { (try? ledger.automlRun(id: $0)?.status) == "running" }) else {
                    throw EaseMLCIError.automl(.invalidSetting("no unfinished automl run to resume"))
                }
                id = newest
            }
            guard let record = try ledger.automlRun(id: id) else { throw EaseMLCIError.automl(.invalidSetting("no automl run \(id)")) }
            guard record.spaceHash == spaceHash else {
                throw EaseMLCIError.automl(.invalidSetting("the `automl:` search space changed since \(id) started; start a new run instead"))
            }
            let orphans = try ledger.automlTrials(run: id).filter { $0.state == .running }
            for trial in orphans { Self.killOrphan(tag: "\(id)/\(trial.id)") }
            let requeued = try ledger.requeueRunningAutoMLTrials(run: id)
            report("automl: resuming \(id)" + (requeued.isEmpty ? "" : "; re-queued \(requeued.count) interrupted trial(s)"))
            try search(run: id)
            return id
        } catch let error as LedgerError {
            throw .ledger(error)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .automl(.invalidSetting("\(error)"))
        }
    }

    /// A finished trial, handed from a worker thread to the coordinator.
    struct Completion: Sendable {
        var trial: Int64
        var arm: Int
        var outcome: AutoMLTrial.Outcome?
        var error: String?
        var seconds: Double
    }

    /// The search loop: the coordinator thread owns the ledger and the scheduler; workers only run
    /// subprocesses and hand back outcomes.
    func search(run: String) throws {
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
            case .queued, .running:
                try scheduler.restore(tenant: 0, arm: trial.arm, score: nil, failed: false)
                queued.append(trial.arm)
            }
        }
        let clock = ContinuousClock.now
        func elapsed() -> Double {
            let duration = ContinuousClock.now - clock
            return record.elapsedSeconds + Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let completions = Mutex<[Completion]>([])
        let signal = DispatchSemaphore(value: 0)
        var running = 0
        var stopReason = "every arm has been tried"
        while true {
            while running < settings.workers {
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
                let outDirectory = outputRoot + "/" + run + "/arm-\(arm)"
                let stored = try ledger.startAutoMLTrial(run: run, arm: arm, logPath: outDirectory + "/" + AutoMLTrial.logName)
                var environment = ProcessInfo.processInfo.environment
                environment[Self.trialEnvironmentKey] = "\(run)/\(stored.id)"
                let trial = AutoMLTrial(
                    template: command(arms[arm].command), trainPath: resolve(settings.train), validPath: resolve(settings.valid), outDirectory: outDirectory,
                    seed: settings.seed, parameters: arms[arm].parameterValues, timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB,
                    environment: environment)
                report("automl: trial \(stored.id) started: \(arms[arm].key)")
                running += 1
                let trialID = stored.id
                Thread.detachNewThread {
                    let started = ContinuousClock.now
                    var completion = Completion(trial: trialID, arm: arm, outcome: nil, error: nil, seconds: 0)
                    do {
                        completion.outcome = try trial.run()
                    } catch {
                        completion.error = "\(error)"
                    }
                    let duration = ContinuousClock.now - started
                    completion.seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
                    completions.withLock { $0.append(completion) }
                    signal.signal()
                }
            }
            if running == 0 { break }
            progress(AutoMLSearchProgress(
                done: doneCount, running: running, best: best, elapsedSeconds: elapsed(), budgetTrials: settings.budgetTrials,
                budgetSeconds: settings.budgetSeconds))
            if signal.wait(timeout: .now() + 1) == .timedOut { continue }
            guard let done = completions.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            running -= 1
            let state: AutoMLTrialRecord.State
            var score: Double?
            var reason: String?
            switch done.outcome {
            case .ok(let value, let result)?:
                state = .ok
                score = metricValue(result) ?? value
            case .failed(let why)?:
                state = .failed
                reason = why
            case .timedOut(let seconds)?:
                state = .timedOut
                reason = "still running after \(compact(seconds)) s"
            case nil:
                state = .failed
                reason = done.error
            }
            try ledger.finishAutoMLTrial(id: done.trial, state: state, score: score, seconds: done.seconds, reason: reason, runElapsedSeconds: elapsed())
            if let score { try scheduler.observe(tenant: 0, arm: done.arm, score: score) } else { try scheduler.fail(tenant: 0, arm: done.arm) }
            doneCount += 1
            if let score { best = max(best ?? score, score) }
            report("automl: trial \(done.trial) \(state.rawValue): \(arms[done.arm].key)" + (score.map { " score \(compact($0))" } ?? "") + (reason.map { " (\($0))" } ?? ""))
        }
        try ledger.finishAutoMLRun(id: run, elapsedSeconds: elapsed())
        report("automl: \(run) done: \(stopReason)")
    }

    /// The metric's value in the result object (`score` unless `metric` names another key).
    func metricValue(_ result: String) -> Double? {
        guard settings.metric != AutoMLSettings.defaultMetric,
            let object = try? JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any],
            let number = object[settings.metric] as? NSNumber, number.doubleValue.isFinite
        else { return nil }
        return number.doubleValue
    }

    /// Kills the process groups of a trial orphaned by a killed run: those of the processes whose
    /// environment holds `EASEML_TRIAL=<tag>` (Linux `/proc`; elsewhere nothing is found). The groups
    /// are collected first, so a trial's shell cannot outlive a child killed alone.
    static func killOrphan(tag: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        let wanted = Data((trialEnvironmentKey + "=" + tag).utf8)
        var groups = Set<pid_t>()
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                environment.split(separator: 0).contains(where: { Data($0) == wanted })
            else { continue }
            // Trials run in process groups of their own; kill whole groups, never our own.
            let group = getpgid(pid)
            if group > 1 && group != getpgrp() { groups.insert(group) }
        }
        for group in groups { kill(-group, SIGKILL) }
    }
}
