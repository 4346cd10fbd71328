import ArgumentParser
import EaseMLCI
import Foundation

struct PickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pick",
        abstract: "Pick the best of several models on fresh data with few labels (ModelPicker).",
        subcommands: [Simulate.self]
    )

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate ModelPicker and two baselines on a fully labeled pool.",
            discussion: """
                Runs the protocol of Karimi et al. (AISTATS 2021): per realization, a stream of items is
                drawn from the pool without replacement in random order; the truth is the best model on
                it; ModelPicker (with γ(B)), labeling uniformly among disagreement items, and labeling
                uniformly at random each answer a model. Prints identification probability against
                labels used. With --epsilon, also simulates the certified stopping rule.

                Example:
                  easeml-ci pick simulate --labels data/labels.csv data/model1.csv data/model2.csv data/model3.csv

                \(ExitStatus.helpText)
                """)

        @Option(name: .long, help: ArgumentHelp("The true labels (CSV `id,label`, one per line, JSONL or .npy).", valueName: "file"))
        var labels: String

        @Argument(help: ArgumentHelp("One prediction file per candidate model.", valueName: "model-file"))
        var models: [String]

        @Option(name: .long, help: "Realizations (seeded streams).")
        var realizations = 1000

        @Option(name: .long, help: ArgumentHelp("Items per stream (default: 1000, or the pool if smaller).", valueName: "n"))
        var streamLength: Int?

        @Option(name: .long, help: ArgumentHelp("A budget and its query scale, LABELS:GAMMA (repeatable; default: the paper's EmoContext γ(B) for B = 30…170).", valueName: "B:γ"))
        var budget: [String] = []

        @Option(name: .long, help: "The random seed.")
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("Also simulate the certified stopping rule at this tolerance (accuracy points).", valueName: "ε"))
        var epsilon: Double?

        @Option(name: .long, help: ArgumentHelp("The stopping rule's error probability.", valueName: "δ"))
        var delta = 0.05

        @Option(name: .long, help: ArgumentHelp("The stopping rule's label budget (default: the stream length).", valueName: "n"))
        var labelBudget: Int?

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            try reportingErrors {
                let report = try PickSimulationReport.make(.init(
                    labelsPath: labels, modelPaths: models, realizations: realizations, streamLength: streamLength,
                    budgets: budget, seed: seed, epsilon: epsilon, delta: delta, labelBudget: labelBudget))
                print(json ? encodeJSON(report) : report.text())
            }
        }
    }
}
