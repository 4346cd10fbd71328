import ArgumentParser
import EaseMLCI

/// How a commit's script runs: `--isolation` and `--script-timeout` (`predict`, `check`).
struct ScriptOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("auto (bwrap when it works here), bwrap (required) or process (no bwrap).", valueName: "mode"))
    var isolation: String = ScriptSandbox.Isolation.auto.rawValue

    @Option(name: .long, help: ArgumentHelp("Kill the script (and everything it started) after this many seconds.", valueName: "seconds"))
    var scriptTimeout: Double = ScriptSandbox.defaultTimeoutSeconds

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
        return ScriptSandbox(isolation: mode, timeoutSeconds: scriptTimeout)
    }
}
