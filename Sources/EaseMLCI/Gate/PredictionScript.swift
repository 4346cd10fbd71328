import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the configured `script` that writes a model's predictions for the test inputs.
///
/// The script runs under `/bin/sh -c` in `workingDirectory` with `EASEML_INPUTS` (the test inputs'
/// path) and `EASEML_OUTPUT` (the file it must write) in its environment. It never receives labels.
/// Its standard output and error go to files and are shown only when it fails. Spawned with
/// `posix_spawn` and reaped with `waitpid`, so no run loop or polling is involved.
public struct PredictionScript: Sendable {
    public var command: String
    public var workingDirectory: String

    public init(command: String, workingDirectory: String) {
        self.command = command
        self.workingDirectory = workingDirectory
    }

    /// Runs the script and returns the path of the predictions it wrote (inside `scratch`).
    public func run(inputs: String?, scratch: URL) throws(EaseMLCIError) -> String {
        let output = scratch.appendingPathComponent("predictions.csv").path
        let stdoutPath = scratch.appendingPathComponent("script.stdout").path
        let stderrPath = scratch.appendingPathComponent("script.stderr").path
        var environment = ProcessInfo.processInfo.environment
        environment["EASEML_OUTPUT"] = output
        environment["EASEML_INPUTS"] = inputs ?? ""
        environment.removeValue(forKey: "EASEML_KEY")
        environment.removeValue(forKey: "EASEML_KEY_FILE")
        let status = try spawn(stdout: stdoutPath, stderr: stderrPath, environment: environment)
        guard status == 0, FileManager.default.fileExists(atPath: output) else {
            let captured = [stdoutPath, stderrPath].compactMap { FileManager.default.contents(atPath: $0) }
                .map { String(decoding: $0.suffix(4000), as: UTF8.self) }.filter { !$0.isEmpty }.joined(separator: "\n")
            let reason = status == 0 ? "it exited 0 but wrote no predictions to $EASEML_OUTPUT" : "it exited with status \(status)"
            throw .scriptFailed(command: command, reason: reason, output: captured)
        }
        return output
    }

    private func spawn(stdout: String, stderr: String, environment: [String: String]) throws(EaseMLCIError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // `cd` inside the shell: glibc's posix_spawn_file_actions_addchdir_np is not exported to Swift.
        let quoted = "'" + workingDirectory.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let arguments = ["/bin/sh", "-c", "cd \(quoted) && \(command)"]
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw .scriptFailed(command: command, reason: "cannot start /bin/sh: \(String(cString: strerror(spawned)))", output: "")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7F == 0
        return exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
