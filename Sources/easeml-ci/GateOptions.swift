import ArgumentParser
import EaseMLCI
import EaseMLCore
import Foundation

/// The options every command that needs the gate's settings shares: a config file and overrides.
struct GateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file (default: .easeml.yml here or in a parent folder).", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("The condition (e.g. 'n - o > 0.02 +/- 0.01'). Without --config, no file is read and defaults apply.", valueName: "text"))
    var condition: String?

    @Option(name: .long, help: "1 − δ over the whole life of one test set, in (0, 1) (default 0.999 without a file).")
    var reliability: Double?

    @Option(name: .long, help: "fp-free (Unknown fails) or fn-free (Unknown passes) (default fp-free).")
    var mode: String?

    @Option(name: .long, help: "none, full or firstChange (hybrid) (default full).")
    var adaptivity: String?

    @Option(name: .long, help: "H: evaluations one test set supports (default 1 without a file).")
    var steps: Int?

    @Option(name: .long, help: ArgumentHelp("Assume P(models disagree) ≤ p, in (0, 1] (printed as an assumption).", valueName: "p"))
    var varianceBound: Double?

    /// The settings with every given flag applied on top. They start from `--config`, else from
    /// built-in defaults when `--condition` is given, else from the `.easeml.yml` found here or above.
    func resolve() throws(EaseMLCIError) -> GateSettings { try resolveWithSource().settings }

    /// The settings, and the configuration file they came from (if any).
    func resolveWithSource() throws(EaseMLCIError) -> (settings: GateSettings, config: EaseMLConfig?, file: URL?) {
        var settings: GateSettings
        var loaded: EaseMLConfig?
        var file: URL?
        if let config {
            file = URL(fileURLWithPath: config)
            loaded = try ConfigurationFile.load(file!, displayPath: config)
            settings = GateSettings(loaded!)
        } else if let condition {
            settings = GateSettings(
                condition: try ConfigurationFile.parseCondition(condition), reliability: 0.999, mode: .fpFree,
                adaptivity: .full, steps: 1)
        } else if let url = ConfigurationFile.locate(from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
            file = url
            loaded = try ConfigurationFile.load(url, displayPath: relativePath(url))
            settings = GateSettings(loaded!)
        } else {
            throw .configurationNotFound(searchedFrom: FileManager.default.currentDirectoryPath)
        }
        if let condition { settings.condition = try ConfigurationFile.parseCondition(condition) }
        if let reliability {
            guard reliability > 0, reliability < 1 else {
                throw .invalidOption(option: "--reliability", message: "must be in the open interval (0, 1), got \(reliability)")
            }
            settings.reliability = reliability
        }
        if let mode {
            guard let value = DecisionMode(rawValue: mode) else {
                throw .invalidOption(option: "--mode", message: "expected fp-free or fn-free, got '\(mode)'")
            }
            settings.mode = value
        }
        if let adaptivity {
            let spelled = adaptivity == "hybrid" ? "firstChange" : adaptivity
            guard let value = Adaptivity(rawValue: spelled) else {
                throw .invalidOption(option: "--adaptivity", message: "expected none, full or firstChange (hybrid), got '\(adaptivity)'")
            }
            settings.adaptivity = value
        }
        if let steps {
            guard steps >= 1 else { throw .invalidOption(option: "--steps", message: "must be at least 1, got \(steps)") }
            settings.steps = steps
        }
        if let varianceBound {
            guard varianceBound > 0, varianceBound <= 1 else {
                throw .invalidOption(option: "--variance-bound", message: "must be in (0, 1], got \(varianceBound)")
            }
            settings.assumedVarianceBound = varianceBound
        }
        return (settings, loaded, file)
    }

    private func relativePath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return url.path.hasPrefix(cwd + "/") ? String(url.path.dropFirst(cwd.count + 1)) : url.path
    }
}
