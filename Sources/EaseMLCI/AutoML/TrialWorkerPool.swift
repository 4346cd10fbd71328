import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The long-lived trial workers of `LocalTrialExecutor` (`worker:` in the `automl:` section): a
/// program that imports its libraries once and then runs many trials in its own process, so a
/// 0.1 s fit does not pay seconds of interpreter and library start-up each time.
///
/// **Protocol.** The worker is started as its command (under the trial's memory cap, in a process
/// group of its own, with `EASEML_WORKER=<run>` in its environment). For each trial it reads one
/// line on standard input, `{"command": [the trial's command line], "log": "<trial folder>/trial.log"}`,
/// runs the trial with its output in the log, and answers one line on standard output:
/// `EASEML_RESULT {json}` (read as a trial's result line) or `EASEML_FAILED {"reason": "…"}`.
/// Its standard error outside trials goes to the log of the trial it was started for.
///
/// **The trial contract stays.** A worker still busy at the trial's timeout is killed (the trial
/// timed out); a worker that dies during a trial fails that trial, with its exit status; either way
/// the next trial starts a new worker. Workers are kept per tenant run and command, at most one per
/// trial in flight; idle ones end when the pool does (their standard input closes).
final class TrialWorkerPool: Sendable {
    /// The environment entry naming a worker's run (`EASEML_WORKER=easeml-<digest>-<run>`).
    static let environmentKey = "EASEML_WORKER"
    static let resultPrefix = AutoMLTrial.resultPrefix
    static let failurePrefix = "EASEML_FAILED "

    /// One worker process, used by one thread at a time.
    final class Worker: @unchecked Sendable {
        let pid: pid_t
        /// Where requests are written.
        let requests: Int32
        /// Where answers are read.
        let answers: Int32
        var buffer: [UInt8] = []

        init(pid: pid_t, requests: Int32, answers: Int32) {
            self.pid = pid
            self.requests = requests
            self.answers = answers
        }

        /// Closes the pipes (the worker then ends after its current trial) and reaps it, killing
        /// its process group when `kill` or when it has not ended within `grace` seconds.
        func end(kill killNow: Bool, grace: Double = 2) {
            close(requests)
            close(answers)
            if killNow { kill(-pid, SIGKILL) }
            var status: Int32 = 0
            let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
            while waitpid(pid, &status, WNOHANG) == 0 {
                if ContinuousClock.now >= deadline {
                    kill(-pid, SIGKILL)
                    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                    return
                }
                usleep(10_000)
            }
        }

        /// How waiting for an answer ended.
        enum Answer {
            case line(String)
            case timedOut
            /// The pipe closed: the worker ended.
            case ended
        }

