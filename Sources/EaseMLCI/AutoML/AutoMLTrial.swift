import EaseMLEngines
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One trial of the search: a subprocess built from a command template (`{train}`, `{valid}`,
/// `{out_dir}`, `{seed}` and the arm's parameters `{name}` substituted in each argument; braces around
/// anything but an identifier stay literal), run with
/// `posix_spawn` in its own process group, its memory (address space) capped with setrlimit by a
/// `/bin/sh` `ulimit -v` before `exec`, standard output and error kept in `out_dir/trial.log`.
/// It reports by printing one line `EASEML_RESULT {json}` with at least `"score"` (a number): exit 0
/// with that line is ok; a non-zero exit, a signal or a missing/invalid line is failed; still running
/// at the timeout, its process group is killed and it is timed out.
public struct AutoMLTrial: Sendable {
    /// How a trial ended.
    public enum Outcome: Sendable, Equatable {
        /// The validation score and the whole result object (as JSON text).
        case ok(score: Double, result: String)
        case failed(reason: String)
        case timedOut(seconds: Double)
    }

    /// The trial's program and arguments (the first is looked up in PATH when it has no `/`).
    public var template: [String]
    public var trainPath: String
    public var validPath: String
    /// The trial's own folder (created); holds `trial.log`.
    public var outDirectory: String
    public var seed: UInt64
    /// The arm's parameters.
    public var parameters: [String: String]
    public var timeoutSeconds: Double?
    /// The address-space cap in MiB, or nil for none.
    public var memoryMiB: Int?
    public var environment: [String: String]

    public static let resultPrefix = "EASEML_RESULT "
    public static let logName = "trial.log"

    public init(
        template: [String], trainPath: String, validPath: String, outDirectory: String, seed: UInt64, parameters: [String: String] = [:],
        timeoutSeconds: Double? = nil, memoryMiB: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.template = template
        self.trainPath = trainPath
        self.validPath = validPath
        self.outDirectory = outDirectory
        self.seed = seed
        self.parameters = parameters
        self.timeoutSeconds = timeoutSeconds
        self.memoryMiB = memoryMiB
        self.environment = environment
    }

    public var logPath: String { outDirectory + "/" + Self.logName }

    /// The command line with every placeholder filled in; an unknown `{name}` is an error.
    public func arguments() throws(EaseMLCIError) -> [String] {
        guard !template.isEmpty else { throw .automl(.trialTemplate("the command is empty")) }
        var values = parameters
        values["train"] = trainPath
        values["valid"] = validPath
        values["out_dir"] = outDirectory
        values["seed"] = String(seed)
        var result: [String] = []
        for argument in template {
            var output = ""
            var rest = Substring(argument)
            while let open = rest.firstIndex(of: "{") {
                output += rest[..<open]
                let afterOpen = rest.index(after: open)
                // Only `{identifier}` is a placeholder; other braces (JSON, shell) stay as they are.
                guard let close = rest[afterOpen...].firstIndex(where: { !($0.isLetter || $0.isNumber || $0 == "_") }), rest[close] == "}",
                    close > afterOpen, rest[afterOpen].isLetter || rest[afterOpen] == "_"
                else {
                    output += "{"
                    rest = rest[afterOpen...]
                    continue
                }
                let name = String(rest[afterOpen..<close])
                guard let value = values[name] else {
                    throw .automl(.trialTemplate("unknown placeholder {\(name)} in `\(argument)` (known: \(values.keys.sorted().joined(separator: ", ")))"))
                }
                output += value
                rest = rest[rest.index(after: close)...]
            }
            result.append(output + rest)
        }
        return result
    }

    /// Runs the trial to its end (blocking the calling thread).
    public func run() throws(EaseMLCIError) -> Outcome {
        let arguments = try arguments()
        do {
            try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw .unwritableFile(path: outDirectory, reason: error.localizedDescription)
        }
        // sh sets the cap with setrlimit (ulimit -v, in KiB) in the child, then execs the trial.
        let limit = memoryMiB.map { "ulimit -v \($0 * 1024) || exit 125; " } ?? ""
        let argv = ["/bin/sh", "-c", limit + "exec \"$@\"", "easeml-trial"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // No other descriptor of ours (a caller's pipe, the ledger) leaks into the trial, so a trial
        // orphaned by a killed run holds nothing of its parent open.
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { return .failed(reason: "cannot start it: \(String(cString: strerror(spawned)))") }

        // The timer kills the process group unless the trial has ended (checked under the lock, and
        // the child is not reaped before the timer is disarmed, so its pid cannot be reused meanwhile).
        let state = Mutex((ended: false, killed: false))
        let group = pid
        if let timeout = timeoutSeconds {
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
        if killed { return .timedOut(seconds: timeoutSeconds ?? 0) }
        let log = FileManager.default.contents(atPath: logPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if status & 0x7F != 0 { return .failed(reason: "killed by signal \(status & 0x7F)") }
        let code = (status >> 8) & 0xFF
        if code == 125 && memoryMiB != nil && log.isEmpty { return .failed(reason: "cannot set the memory limit") }
        guard code == 0 else { return .failed(reason: "exit status \(code)") }
        return Self.parseResult(log)
    }

    /// The last `EASEML_RESULT {json}` line of the output, as an outcome.
    static func parseResult(_ log: String) -> Outcome {
        guard let line = log.split(whereSeparator: \.isNewline).last(where: { $0.hasPrefix(resultPrefix) }) else {
            return .failed(reason: "no `\(resultPrefix.trimmingCharacters(in: .whitespaces)) {json}` line in its output")
        }
        let json = String(line.dropFirst(resultPrefix.count))
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return .failed(reason: "its result line is not a JSON object: \(json)")
        }
        guard let number = object["score"] as? NSNumber, number.doubleValue.isFinite else {
            return .failed(reason: "its result has no finite number `score`: \(json)")
        }
        return .ok(score: number.doubleValue, result: json)
    }
}
