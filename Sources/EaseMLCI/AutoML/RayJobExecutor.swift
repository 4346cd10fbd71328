import EaseMLCore
import Foundation

/// The `ray` backend: each trial is a job of a Ray cluster, submitted through its Jobs REST API
/// (`RayJobsClient`) with the trial's name as `submission_id`, so no Python is needed here.
///
/// - The entrypoint is the trial's command, shell-quoted, after the memory cap (`ulimit -v`) when
///   `memory_mb` is set (then `entrypoint_memory` reserves as much); `EASEML_TRIAL=<name>` is its
///   one environment variable from here (nothing of this process's environment — no key, no CI
///   token — is sent; the job otherwise has the cluster's own environment); `numCPUs` go to `entrypoint_num_cpus`. The command's paths must be
///   valid on the cluster's nodes (a single machine, or a shared file system).
/// - The job is polled every `pollSeconds`. `SUCCEEDED` → the result is the logs' last
///   `EASEML_RESULT {json}` line; `FAILED` → failed (`exit status N` when Ray knows it);
///   `STOPPED` by someone else → failed. Still unfinished at the timeout (counted from the
///   submission), it is stopped and is timed out. Its logs are always saved at `trial.logPath`.
/// - A submission whose answer was lost (or was retried and found its id taken) is looked up by id
///   and adopted, so a trial is submitted at most once.
/// - When the process watching it stops (`interrupt`), the job goes on. Recovery looks the id up:
///   unknown → `lost`; ended → its outcome from the logs; pending or running → adopted (waited
///   for, with the time it has already run counted against its timeout).
public struct RayJobExecutor: AutoMLTrialExecutor {
    public var jobs: RayJobsClient
    /// CPUs reserved per trial, or nil for Ray's default.
    public var numCPUs: Double?
    /// The wait between two status requests, in seconds.
    public var pollSeconds: Double
    /// How long to wait for a stopped job to reach a final state before its logs are read, in seconds.
    public var stopGraceSeconds: Double

    public init(jobs: RayJobsClient, numCPUs: Double? = nil, pollSeconds: Double = 0.5, stopGraceSeconds: Double = 15) {
        self.jobs = jobs
        self.numCPUs = numCPUs
        self.pollSeconds = pollSeconds
        self.stopGraceSeconds = stopGraceSeconds
    }

    /// The job that runs `trial`.
    public func submission(_ trial: AutoMLTrial) throws(EaseMLCIError) -> RayJobsClient.Submission {
        let command = try trial.arguments().map(Self.shellQuoted).joined(separator: " ")
        return RayJobsClient.Submission(
            entrypoint: trial.memoryLimitPrefix + "exec " + command, id: trial.name, environment: [AutoMLTrial.environmentKey: trial.name],
            numCPUs: numCPUs, memoryBytes: trial.memoryMiB.map { $0 * 1024 * 1024 })
    }

    public func run(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        let submission = try submission(trial)
        try trial.makeOutDirectory()
        let submitted = ContinuousClock.now
        do {
            try jobs.submit(submission)
        } catch {
            // The job may exist although no answer said so: a lost answer, or a retry that found
            // the id taken by the first try. It is ours (the id is the trial's), so adopt it.
            guard (try? jobs.job(submission.id)) != nil else { throw .http(error) }
        }
        return try wait(trial, deadline: trial.timeoutSeconds.map { submitted + .seconds($0) })
    }

    public func recover(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrialRecovery {
        guard let info = try http({ () throws(HTTPClientError) in try jobs.job(trial.name) }) else { return .lost }
        try trial.makeOutDirectory()
        let elapsed = info.startMilliseconds.map { max(0, Date().timeIntervalSince1970 - $0 / 1000) } ?? 0
        if info.status.isTerminal {
            var seconds: Double?
            if let start = info.startMilliseconds, let end = info.endMilliseconds { seconds = max(0, end - start) / 1000 }
            return .ended(try finish(trial, info), seconds: seconds)
        }
        let deadline = trial.timeoutSeconds.map { ContinuousClock.now + .seconds(max(0, $0 - elapsed)) }
        return .running(elapsedSeconds: elapsed, wait: { () throws(EaseMLCIError) -> AutoMLTrial.Outcome in try wait(trial, deadline: deadline) })
    }

    /// Leaves the job running on the cluster (nothing is sent): `recover` adopts it, or records
    /// it if it has ended meanwhile, so no work is lost and no id is submitted twice.
    public func interrupt(_ trial: AutoMLTrial) -> Bool { false }

    /// Polls the job until it ends or the deadline passes (then stops it).
    func wait(_ trial: AutoMLTrial, deadline: ContinuousClock.Instant?) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        while true {
            guard let info = try http({ () throws(HTTPClientError) in try jobs.job(trial.name) }) else { return try vanished(trial) }
            if info.status.isTerminal { return try finish(trial, info) }
            if let deadline, ContinuousClock.now >= deadline { break }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
        try http { () throws(HTTPClientError) in
            try jobs.stop(trial.name)
            let grace = ContinuousClock.now + .seconds(stopGraceSeconds)
            while let info = try jobs.job(trial.name), !info.status.isTerminal, ContinuousClock.now < grace {
                Thread.sleep(forTimeInterval: pollSeconds)
            }
        }
        try save(try http { () throws(HTTPClientError) in try jobs.logs(trial.name) }, trial)
        return .timedOut(seconds: trial.timeoutSeconds ?? 0)
    }

    /// The outcome of an ended job, its logs saved.
    func finish(_ trial: AutoMLTrial, _ info: RayJobsClient.JobInfo) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        let log = try http { () throws(HTTPClientError) in try jobs.logs(trial.name) }
        try save(log, trial)
        switch info.status {
        case .succeeded: return trial.outcome(exitStatus: 0, log: log)
        case .failed:
            if let code = info.exitCode { return trial.outcome(exitStatus: code, log: log) }
            return .failed(reason: "the Ray job failed" + (info.message.map { ": \(HTTPClientError.excerpt($0))" } ?? ""))
        case .stopped: return .failed(reason: "the Ray job was stopped on the cluster")
        case .pending, .running: return .failed(reason: "the Ray job has not ended")
        }
    }

    /// Runs requests, their errors as `EaseMLCIError.http`.
    private func http<Value>(_ body: () throws(HTTPClientError) -> Value) throws(EaseMLCIError) -> Value {
        do {
            return try body()
        } catch {
            throw .http(error)
        }
    }

    private func vanished(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrial.Outcome {
        try save("", trial)
        return .failed(reason: "the Ray job \(trial.name) is no longer known to the cluster")
    }

    private func save(_ log: String, _ trial: AutoMLTrial) throws(EaseMLCIError) {
        do {
            try Data(log.utf8).write(to: URL(fileURLWithPath: trial.logPath))
        } catch {
            throw .unwritableFile(path: trial.logPath, reason: error.localizedDescription)
        }
    }

    /// `word` as one `/bin/sh` word: unchanged when it holds only safe characters, else in single
    /// quotes (a `'` inside written as `'\''`).
    static func shellQuoted(_ word: String) -> String {
        let safe = !word.isEmpty && word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_@%+=:,./-".contains($0)) }
        return safe ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
