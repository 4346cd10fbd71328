import ArgumentParser
import EaseMLCI
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every test set's budget: steps and bits used and left, and the evaluations so far.",
        discussion: """
            With --plot FILE.svg also draws a burn-down chart: per test set, steps and bits left \
            against the evaluation number, a pass/fail/hidden marker per evaluation (never metrics), \
            and whether the set is exhausted or retired. The file is replaced atomically.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false
    @Option(name: .long, help: ArgumentHelp("Also write a budget burn-down chart (SVG) to this file.", valueName: "file.svg"))
    var plot: String?

    func run() throws {
        let report = try StatusReport.make(ledger: try place.workspace().openLedger(create: false))
        if let plot { try AtomicFile.write(Data(BudgetPlot(report: report).svg().utf8), to: plot) }
        print(json ? report.json() : report.text())
        if let plot, !json { print("Wrote the budget chart to \(plot).") }
    }
}