        /// The next `EASEML_RESULT` or `EASEML_FAILED` line (other lines are skipped), waiting at
        /// most until `deadline`.
        func answer(by deadline: ContinuousClock.Instant?) -> Answer {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                while let newline = buffer.firstIndex(of: 10) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    if line.hasPrefix(TrialWorkerPool.resultPrefix) || line.hasPrefix(TrialWorkerPool.failurePrefix) { return .line(line) }
                }
                var milliseconds: Int32 = -1
                if let deadline {
                    let left = ContinuousClock.now.duration(to: deadline)
                    if left <= .zero { return .timedOut }
                    let (seconds, attoseconds) = left.components
                    milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
                }
                var descriptor = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready == 0 { return .timedOut }
                if ready < 0 {
                    if errno == EINTR { continue }
                    return .ended
                }
                let count = read(answers, &chunk, chunk.count)
                if count == 0 { return .ended }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return .ended
                }
                buffer.append(contentsOf: chunk[..<count])
            }
        }

        /// Writes `line` and a newline; false when the worker is gone.
        func send(_ line: String) -> Bool {
            var bytes = Array((line + "\n").utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { write(requests, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    private let idle = Mutex<[String: [Worker]]>([:])
    /// The workers running a trial, by trial name.
    private let busy = Mutex<[String: Worker]>([:])

    init() {
        // A dead worker's pipe must be an error to write to, not a signal that ends this process.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit {
        let workers = idle.withLock { pool in pool.values.flatMap { $0 } }
        for worker in workers { worker.end(kill: false) }
    }

    /// The process groups of this pool's workers.
    func pids() -> Set<pid_t> {
        Set(idle.withLock { $0.values.flatMap { $0.map(\.pid) } } + busy.withLock { $0.values.map(\.pid) })
    }

    /// `easeml-<digest>-<run>` of a trial named `easeml-<digest>-<run>-<trial>`.
    static func runPart(of trialName: String) -> String {
        guard let dash = trialName.lastIndex(of: "-") else { return trialName }
        return String(trialName[..<dash])
    }

    /// Runs `trial` (its command line `arguments`) in a worker of `command`: an idle one of its
    /// run, else a new one. Blocks until the answer, the timeout or the worker's end.
    func run(_ trial: AutoMLTrial, arguments: [String], worker command: [String]) -> AutoMLTrial.Outcome {
        let run = Self.runPart(of: trial.name)
        let key = run + "\n" + command.joined(separator: "\u{1F}") + "\n" + (trial.memoryMiB.map(String.init) ?? "")
        let request = Self.request(command: arguments, log: trial.logPath)
        // The log starts empty: a new worker's start-up errors go to it.
        _ = FileManager.default.createFile(atPath: trial.logPath, contents: nil)
        var worker = idle.withLock { $0[key]?.popLast() }
        if let reused = worker, !reused.send(request) {
            reused.end(kill: true)
            worker = nil
        }
        if worker == nil {
            let started = start(command, trial: trial, run: run)
            guard let fresh = started.worker else { return .failed(reason: "cannot start the worker: \(started.reason)") }
            worker = fresh
            guard worker!.send(request) else {
                worker!.end(kill: true)
                return .failed(reason: "the worker `\(command.joined(separator: " "))` ended before its first trial (see trial.log)")
            }
        }
        let current = worker!
        busy.withLock { $0[trial.name] = current }
        defer { _ = busy.withLock { $0.removeValue(forKey: trial.name) } }
        let deadline = trial.timeoutSeconds.map { ContinuousClock.now + .milliseconds(Int($0 * 1000)) }
        switch current.answer(by: deadline) {
        case .line(let line):
            idle.withLock { $0[key, default: []].append(current) }
            if line.hasPrefix(Self.failurePrefix) {
                let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(Self.failurePrefix.count).utf8)) as? [String: Any]
                return .failed(reason: (object?["reason"] as? String).map { "the trial failed in the worker: \($0)" } ?? "the worker answered \(line)")
            }
            return AutoMLTrial.parseResult(line)
        case .timedOut:
            current.end(kill: true)
            return .timedOut(seconds: trial.timeoutSeconds ?? 0)
        case .ended:
            var status: Int32 = 0
            close(current.requests)
            close(current.answers)
            while waitpid(current.pid, &status, 0) == -1 && errno == EINTR {}
            kill(-current.pid, SIGKILL)
            let how = status & 0x7F != 0 ? "killed by signal \(status & 0x7F)" : "with exit status \((status >> 8) & 0xFF)"
            return .failed(reason: "the worker ended \(how) during the trial (a new one starts for the next trial)")
        }
    }

    /// The JSON line asking a worker to run `command` with its output in `log`.
    static func request(command: [String], log: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["command": command, "log": log], options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Kills the worker running `trialName`, if one is: its `run` then returns.
    func interrupt(_ trialName: String) {
        if let worker = busy.withLock({ $0[trialName] }) { kill(-worker.pid, SIGKILL) }
    }

    /// Starts a worker of `command` for `trial`'s run (the trial's memory cap, a process group of
    /// its own, the default SIGTERM, SIGINT and SIGPIPE handlers); nil and why when it cannot.
    private func start(_ command: [String], trial: AutoMLTrial, run: String) -> (worker: Worker?, reason: String) {
        var environment = trial.environment
        environment[Self.environmentKey] = run
        let options = Subprocess.Options(grouping: .processGroup, defaultSignals: [SIGTERM, SIGINT, SIGPIPE])
        do {
            let started = try Subprocess.start(
                ["/bin/sh", "-c", trial.memoryLimitPrefix + "exec \"$@\"", "easeml-worker"] + command, environment: environment,
                errorLog: trial.logPath, options: options)
            return (Worker(pid: started.pid, requests: started.input, answers: started.output), "")
        } catch {
            return (nil, error.description)
        }
    }
}
