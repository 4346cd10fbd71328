import ArgumentParser
import EaseMLCI
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether a new model satisfies the condition on the hidden test set.",
        discussion: """
            Scores the new model's predictions (a file, or the configured `script` run on the test \
            inputs with $EASEML_INPUTS and $EASEML_OUTPUT) and the old model's (the last model the \
            gate accepted, or the baseline the owner set with `easeml-ci baseline set`) against the \
            sealed labels, decides the question the test set was registered with (a .easeml.yml \
            that states another one is refused, exit 2), charges the ledger after verifying it with \
            the owner's key (a ledger that fails is refused, exit 3), and only then prints the \
            verdict. Asking again about the same predictions and question replays the recorded \
            verdict without a new charge. Developers see PASS or FAIL and the budget, never \
            accuracies or labels; with adaptivity `none`, RECORDED whatever the verdict.

            With --commit REV, judges a commit as a CI candidate: with --predictions FILE, the \
            predictions `easeml-ci predict --commit REV --output FILE` made for it (FILE.easeml.json \
            must name this commit and the test set in use, and FILE must be unchanged; else exit 2), \
            and no repository code runs here — CI's scoring phase, the only one that holds the key. \
            Without --predictions, the commit's own script runs here first: the single-command flow \
            for an owner on their own machine, which trusts the script with whatever this process \
            can reach. A script that runs here (this, or `script:` without --predictions) runs in \
            the sandbox `easeml-ci predict --help` describes (--isolation, --script-timeout); --json \
            records which protections were in force (`provenance`).

            Examples:
              easeml-ci check --predictions out/predictions.csv
              easeml-ci check --junit report.xml --markdown summary.md
              easeml-ci check --commit "$SHA" --predictions predictions.csv --branch main

            \(ExitStatus.helpText)
            """)

    @OptionGroup var storage: LedgerOptions

    @Option(name: .long, help: ArgumentHelp("The new model's predictions (default: run the configured script); with --commit, the file `easeml-ci predict` wrote for it.", valueName: "file"))
    var predictions: String?

    @Option(name: .long, help: .hidden)
    var old: String?

    @Option(name: .long, help: ArgumentHelp("The test set id or a unique prefix (default: the newest usable set).", valueName: "id"))
    var testSet: String?

    @Option(name: .long, help: ArgumentHelp("Evaluate this commit from its own tree (its .easeml.yml and script); a commit that changes no model path passes with no charge.", valueName: "rev"))
    var commit: String?

    @Option(name: .long, help: ArgumentHelp("The target branch: its baseline is the old model when no first-parent ancestor has an accepted one (default: GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else the current branch).", valueName: "name"))
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("Also write a JUnit XML report.", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Also write a Markdown summary.", valueName: "file"))
    var markdown: String?

    @OptionGroup var script: ScriptOptions

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if old != nil {
            throw ValidationError("--old: the old model is the one the gate accepted; the integration owner sets the first baseline with `easeml-ci baseline set --predictions FILE`")
        }
        if commit != nil {
            guard testSet == nil, storage.place.configuration.config == nil else {
                throw ValidationError("--commit evaluates the commit with its own .easeml.yml on the test set in use: drop --test-set and --config")
            }
        }
    }

    func run() throws {
        // The reports are opened before the charge: an unwritable path fails first, costing nothing.
        let reports = (junit: try junit.map(AtomicFile.Reservation.init), markdown: try markdown.map(AtomicFile.Reservation.init))
        func writeSummaries(_ outcome: GateCheck.Outcome) throws(EaseMLCIError) {
            try reports.junit?.commit(Data(CheckSummary.junit(outcome).utf8))
            try reports.markdown?.commit(Data(CheckSummary.markdown(outcome).utf8))
        }
        let workspace = try storage.workspace()
        if let commit {
            let outcome = try CommitCheck(revision: commit, branch: branch, predictionsPath: predictions, sandbox: try script.sandbox())
                .run(in: workspace)
            if let gate = outcome.gate { try writeSummaries(gate) }
            if json {
                print(ReportJSON.text(outcome))
            } else if let gate = outcome.gate {
                print("\(outcome.commit.prefix(7))  " + CheckSummary.line(gate))
                if let message = gate.message { print(message) }
                if let sandbox = gate.provenance?.sandbox { print((gate.provenance?.source == "predict" ? "as the prediction job reports, " : "") + sandbox.line) }
            } else {
                print("\(outcome.commit.prefix(7))  PASS  no model change (no test-set use)")
            }
            if let gate = outcome.gate { recordLineage(gate, commit: outcome.commit, in: workspace) }
            if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
            return
        }
        let outcome = try CheckRequest(predictionsPath: predictions, testSetID: testSet, branch: branch, sandbox: try script.sandbox())
            .run(in: workspace)
        try writeSummaries(outcome)
        if json {
            print(ReportJSON.text(outcome))
        } else {
            print(CheckSummary.line(outcome))
            if let message = outcome.message { print(message) }
            if let sandbox = outcome.provenance?.sandbox { print(sandbox.line) }
        }
        recordLineage(outcome, commit: nil, in: workspace)
        if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
    }

    /// The check in the application's lineage once its verdict is out: the commit and the line the
    /// developer saw, never a metric. No file is hashed (a 100M-row predictions file would cost the
    /// check another pass over it). A lineage the check cannot write is a warning, never another
    /// verdict or exit code.
    private func recordLineage(_ gate: GateCheck.Outcome, commit: String?, in workspace: Workspace) {
        let command = "check" + (commit.map { " --commit \($0.prefix(12))" } ?? "") + (predictions.map { " --predictions \($0)" } ?? "")
        do {
            try LineageRecorder(workspace: workspace).record(
                step: "check", command: command, inputs: [], decision: (commit.map { "\($0.prefix(12)): " } ?? "") + CheckSummary.line(gate))
        } catch {
            FileHandle.standardError.write(Data("easeml-ci: warning: the check is not in the lineage: \(error)\n".utf8))
        }
    }
}
