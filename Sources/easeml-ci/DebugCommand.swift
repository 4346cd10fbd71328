import ArgumentParser
import EaseMLCI
import Foundation

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Where the deployed model's production mistakes come from, and whether to relabel, clean or acquire.",
        discussion: """
            Step 8 of the Ease.ML process. Give the production items whose true class is known \
            (--production: a CSV with the same feature columns as the training data and a label \
            column) and the deployed model's predictions on them (--predictions: one class per item, \
            in the same order; `id,label` CSV, JSONL or .npy). Training and validation data default to \
            the `application:` section of .easeml.yml.

            The mistakes are studied through their K nearest training rows (euclidean; missing \
            training cells are filled with the column mean for distances only):
              acquire  a mistake farther from every training row than 99 % of the validation rows \
            are — production has items training has nothing like;
              relabel  a training row among a mistake's K nearest with a negative KNN-Shapley value \
            (the mistakes as utility set) whose label disagrees with its own neighbours;
              clean    a training row with missing cells among a mistake's K nearest.
            Each action's share is the fraction of mistakes it explains; they are printed best first \
            with the rows to act on, then the classes the errors went to and the training rows that \
            harm the mistakes most. Inside an application the run is recorded in the lineage, and \
            `easeml-ci next` follows its first recommendation.

            \(ExitStatus.helpText)
            """)

    @Option(name: .customLong("train"), help: ArgumentHelp("Training rows (CSV with a label column; empty cells are missing). Default: application.training.", valueName: "file"))
    var training: String?
    @Option(name: .customLong("valid"), help: ArgumentHelp("Validation rows (CSV with a label column). Default: application.validation.", valueName: "file"))
    var validation: String?
    @Option(name: .long, help: ArgumentHelp("Production items with their true class (CSV, same columns).", valueName: "file"))
    var production: String
    @Option(name: .long, help: ArgumentHelp("The deployed model's predicted class per production item, in order.", valueName: "file"))
    var predictions: String
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the nearest-neighbour analysis.") var k = 5
    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        guard k >= 1 else { throw ValidationError("-k: at least 1, got \(k)") }
    }

    func run() throws {
        let workspace = try place.workspace()
        guard let training = training ?? workspace.applicationPath(.training) else {
            throw ValidationError("--train: give the training file (or declare `training:` under `application:` in .easeml.yml)")
        }
        guard let validation = validation ?? workspace.applicationPath(.validation) else {
            throw ValidationError("--valid: give the validation file (or declare `validation:` under `application:` in .easeml.yml)")
        }
        let guardFile = LineageRecorder(workspace: workspace)
        try guardFile.refuseAugmented(validation, option: "--valid")
        try guardFile.refuseAugmented(production, option: "--production")
        let report = try DebugReport.make(.init(
            training: training, validation: validation, production: production, predictions: predictions, labelsColumn: labelsColumn, k: k))
        print(json ? ReportJSON.text(report) : report.text())
        try LineageRecorder(workspace: workspace).record(
            step: "debug", command: "debug --production \(production) --predictions \(predictions)",
            inputs: [("training", training), ("validation", validation), ("production-labelled", production), ("predictions", predictions)],
            decision: report.lineageDecision)
    }
}
