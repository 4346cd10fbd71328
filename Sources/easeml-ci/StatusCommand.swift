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

            --limit N shows each set's newest N evaluations (the ledger reads no more; the chart \
            still draws them all). --modes adds, for each set still answering, the steps its size \
            supports under each adaptivity mode for its registered question, as `plan --test-size` \
            does (an `n - o` clause without a `d` clause is sized at the configuration's \
            expected_disagreement); solved plans are cached in .git/easeml/plan-cache.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false
    @Option(name: .long, help: ArgumentHelp("Also write a budget burn-down chart (SVG) to this file.", valueName: "file.svg"))
    var plot: String?
    @Option(name: .long, help: ArgumentHelp("Show only each set's newest N evaluations.", valueName: "N"))
    var limit: Int?
    @Flag(name: .long, help: "Also show the steps each set supports under each adaptivity mode.")
    var modes = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, got \(limit)") }
    }

    func run() throws {
        let workspace = try place.workspace()
        let options = StatusReport.Options(
            limit: plot == nil ? limit : nil, stepsByMode: modes,
            expectedDisagreement: workspace.configuration?.config.expectedDisagreement, cache: PlanReport.cache(from: workspace.directory))
        var report = try StatusReport.make(ledger: try workspace.openLedger(create: false), options: options)
        if let plot { try AtomicFile.write(Data(BudgetPlot(report: report).svg().utf8), to: plot) }
        if plot != nil, let limit { report.keepNewest(limit) }
        print(json ? report.json() : report.text())
        if let plot, !json { print("Wrote the budget chart to \(plot).") }
    }
}
