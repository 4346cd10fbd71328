import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `local` backend: each trial is a subprocess of this machine, started with `posix_spawn` in a
/// process group of its own (`/bin/sh` sets the memory cap, then execs the trial), its standard
/// output and error written to `trial.log`, its whole process group killed at the timeout. Its
/// environment is allow-listed (`ChildEnvironment.trial`): no key, no CI token.
///
/// Recovery: the processes of a trial left running by a killed run are found by their
/// `EASEML_TRIAL=<name>` environment entry (Linux `/proc`) and their process groups killed; the
/// trial is then `lost` and runs again.
public struct LocalTrialExecutor: AutoMLTrialExecutor {
    public init() {}

    public func run(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        let arguments = try trial.arguments()
        try trial.makeOutDirectory()
        var environment = trial.environment
        environment[AutoMLTrial.environmentKey] = trial.name
        // `automl run` and `serve` ignore SIGTERM and SIGINT (they poll for them), and an ignored
        // signal stays ignored across exec: the trial gets the default handlers back.
        let options = Subprocess.Options(grouping: .processGroup, defaultSignals: [SIGTERM, SIGINT], timeoutSeconds: trial.timeoutSeconds)
        let ending: Subprocess.Ending
        do {
            ending = try Subprocess.run(
                ["/bin/sh", "-c", trial.memoryLimitPrefix + "exec \"$@\"", "easeml-trial"] + arguments, environment: environment,
                stdout: trial.logPath, stderr: nil, options: options)
        } catch {
            return .failed(reason: error.description)
        }
        if ending.timedOut { return .timedOut(seconds: trial.timeoutSeconds ?? 0) }
        let log = FileManager.default.contents(atPath: trial.logPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if let signal = ending.signal { return .failed(reason: "killed by signal \(signal)") }
        return trial.outcome(exitStatus: Int(ending.exitCode), log: log)
    }

    /// Kills what is left of the trial's processes; it then runs again.
    public func recover(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrialRecovery {
        Self.killOrphan(name: trial.name)
        return .lost
    }

    /// Kills the trial's process groups (a trial not started yet is caught by a later call): a
    /// local trial cannot outlive the process that watches it.
    public func interrupt(_ trial: AutoMLTrial) -> Bool {
        Self.killOrphan(name: trial.name)
        return true
    }

    /// Kills the process groups of the processes whose environment holds `EASEML_TRIAL=<name>`
    /// (Linux `/proc`; elsewhere nothing is found). The groups are collected first, so a trial's
    /// shell cannot outlive a child killed alone.
    static func killOrphan(name: String) {
        let wanted = AutoMLTrial.environmentKey + "=" + name
        var groups = Set<pid_t>()
        for pid in ProcessTable.all() where pid != getpid() {
            guard let environment = ProcessTable.environment(of: pid), environment.contains(where: { $0 == wanted }) else { continue }
            // Trials run in process groups of their own; kill whole groups, never our own.
            let group = getpgid(pid)
            if group > 1 && group != getpgrp() { groups.insert(group) }
        }
        for group in groups { kill(-group, SIGKILL) }
    }
}
