import EaseMLEngines
import Foundation

/// One trial of the search: a command built from a template (`{train}`, `{valid}`, `{out_dir}`,
/// `{seed}` and the arm's parameters `{name}` substituted in each argument; braces around anything
/// but an identifier stay literal), run by an `AutoMLTrialExecutor` with its memory (address space)
/// capped with setrlimit by a `/bin/sh` `ulimit -v` before `exec`, standard output and error kept in
/// `out_dir/trial.log`, and `EASEML_TRIAL=<name>` in its environment.
/// It reports by printing one line `EASEML_RESULT {json}` with at least `"score"` (a number): exit 0
/// with that line is ok; a non-zero exit, a signal or a missing/invalid line is failed; still running
/// at the timeout, it is stopped and it is timed out.
public struct AutoMLTrial: Sendable {
    /// How a trial ended.
    public enum Outcome: Sendable, Equatable {
        /// The validation score and the whole result object (as JSON text).
        case ok(score: Double, result: String)
        case failed(reason: String)
        case timedOut(seconds: Double)
    }

    /// The trial's name, unique across runs, ledgers and machines sharing a cluster; letters,
    /// digits, `-` and `_` only (it is a Ray `submission_id` and the value of `EASEML_TRIAL`).
    public var name: String
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
    /// The environment of a local trial (default: `ChildEnvironment.trial`, allow-listed; a Ray job
    /// gets only `EASEML_TRIAL` from here, and the cluster's own environment).
    public var environment: [String: String]

    /// The environment entry naming the trial (`EASEML_TRIAL=<name>`).
    public static let environmentKey = "EASEML_TRIAL"
    public static let resultPrefix = "EASEML_RESULT "
    public static let logName = "trial.log"

    public init(
        name: String, template: [String], trainPath: String, validPath: String, outDirectory: String, seed: UInt64, parameters: [String: String] = [:],
        timeoutSeconds: Double? = nil, memoryMiB: Int? = nil,
        environment: [String: String] = ChildEnvironment.trial(from: ProcessInfo.processInfo.environment)
    ) {
        self.name = name
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

    /// Creates `outDirectory` (where the log goes).
    func makeOutDirectory() throws(EaseMLCIError) {
        do {
            try FileManager.default.createDirectory(atPath: outDirectory, withIntermediateDirectories: true)
        } catch {
            throw .unwritableFile(path: outDirectory, reason: error.localizedDescription)
        }
    }

    /// The shell text that caps the address space (setrlimit through `ulimit -v`, in KiB) before
    /// the trial is exec'd, exiting 125 when it cannot; empty without a cap.
    var memoryLimitPrefix: String { memoryMiB.map { "ulimit -v \($0 * 1024) || exit \(Self.memoryLimitExitStatus); " } ?? "" }

    /// The exit status of a trial whose memory cap could not be set.
    static let memoryLimitExitStatus = 125

    /// The outcome of a trial whose process exited with `code` after printing `log`.
    func outcome(exitStatus code: Int, log: String) -> Outcome {
        if code == Self.memoryLimitExitStatus && memoryMiB != nil && log.isEmpty { return .failed(reason: "cannot set the memory limit") }
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
