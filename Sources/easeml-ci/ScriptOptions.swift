import ArgumentParser
import EaseMLCI
import Foundation

/// How a commit's script runs: `--isolation`, `--script-timeout` and `--sandbox-read` (`predict`, `check`,
/// `pick start --from-gate`).
struct ScriptOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("auto (bwrap when it works here), bwrap (required) or process (no bwrap).", valueName: "mode"))
    var isolation: String = ScriptSandbox.Isolation.auto.rawValue

    @Option(name: .long, help: ArgumentHelp("Kill the script (and everything it started) after this many seconds.", valueName: "seconds"))
    var scriptTimeout: Double = ScriptSandbox.defaultTimeoutSeconds

    @Option(name: .long, help: ArgumentHelp("A folder the script may also read under bwrap, e.g. a virtual environment outside the repository (repeatable).", valueName: "path"))
    var sandboxRead: [String] = []

    func validate() throws {
        guard ScriptSandbox.Isolation(rawValue: isolation) != nil else {
            throw ValidationError("--isolation: expected one of \(ScriptSandbox.Isolation.allCases.map(\.rawValue).joined(separator: ", ")), not '\(isolation)'")
        }
        guard scriptTimeout > 0, scriptTimeout.isFinite else { throw ValidationError("--script-timeout: expected a positive number of seconds") }
    }

    func sandbox() throws(EaseMLCIError) -> ScriptSandbox {
        guard let mode = ScriptSandbox.Isolation(rawValue: isolation) else {
            throw .invalidOption(option: "--isolation", message: "expected one of auto, bwrap, process")
        }
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return ScriptSandbox(
            isolation: mode, timeoutSeconds: scriptTimeout,
            readablePaths: sandboxRead.map { URL(fileURLWithPath: $0, relativeTo: folder).standardizedFileURL.path })
    }
}
