import ArgumentParser
import EaseMLCI
import EaseMLCore
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

    @Option(help: "The condition.") var condition = "n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01"
    @Option(help: "1 − δ over the life of one test set.") var reliability = 0.999
    @Option(help: "fp-free or fn-free.") var mode = "fp-free"
    @Option(help: "none, full or firstChange.") var adaptivity = "full"
    @Option(help: "Evaluations one test set supports.") var steps = 32
    @Option(name: .customLong("models"), help: "A model path or glob (repeat for several).") var models: [String] = ["model/"]
    @Option(help: "The command that writes predictions for $EASEML_INPUTS to $EASEML_OUTPUT.") var script: String?
    @Option(help: ArgumentHelp("Register this labels file as the test set (needs the owner's key).", valueName: "file")) var labels: String?
    @Option(help: ArgumentHelp("The test inputs for the script.", valueName: "path")) var inputs: String?
    @Flag(help: "Register the test set even if it is smaller than the plan.") var force = false
    @Flag(help: "Do not install the git hooks.") var noHooks = false
    @OptionGroup var storage: LedgerOptions

    func run() throws {
        try reportingErrors {
            guard let decisionMode = DecisionMode(rawValue: mode) else {
                throw EaseMLCIError.invalidOption(option: "--mode", message: "expected fp-free or fn-free, got '\(mode)'")
            }
            guard let adaptivityValue = Adaptivity(rawValue: adaptivity == "hybrid" ? "firstChange" : adaptivity) else {
                throw EaseMLCIError.invalidOption(option: "--adaptivity", message: "expected none, full or firstChange, got '\(adaptivity)'")
            }
            let directory = FileManager.default.currentDirectoryPath
            let written = try ProjectInitializer(
                condition: condition, reliability: reliability, mode: decisionMode, adaptivity: adaptivityValue,
                steps: steps, models: models, script: script
            ).write(into: directory)
            print("Wrote \(written.path).\n")
            print(written.plan.text(compare: false))
            if !noHooks {
                let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: directory + "/")).standardizedFileURL.path
                let hooks = try HookInstaller(executable: executable).install(in: directory)
                print("\nInstalled the git hooks in \(hooks.folder).")
            }
            if let labels {
                guard let key = try storage.key() else { throw EaseMLCIError.sealing(.missingKey(purpose: "registering a test set")) }
                let config = try ConfigurationFile.load(URL(fileURLWithPath: written.path), displayPath: ".easeml.yml")
                let ledgerPath = try LedgerLocation.resolve(explicit: storage.ledger, configuration: config, configurationFile: URL(fileURLWithPath: written.path), from: URL(fileURLWithPath: directory))
                let report = try TestSetRegistration(settings: GateSettings(config), labelsPath: labels, inputsPath: inputs, name: nil, force: force)
                    .register(in: try LedgerLocation.open(ledgerPath, create: true), key: key)
                print("\nRegistered test set \(report.id.prefix(12)): \(IntegerText.grouped(report.size)) examples.")
            } else {
                print("\nNext: the integration owner registers the hidden test set with `easeml-ci testset add --labels FILE`.")
            }
        }
    }
}
