import ArgumentParser
import EaseMLCI
import EaseMLCore
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

    @OptionGroup var gate: GateOptions
    @OptionGroup var storage: LedgerOptions

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

    func run() throws {
        try reportingErrors {
            if let commit {
                let outcome = try CommitCheck(revision: commit, branch: branch, ledgerPath: storage.ledger, oldPredictionsPath: old, ledgerRemote: storage.ledgerRemote)
                    .run(in: FileManager.default.currentDirectoryPath, key: try storage.key())
                if let gate = outcome.gate {
                    try writeSummaries(gate)
                    if json { print(ReportJSON.text(outcome)) } else {
                        print("\(outcome.commit.prefix(7))  " + CheckSummary.line(gate))
                        if let message = gate.message { print(message) }
                    }
                } else {
                    print(json ? ReportJSON.text(outcome) : "\(outcome.commit.prefix(7))  PASS  no model change (no test-set use)")
                }
                if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
                return
            }
            let resolved = try gate.resolveWithSource()
            let source: GateCheck.Source
            if let predictions {
                source = .file(predictions)
            } else if let script = resolved.config?.script {
                let folder = resolved.file?.deletingLastPathComponent().path ?? FileManager.default.currentDirectoryPath
                source = .script(PredictionScript(command: script, workingDirectory: folder))
            } else {
                throw EaseMLCIError.invalidOption(option: "--predictions", message: "give a predictions file, or set `script:` in .easeml.yml")
            }
            let check = GateCheck(settings: resolved.settings, source: source, oldPredictionsPath: old, testSetID: testSet)
            let key = try storage.key()
            let outcome: GateCheck.Outcome
            if let travelling = try storage.travelling(resolved) {
                outcome = try travelling.charging { (ledger) throws(EaseMLCIError) in try check.run(ledger: ledger, key: key) }
            } else {
                outcome = try check.run(ledger: try LedgerLocation.open(try storage.ledgerPath(resolved), create: false), key: key)
            }
            try writeSummaries(outcome)
            if json {
                print(ReportJSON.text(outcome))
            } else {
                print(CheckSummary.line(outcome))
                if let message = outcome.message { print(message) }
            }
            if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
        }
    }

    private func writeSummaries(_ outcome: GateCheck.Outcome) throws {
        if let junit { try AtomicFile.write(Data(CheckSummary.junit(outcome).utf8), to: junit) }
        if let markdown { try AtomicFile.write(Data(CheckSummary.markdown(outcome).utf8), to: markdown) }
    }
}
