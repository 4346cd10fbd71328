import ArgumentParser
import EaseMLCI

struct ValueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value",
        abstract: "Rank training rows by their exact KNN-Shapley value: the lowest are the likely mislabelled or harmful ones.",
        discussion: """
            Values every training row by its exact Shapley value for a K-nearest-neighbour classifier \
            on the validation set (squared Euclidean or cosine distance, ties by row order). Feature \
            files are CSV (features: every column but the labels column) or .npy (labels from \
            --train-labels / --valid-labels). Repeat --train and --valid for several representations \
            of the same rows: each gets its own ranking. Rows are printed lowest value first.
            Without --valid, no clean validation set is needed: the training rows are split into \
            --folds folds and the rows outside each fold are valued against it (its labels, noisy \
            as they may be, as the validation labels); a row's value is the mean over its folds.
            --flag auto flags every row with a negative value — the classifier's expected accuracy \
            rises without it — so the count follows the data; --flag 0.1 flags the lowest 10 %.

            Examples:
              easeml-ci value --train train.csv --valid valid.csv -k 5 --standardize --flag 0.1
              easeml-ci value --train train.csv --flag auto
              easeml-ci value --train emb.npy --train-labels y.npy --valid vemb.npy --valid-labels vy.npy --metric cosine

            \(ExitStatus.helpText)
            """)

    @Option(name: .customLong("train"), help: ArgumentHelp("Training rows (CSV with a label column, or .npy); repeat for several representations.", valueName: "file")) var training: [String]
    @Option(name: .customLong("valid"), help: ArgumentHelp("Validation rows (same columns), one per --train; none: cross-validate the training rows.", valueName: "file")) var validation: [String] = []
    @Option(name: .customLong("train-labels"), help: ArgumentHelp("Labels of .npy training files (.npy vector or CSV with the label column).", valueName: "file")) var trainingLabels: String?
    @Option(name: .customLong("valid-labels"), help: ArgumentHelp("Labels of .npy validation files.", valueName: "file")) var validationLabels: String?
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier.") var k = 5
    @Option(name: .long, help: "The distance: euclidean or cosine.") var metric: DistanceMetric = .euclidean
    @Flag(name: .long, help: "Z-score features with the training mean and population standard deviation.") var standardize = false
    @Option(name: .long, help: ArgumentHelp("Flag rows for review: `auto` (every negative value) or the lowest fraction, e.g. 0.1.", valueName: "auto|q")) var flag: String?
    @Option(name: .long, help: "Folds of the cross-validation without --valid.") var folds = 5
    @Option(name: .long, help: "The seed of the folds.") var seed: UInt64 = 1

    func validate() throws {
        if let flag, ValuationReport.FlagRule(flag) == nil {
            throw ValidationError("--flag: expected `auto` or a fraction in [0, 1] such as 0.1, got `\(flag)`")
        }
    }
    @OptionGroup var output: FormatOptions
    @Option(name: .long, help: "Rows shown in the table.") var limit = 20

    func run() throws {
        ValuationReport.prepareProcess()
        let workspace = try Workspace.current(Workspace.Options(), configuration: .ifPresent)
        for file in validation { try LineageRecorder(workspace: workspace).refuseAugmented(file, option: "--valid") }
        let report = try ValuationReport.make(
            .init(
                training: training, validation: validation, trainingLabels: trainingLabels, validationLabels: validationLabels,
                labelsColumn: labelsColumn, k: k, metric: metric, standardize: standardize, flag: flag.flatMap(ValuationReport.FlagRule.init),
                folds: folds, seed: seed))
        switch output.chosen {
        case .csv: print(report.csv(), terminator: "")
        case .json: print(report.json())
        case .table: print(report.text(limit: limit))
        }
        let flagged = report.representations.first.map { $0.rows.filter(\.flagged).count } ?? 0
        try LineageRecorder(workspace: workspace).record(
            step: "value", command: (["value"] + training.flatMap { ["--train", $0] } + validation.flatMap { ["--valid", $0] }).joined(separator: " "),
            inputs: training.map { ("training", $0) } + validation.map { ("validation", $0) }
                + [trainingLabels, validationLabels].compactMap { $0 }.map { ("labels", $0) },
            decision: "valued \(report.trainingRows) training rows (KNN-Shapley, k = \(report.k))" + (flag == nil ? "" : ", \(flagged) flagged for review"))
    }
}
