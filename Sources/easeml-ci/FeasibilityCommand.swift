import ArgumentParser
import EaseMLCI
import Foundation

struct FeasibilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feasibility",
        abstract: "Estimate the best accuracy any model can reach on this data, and judge the target.",
        discussion: """
            For each representation (each --data file — CSV with a labels column, or .npy features with \
            --labels — under each --scale: raw, standardized and min-max by default), measures the \
            1-nearest-neighbour error (leave-one-out up to 20,000 examples), the Cover–Hart lower bound \
            on the Bayes error, the accuracy ceiling it implies (an estimate), the upper end of that \
            ceiling (the lowest error the data allows, unlimited data included, at 95 % confidence split \
            over the representations) and a convergence curve (1/16 … 1 of the data). The verdict against \
            the target is "feasible" (at or below the estimate), "infeasible" (exit 1; only above the \
            upper end) or "unclear" (in between). The target comes from \
            --target, or from --condition (else the condition of .easeml.yml): the largest lower bound its \
            clauses put on n — `n > c` asks for c, `n - o > c` for the old model's accuracy plus c, which \
            --old-accuracy, --old-predictions or `feasibility_old_accuracy` in .easeml.yml supply. With \
            several --data files, --halving compares them by successive halving under --halving-budget \
            and studies only the winner.

            Example:
              easeml-ci feasibility --data digits.csv --target 0.95 --plot curve.svg
              easeml-ci feasibility --data raw.npy --data minilm.npy --labels y.npy --halving \\
                  --condition 'n - o > 0.02 +/- 0.01' --old-predictions old.csv

            \(ExitStatus.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("A feature file (.csv or .npy); repeat for several representations.", valueName: "file"))
    var data: [String]

    @Option(name: .long, help: ArgumentHelp("The labels column of CSV files.", valueName: "name"))
    var labelsColumn = "label"

    @Option(name: .long, help: ArgumentHelp("Labels for .npy features (.npy vector or CSV with the labels column).", valueName: "file"))
    var labels: String?

    @Option(name: .long, help: ArgumentHelp("The target accuracy.", valueName: "accuracy"))
    var target: Double?

    @Option(name: .long, help: ArgumentHelp("A condition to take the target from: its `n > c` and `n - o > c` clauses (the largest bound on n).", valueName: "text"))
    var condition: String?

    @Option(name: .long, help: ArgumentHelp("The old model's accuracy, for `n - o > c` clauses (target = old accuracy + c).", valueName: "accuracy"))
    var oldAccuracy: Double?

    @Option(name: .long, help: ArgumentHelp("The old model's predictions on these examples (one class per example, in order); their accuracy stands in for --old-accuracy.", valueName: "file"))
    var oldPredictions: String?

    @Flag(name: .long, help: "Compare several representations by successive halving (evaluate all on a small slice, keep the better half, double the slice), then study only the winner.")
    var halving = false

    @Option(name: .long, help: ArgumentHelp("Examples in the first halving round.", valueName: "n"))
    var halvingStart = 500

    @Option(name: .long, help: ArgumentHelp("A budget for the halving, as a fraction of measuring every representation on all examples: a round that would exceed it does not run (default: none).", valueName: "fraction"))
    var halvingBudget: Double?

    @Option(name: .long, help: "The distance: euclidean or cosine.")
    var metric: DistanceMetric = .euclidean

    @Option(name: .long, help: ArgumentHelp("How features are scaled: none, standardize or minmax (repeat for several); default: all three, the best reported.", valueName: "scaling"))
    var scale: [FeatureScaling] = []

    @Option(name: .long, help: "The random seed (test split and subsamples).")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Write the convergence curves as an SVG chart.", valueName: "file.svg"))
    var plot: String?

    @OptionGroup var configuration: ConfigOption

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("--data: give at least one feature file") }
        if let target, !(target > 0 && target <= 1) { throw ValidationError("--target: an accuracy in (0, 1], got \(target)") }
        guard target == nil || condition == nil else { throw ValidationError("--target: give --target or --condition, not both") }
        if let oldAccuracy, !(oldAccuracy >= 0 && oldAccuracy <= 1) {
            throw ValidationError("--old-accuracy: an accuracy in [0, 1], got \(oldAccuracy)")
        }
        guard oldAccuracy == nil || oldPredictions == nil else {
            throw ValidationError("--old-accuracy: give --old-accuracy or --old-predictions, not both")
        }
        guard halvingStart >= 2 else { throw ValidationError("--halving-start: at least 2 examples, got \(halvingStart)") }
        if let halvingBudget, !(halvingBudget > 0) { throw ValidationError("--halving-budget: a positive fraction, got \(halvingBudget)") }
    }

    func run() throws {
        // The configuration supplies the target only when the command line gives none (takeTarget).
        let workspace = try Workspace.current(Workspace.Options(configPath: configuration.config), configuration: .ifPresent)
        var request = FeasibilityReport.Request(
            dataPaths: data, labelsColumn: labelsColumn, labelsPath: labels, metric: metric, target: target, seed: seed,
            oldAccuracy: oldAccuracy, oldPredictionsPath: oldPredictions,
            halving: halving ? .init(initialSize: halvingStart, budgetFraction: halvingBudget) : nil,
            scalings: scale.isEmpty ? FeatureScaling.allCases : scale)
        try request.takeTarget(condition: condition, from: workspace)
        let bar = ProgressBar(steps: FeasibilityReport.progressSteps(request))
        let report = try FeasibilityReport.make(request, progress: bar.map { bar in { bar.update(step: $0, fraction: $1) } })
        bar?.finish()
        if let plot { try AtomicFile.write(Data(FeasibilityPlot(report: report).svg().utf8), to: plot) }
        print(json ? ReportJSON.text(report) : report.text())
        try LineageRecorder(workspace: workspace).record(
            step: "feasibility",
            command: (["feasibility"] + data.flatMap { ["--data", $0] } + (request.target.map { ["--target", "\($0)"] } ?? [])).joined(separator: " "),
            inputs: data.map { ("data", $0) } + [labels, oldPredictions].compactMap { $0 }.map { ("labels", $0) },
            outputs: plot.map { [("plot", $0)] } ?? [],
            decision: report.lineageDecision)
        if report.exitStatus != .success { throw ExitCode(report.exitStatus.rawValue) }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal: the overall
/// fraction over equal-weight steps, and the current step's name.
private final class ProgressBar {
    let steps: [String]
    var lastDrawn = -1

    init?(steps: [String]) {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        self.steps = steps
    }

    func update(step: Int, fraction: Double) {
        let overall = min(1, (Double(step) + min(1, max(0, fraction))) / Double(steps.count))
        let percent = Int(overall * 100)
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let filled = percent * 30 / 100
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: 30 - filled)
            + "] \(percent)% \(steps[min(step, steps.count - 1)])\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
