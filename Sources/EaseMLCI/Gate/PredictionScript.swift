import Foundation

/// Runs the configured `script` that writes a model's predictions for the test inputs.
///
/// The script runs under `/bin/sh -c` in `workingDirectory` inside a `ScriptSandbox`, with
/// `EASEML_INPUTS` (the test inputs' path) and `EASEML_OUTPUT` (the file it must write) in an
/// allow-listed environment. It never receives labels or the key. Its standard output and error go
/// to files and are shown only when it fails.
public struct PredictionScript: Sendable {
    public var command: String
    public var workingDirectory: String
    public var sandbox: ScriptSandbox

    public init(command: String, workingDirectory: String, sandbox: ScriptSandbox = ScriptSandbox()) {
        self.command = command
        self.workingDirectory = workingDirectory
        self.sandbox = sandbox
    }

    /// Runs the script and returns the path of the predictions it wrote (inside `scratch`).
    public func run(inputs: String?, scratch: URL) throws(EaseMLCIError) -> String {
        let (result, output) = try sandbox.run(command: command, workingDirectory: workingDirectory, inputs: inputs, scratch: scratch)
        guard result.status == 0, !result.timedOut, FileManager.default.fileExists(atPath: output) else {
            let captured = [result.stdout, result.stderr].map { String($0.suffix(4000)) }.filter { !$0.isEmpty }.joined(separator: "\n")
            let reason =
                result.timedOut ? "it ran longer than its timeout of \(compact(sandbox.timeoutSeconds)) s (--script-timeout) and was killed"
                : result.status == 0 ? "it exited 0 but wrote no predictions to $EASEML_OUTPUT" : "it exited with status \(result.status)"
            throw .scriptFailed(command: command, reason: reason, output: captured)
        }
        return output
    }
}
