import Foundation

/// Runs the configured `script` that writes a model's predictions for the test inputs.
///
/// The script runs under `/bin/sh -c` in `workingDirectory` with `EASEML_INPUTS` (the test inputs'
/// path) and `EASEML_OUTPUT` (the file it must write) in its environment. It never receives labels.
/// Its standard output and error go to files and are shown only when it fails. Spawned with
/// `Subprocess` (`posix_spawn` and `waitpid`), so no run loop or polling is involved.
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
        var environment = ProcessInfo.processInfo.environment
        environment["EASEML_OUTPUT"] = output
        environment["EASEML_INPUTS"] = inputs ?? ""
        environment.removeValue(forKey: "EASEML_KEY")
        environment.removeValue(forKey: "EASEML_KEY_FILE")
        // `cd` inside the shell: glibc's posix_spawn_file_actions_addchdir_np is not exported to Swift.
        let quoted = "'" + workingDirectory.replacingOccurrences(of: "'", with: "'\\''") + "'"
        let result = try Subprocess.run(["/bin/sh", "-c", "cd \(quoted) && \(command)"], environment: environment, scratch: scratch, name: "script")
        let status = result.status
        guard status == 0, FileManager.default.fileExists(atPath: output) else {
            let captured = [result.stdout, result.stderr].map { String($0.suffix(4000)) }.filter { !$0.isEmpty }.joined(separator: "\n")
            let reason = status == 0 ? "it exited 0 but wrote no predictions to $EASEML_OUTPUT" : "it exited with status \(status)"
            throw .scriptFailed(command: command, reason: reason, output: captured)
        }
        return output
    }
}
