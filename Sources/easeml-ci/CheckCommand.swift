import ArgumentParser
import EaseMLCI
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether a new model satisfies the condition on the hidden test set.",
        discussion: """
            Scores the new model's predictions (a file, or the configured `script` run on the test \
            inputs with $EASEML_INPUTS and $EASEML_OUTPUT) and the old model's (--old, else the last \
            model this test set accepted) against the sealed labels, decides the condition with its \
            guarantee, charges the ledger, and only then prints the verdict. Asking again about the \
            same predictions replays the recorded verdict without a new charge. Developers see PASS \
            or FAIL and the budget, never accuracies or labels; with adaptivity `none`, RECORDED.

            Examples:
              easeml-ci check --predictions out/predictions.csv
              easeml-ci check --junit report.xml --markdown summary.md

            \(ExitStatus.helpText)
            """)

    @OptionGroup var storage: LedgerOptions
    @OptionGroup var gate: GateOptions

    @Option(name: .long, help: ArgumentHelp("The new model's predictions (default: run the configured script).", valueName: "file"))
    var predictions: String?

    @Option(name: .long, help: ArgumentHelp("The old model's predictions (default: the last accepted model).", valueName: "file"))
    var old: String?

    @Option(name: .long, help: ArgumentHelp("The test set id or a unique prefix (default: the newest usable set).", valueName: "id"))
    var testSet: String?

    @Option(name: .long, help: ArgumentHelp("Evaluate this commit from its own tree (its .easeml.yml and script); a commit that changes no model path passes with no charge.", valueName: "rev"))
    var commit: String?

    @Option(name: .long, help: ArgumentHelp("With --commit: the target branch whose last accepted model is the old one (default: the current branch).", valueName: "name"))
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("Also write a JUnit XML report.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Also write a Markdown summary.", valueName: "file"))
    var markdown: String?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if commit != nil {
            guard predictions == nil, testSet == nil, storage.place.configuration.config == nil, gate.isEmpty else {
                throw ValidationError("--commit evaluates the commit with its own .easeml.yml and script: drop --predictions, --test-set, --config and the settings flags")
            }
        } else if branch != nil {
            throw ValidationError("--branch goes with --commit")
        }
    }

    func run() throws {
        if let commit {
            let outcome = try CommitCheck(revision: commit, branch: branch, oldPredictionsPath: old).run(in: try storage.workspace(.ignored))
            if let gate = outcome.gate { try writeSummaries(gate) }
            if json {
                print(ReportJSON.text(outcome))
            } else if let gate = outcome.gate {
                print("\(outcome.commit.prefix(7))  " + CheckSummary.line(gate))
                if let message = gate.message { print(message) }
            } else {
                print("\(outcome.commit.prefix(7))  PASS  no model change (no test-set use)")
            }
            if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
            return
        }
        let request = CheckRequest(overrides: try gate.overrides(), predictionsPath: predictions, oldPredictionsPath: old, testSetID: testSet)
        let outcome = try request.run(in: try storage.workspace(gate.configurationUse(storage.place.configuration)))
        try writeSummaries(outcome)
        if json {
            print(ReportJSON.text(outcome))
        } else {
            print(CheckSummary.line(outcome))
            if let message = outcome.message { print(message) }
        }
        if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
    }

    private func writeSummaries(_ outcome: GateCheck.Outcome) throws(EaseMLCIError) {
        if let junit { try AtomicFile.write(Data(CheckSummary.junit(outcome).utf8), to: junit) }
        if let markdown { try AtomicFile.write(Data(CheckSummary.markdown(outcome).utf8), to: markdown) }
    }
}
