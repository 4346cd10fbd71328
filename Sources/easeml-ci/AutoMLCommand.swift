import ArgumentParser
import EaseMLCI
import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation

struct AutoMLCommand: ParsableCommand {
    /// The `automl:` section, the folder it is relative to, and the ledger.
    struct SearchOptions: ParsableArguments {
        @OptionGroup var gate: GateOptions
        @OptionGroup var ledger: LedgerOptions

        func load() throws(EaseMLCIError) -> (settings: AutoMLSettings, base: String, ledger: Ledger) {
            let resolved = try gate.resolveWithSource()
            guard let settings = resolved.config?.automl else {
                throw .invalidOption(option: "automl", message: "the configuration has no `automl:` section")
            }
            let base = resolved.file?.deletingLastPathComponent().path ?? FileManager.default.currentDirectoryPath
            return (settings, base, try LedgerLocation.open(try ledger.ledgerPath(resolved), create: true))
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the arms of the `automl:` section until its budget is spent, recording every trial in the ledger.",
            discussion: """
                Refuses to start when `train` or `valid` is (a link to, or a copy of) a registered test set's file.
                After a crash or kill, `--resume` continues the newest unfinished run: finished trials are kept,
                interrupted ones run again (with `backend: ray`, a job still running on the cluster is adopted and
                one that ended meanwhile is recorded from its logs; no trial runs twice).

                \(ExitStatus.helpText)
                """)

        @OptionGroup var options: SearchOptions

        @Flag(name: .long, help: "Continue the newest unfinished run (or --run) instead of starting one.")
        var resume = false

        @Option(name: .customLong("run"), help: ArgumentHelp("The run to resume.", valueName: "id"))
        var runID: String?

        @Option(name: .long, help: ArgumentHelp("Where trial folders go (default: .easeml/automl next to the configuration).", valueName: "path"))
        var output: String?

        func run() throws {
            try reportingErrors {
                let (settings, base, ledger) = try options.load()
                let report = { (line: String) in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
                let search = AutoMLSearchRun(
                    ledger: ledger, settings: settings, baseDirectory: base, outputRoot: output ?? base + "/.easeml/automl",
                    executor: try AutoMLSearchRun.executor(for: settings.backend, report: report), report: report)
                let id = resume || runID != nil ? try search.resume(run: runID) : try search.start(tenant: URL(fileURLWithPath: base).lastPathComponent)
                FileHandle.standardOutput.write(Data((try AutoMLLeaderboard(ledger: ledger, run: id).table() + "\n").utf8))
            }
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Commit the best arm's configuration on the branch easeml/automl/<base>/<run>, leaving the working tree untouched.")

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("run"), help: ArgumentHelp("The run (default: the newest).", valueName: "id"))
        var runID: String?

        func run() throws {
            try reportingErrors {
                let path = try ledger.ledgerPathFromWorkingConfiguration()
                let result = try AutoMLProposalCommit.propose(
                    ledger: try LedgerLocation.open(path, create: false), run: runID, repositoryPath: FileManager.default.currentDirectoryPath)
                print("proposed \(result.arm) (score \(String(format: "%.4f", result.score))) on \(result.branch) as \(result.commit.prefix(12))")
            }
        }
    }

    struct Leaderboard: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rank a run's trials (default: the newest run).")

        @OptionGroup var ledger: LedgerOptions

        @Option(name: .customLong("run"), help: ArgumentHelp("The run.", valueName: "id"))
        var runID: String?

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let path = try ledger.ledgerPathFromWorkingConfiguration()
                let board = try AutoMLLeaderboard(ledger: try LedgerLocation.open(path, create: false), run: runID)
                print(json ? board.json() : board.table())
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "automl",
        abstract: "Multi-tenant model search (Ease.ML): GP-UCB per tenant, a policy across tenants.",
        subcommands: [Run.self, Leaderboard.self, Propose.self, Simulate.self]
    )

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a score/cost matrix offline: mean time until the global regret ≤ ε, per policy.",
            discussion: """
                Each split serves its tenants (data sets) from one pool of workers; the other data sets' \
                scores give every tenant its GP prior and their fit times the expected costs of \
                `cost_gap`. A trial takes one unit (clock `evaluations`) or the matrix's fit seconds \
                (clock `seconds`). With --tenants, prints the first picks of one run instead.

                Example:
                  easeml-ci automl simulate --matrix sk_matrix.csv --splits splits.json
                  easeml-ci automl simulate --matrix sk_matrix.csv --tenants iris wine --row evaluations:max_gap

                \(ExitStatus.helpText)
                """)

        @Option(name: .long, help: ArgumentHelp("The score/cost matrix (CSV dataset,model,val_accuracy,fit_seconds).", valueName: "file"))
        var matrix: String

        @Option(name: .long, help: ArgumentHelp("The tenant/prior splits (JSON {\"splits\": [{\"tenants\": …, \"prior\": …}]}).", valueName: "file"))
        var splits: String?

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Trace one run with these tenants (the prior: all other data sets).", valueName: "dataset"))
        var tenants: [String] = []

        @Option(name: .long, help: ArgumentHelp("Use only the first n splits.", valueName: "n"))
        var first: Int?

        @Option(name: .long, help: ArgumentHelp("A clock and policy, CLOCK:POLICY (repeatable; default: the reference rows).", valueName: "clock:policy"))
        var row: [String] = []

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("The regret levels (default: 0.05 0.02 0.01 0).", valueName: "ε"))
        var epsilon: [Double] = []

        @Option(name: .long, help: "Trials in flight at once.")
        var workers = 1

        @Option(name: .long, help: "The seed of the random policy.")
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("Multiplies GP-UCB's β (less than 1 exploits more).", valueName: "m"))
        var betaMultiplier = 1.0

        @Option(name: .long, help: ArgumentHelp("Trials shown per trace.", valueName: "n"))
        var traceLength = 24

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let report = try AutoMLSimulationReport.make(.init(
                    matrixPath: matrix, splitsPath: splits, tenants: tenants, splitLimit: first, rows: try row.map(AutoMLSimulationReport.parseRow),
                    epsilons: epsilon.isEmpty ? AutoMLSimulationTable.referenceEpsilons : epsilon, workers: workers, seed: seed,
                    betaMultiplier: betaMultiplier, traceLength: traceLength))
                print(json ? encodeJSON(report) : report.text())
            }
        }
    }
}
