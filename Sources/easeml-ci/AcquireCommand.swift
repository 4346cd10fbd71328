import ArgumentParser
import EaseMLCI

struct AcquireCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acquire",
        abstract: "Rank an unlabelled pool: which examples to label next.",
        discussion: """
            Values each pool row by the expected change of the validation K-NN utility if it were \
            labelled (each class weighted by its share among the row's K nearest labelled rows), \
            keeps the better half of the pool and orders it by greedy coverage (farthest from \
            everything labelled or ranked so far), then the rest the same way. Label the first \
            --batch rows and run again. Pool rows have no label column, or an empty one.

            Example:
              easeml-ci acquire --labeled labeled.csv --pool pool.csv --valid valid.csv -k 5 --batch 10

            \(ExitStatus.helpText)
            """)

    @Option(name: .customLong("labeled"), help: ArgumentHelp("Labelled rows (CSV with a label column).", valueName: "file")) var labeled: String
    @Option(name: .long, help: ArgumentHelp("Unlabelled rows (same feature columns).", valueName: "file")) var pool: String
    @Option(name: .customLong("valid"), help: ArgumentHelp("Validation rows (with labels).", valueName: "file")) var validation: String
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier.") var k = 5
    @Option(name: .long, help: "Rows to label now.") var batch = 10
    @Flag(name: .long, help: "Z-score features with the labelled rows' mean and population standard deviation.") var standardize = false
    @OptionGroup var output: FormatOptions
    @Option(name: .long, help: "Rows shown in the table.") var limit = 20

    func run() throws {
        let workspace = try Workspace.current(Workspace.Options(), configuration: .ifPresent)
        try LineageRecorder(workspace: workspace).refuseAugmented(validation, option: "--valid")
        let report = try AcquisitionReport.make(
            labeled: labeled, pool: pool, validation: validation, labelsColumn: labelsColumn, k: k, batch: batch, standardize: standardize)
        switch output.chosen {
        case .csv: print(report.csv(), terminator: "")
        case .json: print(report.json())
        case .table: print(report.text(limit: limit))
        }
        try LineageRecorder(workspace: workspace).record(
            step: "acquire", command: "acquire --labeled \(labeled) --pool \(pool) --valid \(validation)",
            inputs: [("training", labeled), ("pool", pool), ("validation", validation)],
            decision: "ranked \(report.poolRows) pool rows; \(report.rows.filter(\.labelNow).count) to label now")
    }
}
