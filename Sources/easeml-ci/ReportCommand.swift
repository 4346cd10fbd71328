import ArgumentParser
import EaseMLCI
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The integration owner's view: every verdict, hidden ones included, and the exact metrics (needs the key).",
        discussion: """
            For each test set (or --test-set ID) lists every evaluation with its verdict, including \
            those kept from developers under adaptivity `none`, and unseals the metrics the gate \
            recorded: per clause the estimate, the confidence interval or p-values, and the truth \
            value. This is the only command that prints metrics, because the owner asks for them \
            explicitly with the owner's key (EASEML_KEY, --key-file or EASEML_KEY_FILE). Without the \
            key, or with a different one, it prints nothing and exits 2. Do not paste the report \
            where developers can read it: every metric revealed weakens the test set's guarantee.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var storage: LedgerOptions

    @Option(name: .long, help: ArgumentHelp("Only this test set (id or a unique prefix).", valueName: "id"))
    var testSet: String?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        let workspace = try storage.workspace()
        let report = try OwnerReport.make(ledger: try workspace.openLedger(create: false), key: try workspace.key(), testSetID: testSet)
        print(json ? report.json() : report.text())
    }
}
