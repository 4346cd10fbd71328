import ArgumentParser
import EaseMLCI
import EaseMLEngines
import Foundation

struct AutoMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "automl",
        abstract: "Multi-tenant model search (Ease.ML): GP-UCB per tenant, a policy across tenants.",
        subcommands: [Simulate.self]
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
