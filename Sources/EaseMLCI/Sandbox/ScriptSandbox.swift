import Foundation

/// How a commit's prediction `script` runs: code the model developer wrote, run by easeml-ci.
///
/// Always (`process`): a session and process group of its own, killed as a whole when the script
/// ends or at the timeout, with every descendant that moved to another group or session (this
/// process reaps orphans meanwhile); an allow-listed environment (`ChildEnvironment.script`:
/// `PATH`, the locale, a private `HOME` and `TMPDIR`, `EASEML_INPUTS`, `EASEML_OUTPUT`); no
/// descriptor of easeml-ci. With bubblewrap (`bwrap`, when installed and working): no network,
/// its own pid namespace and `/proc` (no ancestor's environment is visible), no capabilities, the
/// system folders, the script's folder and the inputs read-only, only the output folder and its
/// private `HOME`/`TMPDIR` writable, and the key file and the ledger hidden.
///
/// Without bwrap the script runs as the same user as easeml-ci: it can read that user's files
/// and other processes' environments. That is why `predict` refuses to start where a key is
/// reachable, and why the key belongs only to the CI job that runs no repository code.
public struct ScriptSandbox: Sendable {
    public enum Isolation: String, Sendable, Codable, CaseIterable {
        /// bwrap when it works here, else `process`.
        case auto
        /// bwrap or nothing: refuse to run the script without it.
        case bwrap
        /// No bwrap: own session, killed group, allow-listed environment, private HOME, timeout.
        case process
    }

    /// Half an hour: a GitHub job's own limit is six hours.
    public static let defaultTimeoutSeconds: Double = 1800

    public var isolation: Isolation
    public var timeoutSeconds: Double
    /// Files the script must not see (the key file, the ledger): under bwrap, each one inside a
    /// folder the script sees is replaced by an empty one.
    public var hiddenPaths: [String]

    public init(isolation: Isolation = .auto, timeoutSeconds: Double = defaultTimeoutSeconds, hiddenPaths: [String] = []) {
        self.isolation = isolation
        self.timeoutSeconds = timeoutSeconds
        self.hiddenPaths = hiddenPaths
    }

    /// What a run puts in force (bwrap is tried once per process); with `isolation: bwrap` and no
    /// working bwrap, a usage error saying why.
    public func protections() throws(EaseMLCIError) -> Protections {
        try Protections(bwrap: bwrap() != nil, timeoutSeconds: timeoutSeconds)
    }

    /// The working bwrap, `nil` for `process`.
    private func bwrap() throws(EaseMLCIError) -> String? {
        switch (isolation, Bubblewrap.availability) {
        case (.process, _): return nil
        case (_, .success(let path)): return path
        case (.auto, .failure): return nil
        case (.bwrap, .failure(let reason)):
            throw .invalidOption(option: "--isolation", message: "bwrap was asked for, but \(reason); install bubblewrap or choose --isolation process")
        }
    }

    /// Runs `command` under `/bin/sh -c` in `workingDirectory`, which it reads (as it does
    /// `inputs`); it writes `output` inside `scratch/out`. Returns what it printed and how it ended.
    func run(command: String, workingDirectory: String, inputs: String?, scratch: URL) throws(EaseMLCIError) -> (result: Subprocess.Result, output: String) {
        var folders: [String] = []
        for name in ["out", "home", "tmp"] {
            let folder = scratch.appendingPathComponent(name)
            do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
                throw .unwritableFile(path: folder.path, reason: "cannot create the script's folder: \(error.localizedDescription)")
            }
            // The paths bwrap mounts (links resolved), so the script finds them at the names it is given.
            folders.append(Bubblewrap.real(folder.path))
        }
        let workingDirectory = Bubblewrap.real(workingDirectory)
        let inputs = inputs.map { $0.isEmpty ? $0 : Bubblewrap.real($0) }
        let output = folders[0] + "/predictions.csv"
        let environment = ChildEnvironment.script(
            from: ProcessInfo.processInfo.environment, home: folders[1], temporary: folders[2], inputs: inputs ?? "", output: output)
        // `cd` inside the shell: glibc's posix_spawn_file_actions_addchdir_np is not exported to Swift.
        let quoted = "'" + workingDirectory.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let line = "cd \(quoted) && \(command)"
        let arguments: [String]
        if let bwrap = try bwrap() {
            arguments = Bubblewrap.arguments(
                bwrap: bwrap, command: line, workingDirectory: workingDirectory,
                readOnly: [workingDirectory] + (inputs.map { [$0] } ?? []), writable: folders, hidden: hiddenPaths)
        } else {
            arguments = ["/bin/sh", "-c", line]
        }
        let options = Subprocess.Options(grouping: .session, timeoutSeconds: timeoutSeconds, killDescendants: true)
        return (try Subprocess.run(arguments, environment: environment, scratch: scratch, name: "script", options: options), output)
    }
}

/// The protections in force for one run of a prediction script, as `predict`, `check` and the
/// predictions manifest record them: which are in force and which are not, by name.
public struct Protections: Sendable, Codable, Equatable {
    /// `bwrap` or `process`.
    public var isolation: String
    public var timeoutSeconds: Double
    /// Names from `Protections.all`.
    public var inForce: [String]
    public var notInForce: [String]

    /// Every protection, by name, and what it means.
    public static let all: [(name: String, meaning: String)] = [
        ("process-group-killed", "own session and process group, killed with every descendant when the script ends"),
        ("timeout", "killed at the timeout"),
        ("allow-listed-environment", "environment: " + ChildEnvironment.scriptNames.joined(separator: ", ") + "; nothing else"),
        ("private-home", "a private HOME and TMPDIR, removed afterwards"),
        ("no-network", "no network"),
        ("own-proc", "its own pid namespace and /proc: no other process's environment is visible"),
        ("read-only-files", "the system, its folder and the inputs read-only; only its output folder writable"),
        ("key-and-ledger-hidden", "the ledger and the key file easeml-ci knows of (--key-file, EASEML_KEY_FILE, ~/.easeml.key) are not visible"),
    ]

    /// The protections every run has; bwrap adds the others.
    static let always: Set<String> = ["process-group-killed", "timeout", "allow-listed-environment", "private-home"]

    init(bwrap: Bool, timeoutSeconds: Double) {
        isolation = bwrap ? "bwrap" : "process"
        self.timeoutSeconds = timeoutSeconds
        let names = Self.all.map(\.name)
        inForce = names.filter { bwrap || Self.always.contains($0) }
        notInForce = names.filter { !bwrap && !Self.always.contains($0) }
    }

    /// One line for `check`'s text output.
    public var line: String {
        "sandbox: \(isolation); in force: \(inForce.joined(separator: ", "))" + (notInForce.isEmpty ? "" : "; not in force: \(notInForce.joined(separator: ", "))")
    }

    /// Lines for the text output: what is in force, then what is not.
    public var text: String {
        let meaning = Dictionary(uniqueKeysWithValues: Self.all.map { ($0.name, $0.meaning) })
        let timeout = "killed at the timeout (\(compact(timeoutSeconds)) s)"
        var lines = ["sandbox: \(isolation)"]
        lines += inForce.map { "  in force: " + ($0 == "timeout" ? timeout : meaning[$0] ?? $0) }
        lines += notInForce.map { "  not in force: " + (meaning[$0] ?? $0) }
        return lines.joined(separator: "\n")
    }
}
