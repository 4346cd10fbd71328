import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The `local` backend: each trial is a subprocess of this machine, started with `posix_spawn` in a
/// process group of its own (`/bin/sh` sets the memory cap, then execs the trial), its standard
/// output and error written to `trial.log`, its whole process group killed at the timeout.
///
/// With a `worker` command the trial runs instead in a long-lived worker (`TrialWorkerPool`).
///
/// Recovery: the processes of a trial left running by a killed run are found by their
/// `EASEML_TRIAL=<name>` (or its run's `EASEML_WORKER=…`) environment entry (Linux `/proc`) and
/// their process groups killed; the trial is then `lost` and runs again.
public struct LocalTrialExecutor: AutoMLTrialExecutor {
    /// The long-lived workers of trials with a `worker` command.
    let workers = TrialWorkerPool()

    public init() {}

    /// Where a spawned process's standard output and error go.
    enum Output {
        /// Output to the file (created, truncated), error to the same file.
        case log(String)
        /// Input from, output to the descriptors; error appended to the file.
        case pipes(input: Int32, output: Int32, errorLog: String)
    }

    /// Starts `arguments` under `/bin/sh` (which applies `memoryLimitPrefix`, then execs it) in a
    /// process group of its own, with the default handlers for SIGTERM, SIGINT and SIGPIPE and
    /// none of this process's other descriptors. Returns its pid, or why it could not start.
    static func spawn(_ arguments: [String], memoryLimitPrefix: String, environment: [String: String], output: Output) -> Spawned {
        spawnLock.withLock { _ in spawnLocked(arguments, memoryLimitPrefix: memoryLimitPrefix, environment: environment, output: output) }
    }

    /// A started process, or why it could not start.
    enum Spawned {
        case started(pid_t)
        case failed(String)
    }

    /// Held while spawning and while creating descriptors meant to stay in this process (a
    /// worker's pipes), so no child of another thread inherits them.
    static let spawnLock = Mutex(())

    private static func spawnLocked(_ arguments: [String], memoryLimitPrefix: String, environment: [String: String], output: Output) -> Spawned {
        let argv = ["/bin/sh", "-c", memoryLimitPrefix + "exec \"$@\"", "easeml-trial"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        switch output {
        case .log(let path):
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .pipes(let input, let output, let errorLog):
            posix_spawn_file_actions_adddup2(&actions, input, 0)
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        // No other descriptor of ours (a caller's pipe, the ledger) leaks into the trial, so a trial
        // orphaned by a killed run holds nothing of its parent open.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // `automl run` and `serve` ignore SIGTERM and SIGINT (they poll for them) and SIGPIPE (a
        // worker's pipe), and an ignored signal stays ignored across exec: the trial gets the
        // default handlers back.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { return .failed("cannot start it: \(String(cString: strerror(spawned)))") }
        return .started(pid)
    }

    public func run(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        let arguments = try trial.arguments()
        try trial.makeOutDirectory()
        if let worker = trial.worker { return workers.run(trial, arguments: arguments, worker: worker) }
        var environment = trial.environment
        environment[AutoMLTrial.environmentKey] = trial.name
        let pid: pid_t
        switch Self.spawn(arguments, memoryLimitPrefix: trial.memoryLimitPrefix, environment: environment, output: .log(trial.logPath)) {
        case .started(let spawned): pid = spawned
        case .failed(let reason): return .failed(reason: reason)
        }

        // The timer kills the process group unless the trial has ended (checked under the lock, and
        // the child is not reaped before the timer is disarmed, so its pid cannot be reused meanwhile).
        let state = Mutex((ended: false, killed: false))
        let group = pid
        if let timeout = trial.timeoutSeconds {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                state.withLock { value in
                    guard !value.ended else { return }
                    value.killed = true
                    kill(-group, SIGKILL)
                }
            }
        }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        let killed = state.withLock { value in
            value.ended = true
            return value.killed
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        if killed { return .timedOut(seconds: trial.timeoutSeconds ?? 0) }
        let log = FileManager.default.contents(atPath: trial.logPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if status & 0x7F != 0 { return .failed(reason: "killed by signal \(status & 0x7F)") }
        return trial.outcome(exitStatus: Int((status >> 8) & 0xFF), log: log)
    }

    /// Kills what is left of the trial's processes (and of its run's workers); it then runs again.
    public func recover(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrialRecovery {
        Self.killGroups(withEnvironmentEntry: AutoMLTrial.environmentKey + "=" + trial.name)
        if trial.worker != nil { Self.killGroups(withEnvironmentEntry: TrialWorkerPool.environmentKey + "=" + TrialWorkerPool.runPart(of: trial.name), sparing: workers.pids()) }
        return .lost
    }

    /// Kills the trial's process groups, or the worker running it (a trial not started yet is
    /// caught by a later call): a local trial cannot outlive the process that watches it.
    public func interrupt(_ trial: AutoMLTrial) -> Bool {
        if trial.worker != nil {
            workers.interrupt(trial.name)
        } else {
            Self.killGroups(withEnvironmentEntry: AutoMLTrial.environmentKey + "=" + trial.name)
        }
        return true
    }

    /// Kills the process groups of the processes whose environment holds `entry` (Linux `/proc`;
    /// elsewhere nothing is found), except the groups of `sparing`. The groups are collected first,
    /// so a trial's shell cannot outlive a child killed alone.
    static func killGroups(withEnvironmentEntry entry: String, sparing: Set<pid_t> = []) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        let wanted = Data(entry.utf8)
        var groups = Set<pid_t>()
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let environment = FileManager.default.contents(atPath: "/proc/\(entry)/environ"),
                environment.split(separator: 0).contains(where: { Data($0) == wanted })
            else { continue }
            // Trials run in process groups of their own; kill whole groups, never our own.
            let group = getpgid(pid)
            if group > 1 && group != getpgrp() && !sparing.contains(group) { groups.insert(group) }
        }
        for group in groups { kill(-group, SIGKILL) }
    }
}
