import ArgumentParser
import EaseMLCI
import Foundation

/// `easeml-ci baseline set` and `easeml-ci accept`: the owner's word on the old model.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Set the old model a branch's candidates are compared with (integration owner; needs the key).",
        subcommands: [Set.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Record a predictions file as the accepted model of a branch (the first baseline, or a replacement).",
            discussion: """
                The old model `o` of a condition is the last model the gate accepted on the branch. Before \\
                the gate has accepted any, the integration owner names one: its predictions on the test \\
                inputs are aligned to the sealed labels and recorded in the ledger as the owner's, in an \\
                event authenticated by the owner's key. Developers cannot choose the baseline (`check` \\
                has no --old).

                Example:
                  EASEML_KEY_FILE=~/.easeml.key easeml-ci baseline set --predictions old.csv --branch main

                \\(ExitStatus.helpText)
                """)
        @OptionGroup var storage: LedgerOptions
        @Option(name: .long, help: ArgumentHelp("The baseline model's predictions on the test inputs.", valueName: "file")) var predictions: String
        @Option(name: .long, help: ArgumentHelp("The branch whose baseline it is (default: the current branch).", valueName: "name")) var branch: String?
        @Option(name: .long, help: ArgumentHelp("The commit whose model it is, recorded with it.", valueName: "rev")) var commit: String?
        @Option(name: .long, help: ArgumentHelp("The test set (default: the newest usable).", valueName: "id")) var testSet: String?
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace()
            let key = try workspace.requireKey(for: "setting a baseline")
            let report = try OwnerBaseline.set(
                predictions: predictions, testSetID: testSet, branch: branch ?? workspace.currentBranch(),
                commit: try commit.map { (rev) throws(EaseMLCIError) in try workspace.resolveCommit(rev) }, ledger: try workspace.openLedger(create: false),
                key: key)
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}

struct AcceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept the model of a hidden evaluation (adaptivity none) as the branch's old model (integration owner; needs the key).",
        discussion: """
            Under adaptivity `none` developers see RECORDED whatever the verdict, and the accepted model \\
            never changes by itself (else the next check would behave differently after a pass). The owner \\
            reads the verdicts with `easeml-ci report` and accepts a model here; the acceptance is recorded \\
            in the ledger.

            Example:
              EASEML_KEY_FILE=~/.easeml.key easeml-ci accept --step 3 --branch main

            \\(ExitStatus.helpText)
            """)
    @OptionGroup var storage: LedgerOptions
    @Option(name: .long, help: ArgumentHelp("The evaluation's step (see `easeml-ci report`).", valueName: "n")) var step: Int
    @Option(name: .long, help: ArgumentHelp("The branch whose old model it becomes (default: the current branch).", valueName: "name")) var branch: String?
    @Option(name: .long, help: ArgumentHelp("The test set (default: the newest).", valueName: "id")) var testSet: String?
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func run() throws {
        let workspace = try storage.workspace()
        let key = try workspace.requireKey(for: "accepting a model")
        let report = try OwnerBaseline.accept(
            step: step, testSetID: testSet, branch: branch ?? workspace.currentBranch(), ledger: try workspace.openLedger(create: false),
            key: key)
        print(json ? ReportJSON.text(report) : report.text)
    }
}
