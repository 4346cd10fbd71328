import ArgumentParser
import EaseMLCI

struct ValueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value",
        abstract: "Rank training rows by their exact KNN-Shapley value: the lowest are the likely mislabelled or harmful ones.",
        discussion: """
            Values every training row by its exact Shapley value for a K-nearest-neighbour classifier \
            (squared Euclidean distance, ties by row order) on the validation set. Features: every \
            column but the label column. Rows are printed lowest value first.

            Example:
              easeml-ci value --train train.csv --valid valid.csv -k 5 --standardize --flag 0.1

            \(ExitStatus.helpText)
            """)

    @Option(name: .customLong("train"), help: ArgumentHelp("Training rows (CSV with a label column).", valueName: "file")) var training: String
    @Option(name: .customLong("valid"), help: ArgumentHelp("Validation rows (same columns).", valueName: "file")) var validation: String
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier.") var k = 5
    @Flag(name: .long, help: "Z-score features with the training mean and population standard deviation.") var standardize = false
    @Option(name: .long, help: ArgumentHelp("Flag the lowest fraction for review, e.g. 0.1.", valueName: "q")) var flag: Double?
    @Option(name: .long, help: "table, csv or json.") var format = "table"
    @Option(name: .long, help: "Rows shown in the table.") var limit = 20

    func run() throws {
        try reportingErrors {
            guard ["table", "csv", "json"].contains(format) else {
                throw EaseMLCIError.invalidOption(option: "--format", message: "expected table, csv or json, got '\(format)'")
            }
            let report = try ValuationReport.make(
                training: training, validation: validation, labelsColumn: labelsColumn, k: k, standardize: standardize,
                flagFraction: flag)
            switch format {
            case "csv": print(report.csv(), terminator: "")
            case "json": print(report.json())
            default: print(report.text(limit: limit))
            }
        }
    }
}
