import ArgumentParser
import EaseMLCI
import Foundation

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run a commit's script on the test inputs, with no key in reach (CI's first phase).",
        discussion: """
            Exports the commit's tree and runs its `script` on the inputs of the test set in use \
            ($EASEML_INPUTS; the script writes $EASEML_OUTPUT), then writes the predictions to \
            FILE and, beside them, FILE.easeml.json: the commit, the test set, the predictions' \
            SHA-256 and the sandbox that was in force. `easeml-ci check --commit REV --predictions \
            FILE` scores them in the job that holds the key and runs no repository code. A commit \
            that changes no registered model path nor .easeml.yml runs nothing (an empty FILE, \
            which check passes with no charge). Needs no key; refuses to start (exit 2) while a \
            key is within reach of the script: EASEML_KEY or EASEML_KEY_FILE set, ~/.easeml.key \
            readable, or, without bwrap, either variable in an ancestor process's environment — \
            unless --trusted-script says the script is yours.

            The sandbox: always its own session and process group, killed with every descendant \
            when the script ends or at --script-timeout; an environment of PATH, the locale \
            (LANG, LC_*), a private HOME and TMPDIR, EASEML_INPUTS and EASEML_OUTPUT only; no \
            descriptor of easeml-ci. With bubblewrap (bwrap, when installed and working; \
            --isolation auto), also: no network, its own pid namespace and /proc (no ancestor's \
            environment visible), no capabilities, the system folders, its tree and the inputs \
            read-only, only its output folder writable, the key file and the ledger hidden. The \
            output says which were in force; so does the manifest.

            Examples:
              easeml-ci predict --commit HEAD --output out/predictions.csv
              easeml-ci predict --commit "$PR_SHA" --output predictions.csv --isolation bwrap --json

            \(ExitStatus.helpText)
            """)

    @OptionGroup var place: WorkspaceOptions

    @Option(name: .long, help: ArgumentHelp("The git remote the ledger travels with (default: `ledger_remote:` in the configuration); only fetched.", valueName: "remote"))
    var ledgerRemote: String?

    @Option(name: .long, help: ArgumentHelp("The commit whose script makes the predictions.", valueName: "rev"))
    var commit: String

    @Option(name: .long, help: ArgumentHelp("Where the predictions go; the manifest goes to FILE.easeml.json.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("The test inputs, when they are not at the path the owner registered (default: the test set's).", valueName: "path"))
    var inputs: String?

    @OptionGroup var script: ScriptOptions

    @Flag(name: .long, help: "Run the script even where a key is within its reach: only for a script you wrote yourself.")
    var trustedScript = false

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        var options = place.options
        options.ledgerRemote = ledgerRemote
        let outcome = try CommitPrediction(
            revision: commit, outputPath: output, inputsPath: inputs, sandbox: try script.sandbox(), trustedScript: trustedScript
        ).run(in: try Workspace.current(options, configuration: .ifPresent))
        if json {
            print(ReportJSON.text(outcome))
            return
        }
        if outcome.candidate {
            print("\(outcome.commit.prefix(7))  predictions for test set \(outcome.testSet.prefix(12)) written to \(outcome.predictions); manifest \(outcome.manifest)")
        } else {
            print("\(outcome.commit.prefix(7))  no model change: nothing run (check passes it with no charge); manifest \(outcome.manifest)")
        }
        if let sandbox = outcome.sandbox { print(sandbox.text) }
    }
}
