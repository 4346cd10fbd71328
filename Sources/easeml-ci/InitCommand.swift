import ArgumentParser
import EaseMLCI
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Set up easeml-ci in this repository: a commented .easeml.yml, the plan, the hooks, optionally the test set.",
        discussion: """
            Example:
              easeml-ci init --condition 'n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01' --models model/ --script ./predict.sh
              EASEML_KEY_FILE=~/.easeml.key easeml-ci init ... --labels test/labels.csv --inputs test/inputs

            \(ExitStatus.helpText)
            """)

    @Option(help: "The condition.") var condition = ProjectInitializer.defaultCondition
    @Option(help: "1 − δ over the life of one test set.") var reliability = ProjectInitializer.defaultReliability
    @Option(help: "fp-free or fn-free.") var mode = "fp-free"
    @Option(help: "none, full, firstChange or sparse:B.") var adaptivity = "full"
    @Option(help: "Evaluations one test set supports.") var steps = ProjectInitializer.defaultSteps
    @Option(name: .customLong("models"), help: "A model path or glob (repeat for several).") var models: [String] = ProjectInitializer.defaultModels
    @Option(help: "The command that writes predictions for $EASEML_INPUTS to $EASEML_OUTPUT.") var script: String?
    @Option(help: ArgumentHelp("Register this labels file as the test set (needs the owner's key).", valueName: "file")) var labels: String?
    @Option(help: ArgumentHelp("The test inputs for the script.", valueName: "path")) var inputs: String?
    @Flag(help: "Register the test set even if it is smaller than the plan.") var force = false
    @Flag(help: "Do not install the git hooks.") var noHooks = false
    @OptionGroup var storage: LedgerOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        if storage.place.configuration.config != nil { throw ValidationError("init writes .easeml.yml in this folder; --config does not apply") }
        if inputs != nil && labels == nil { throw ValidationError("--inputs goes with --labels") }
    }

    func run() throws {
        let initializer = try ProjectInitializer(
            condition: condition, reliability: reliability, mode: mode, adaptivity: adaptivity, steps: steps, models: models, script: script)
        let report = try initializer.run(
            in: try storage.workspace(.ignored), hooksExecutable: noHooks ? nil : ownExecutablePath(), labels: labels, inputs: inputs, force: force)
        print(json ? ReportJSON.text(report) : report.text)
    }
}
