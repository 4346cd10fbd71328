import ArgumentParser
import EaseMLCI
import Foundation

struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Where the application stands in the eight steps of the Ease.ML process, and what to do next.",
        discussion: """
            Reads the `application:` section of .easeml.yml (training, validation, pool, production, \
            target), the content hash of each data file, the lineage of engine runs (`easeml-ci \
            lineage`) and the ledger's sessions, test sets and evaluations. For each step — 1 ingestion, \
            2 feasibility, 3 cleaning, 4 acquisition (Day 0), 5 AutoML (Day 1), 6 continuous \
            integration, 7 model picking, 8 debugging (Day 2) — it prints the state (not started, done, \
            stale, blocked, not applicable) and the evidence, then the one step to take now with the \
            command to run and why, following the paper's transitions: feasibility first; "not \
            feasible" → clean or acquire (the improve bandit chooses when there is a pool); "feasible" → \
            AutoML; models → the gate; accepted models and production data → model picking. A result \
            computed on data that has changed since is stale and is redone first.

            Example .easeml.yml section:
              application:
                training: data/train.csv
                validation: data/valid.csv
                pool: data/pool.csv
                production: data/prod.csv
                target: 0.85

            Reads only; never charges a test set. \(ExitStatus.helpText)
            """)

    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false
    @Option(name: .long, help: ArgumentHelp("Also draw the process, each step coloured by its state, as SVG.", valueName: "file.svg"))
    var svg: String?

    func run() throws {
        let report = try ProcessReport.make(try place.workspace(.required))
        if let svg { try AtomicFile.write(Data(ProcessPlot.svg(report).utf8), to: svg) }
        print(json ? ReportJSON.text(report) : report.text())
    }
}

struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage",
        abstract: "The application's data sets and every recorded engine run, with stale results marked.",
        discussion: """
            Engine commands run inside an application (a folder with .easeml.yml) record each run in \
            the ledger: the content hashes of the files they read and wrote and what they decided \
            (feasibility, value, acquire, clean apply, improve apply, automl run, pick start and \
            choose, debug; the gate's checks are the ledger's evaluations). A run is stale when a file \
            it read has changed \
            since (or, for a data set of the application, is gone), or when it read a file a stale run \
            wrote. --dot prints the graph for \
            Graphviz (`easeml-ci lineage --dot | dot -Tsvg > lineage.svg`). Reads only. \(ExitStatus.helpText)
            """)

    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false
    @Flag(name: .long, help: "Print the graph in Graphviz's DOT language.") var dot = false
    @Option(name: .long, help: ArgumentHelp("Also draw the graph as SVG (no Graphviz needed).", valueName: "file.svg"))
    var svg: String?

    func validate() throws {
        if json && dot { throw ValidationError("--json and --dot: choose one") }
    }

    func run() throws {
        let report = try LineageReport.make(try place.workspace(.required))
        if let svg { try AtomicFile.write(Data(ProcessPlot.svg(report).utf8), to: svg) }
        print(json ? ReportJSON.text(report) : dot ? report.dot() : report.text())
    }
}
