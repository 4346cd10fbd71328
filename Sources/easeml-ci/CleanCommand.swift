import ArgumentParser
import EaseMLCI
import Foundation

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "CPClean: which training rows with missing cells to clean first, until validation predictions are certain.",
        discussion: """
            Training rows with missing cells (empty or NaN) get candidate repairs (mean, median, min, \
            max, the 25 % and 75 % grid points, 5-NN imputation; or --candidates FILE). A validation \
            prediction of the KNN classifier is certain when it is the same whichever repairs are true; \
            once all are, further cleaning cannot change validation accuracy. The session lives in the \
            ledger (--ledger), keyed by --session; the first command starts it from --train and --valid, \
            later ones resume it, also after a crash. `clean import FILE` moves a JSON state file of an \
            earlier easeml-ci into the ledger.

            Example:
              easeml-ci clean status --train train.csv --valid valid.csv -k 3 --scale minmax
              easeml-ci clean next --batch 5
              easeml-ci clean apply cleaned.csv

            \(ExitStatus.helpText)
            """,
        subcommands: [CleanNextCommand.self, CleanApplyCommand.self, CleanStatusCommand.self, CleanImportCommand.self])
}

/// Options shared by the `clean` subcommands.
struct CleanSessionOptions: ParsableArguments {
    @OptionGroup var place: SessionLedgerOptions
    @Option(name: .long, help: .hidden) var state: String?
    @Option(name: .customLong("train"), help: ArgumentHelp("Training rows with missing cells (starts a session).", valueName: "file")) var training: String?
    @Option(name: .customLong("valid"), help: ArgumentHelp("Complete validation rows, same columns.", valueName: "file")) var validation: String?
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier.") var k = 3
    @Option(name: .long, help: "none, or minmax: scale each column by its observed training min and max.") var scale = "none"
    @Option(name: .long, help: ArgumentHelp("Candidate repairs: a CSV of row, then every feature column; one line per candidate.", valueName: "file")) var candidates: String?

    func validate() throws {
        if let state { throw ValidationError("--state: cleaning sessions live in the ledger now; move \(state) there with `easeml-ci clean import \(state)`") }
        if (training == nil) != (validation == nil) {
            throw ValidationError("\(training == nil ? "--train" : "--valid"): a session starts from both --train and --valid")
        }
    }

    /// The session, started from --train and --valid when both are given.
    func open() throws(EaseMLCIError) -> (session: CleaningSession, ledger: Ledger) {
        var start: CleaningSession.Start?
        if let training, let validation {
            try LineageRecorder(workspace: try place.place.workspace()).refuseAugmented(validation, option: "--valid")
            start = .init(training: training, validation: validation, labelsColumn: labelsColumn, k: k, scaling: scale, candidates: candidates)
        }
        return try CleaningSession.open(in: try place.place.workspace(), id: place.id("clean"), start: start)
    }
}

struct CleanNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "List the rows to clean now, best first, and why.")

    @OptionGroup var session: CleanSessionOptions
    @Option(name: .long, help: "How many rows to list.") var batch = 1
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch: must be at least 1") }
    }

    func run() throws {
        let (opened, _) = try session.open()
        let report = CleaningReport(status: opened.status, next: opened.next(batch: batch))
        print(json ? ReportJSON.text(report) : report.text, terminator: json ? "\n" : "")
    }
}

struct CleanApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Record cleaned rows: a CSV of row, then every feature column.")

    @OptionGroup var session: CleanSessionOptions
    @Argument(help: ArgumentHelp("The cleaned rows.", valueName: "file")) var file: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        var (opened, ledger) = try session.open()
        let rows = try opened.apply(file: file, ledger: ledger)
        print("Recorded \(rows.count) cleaned row\(rows.count == 1 ? "" : "s"): \(rows.map(String.init).joined(separator: ", ")).")
        print(opened.status.text(), terminator: "")
        try LineageRecorder(workspace: try session.place.place.workspace()).record(
            step: "clean", command: "clean apply \(file)", inputs: [("cleaned-rows", file)],
            decision: "session \(opened.id): \(rows.count) cleaned row\(rows.count == 1 ? "" : "s") recorded (\(rows.map(String.init).joined(separator: ", ")))")
    }
}

struct CleanStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "How many validation predictions are already certain.")

    @OptionGroup var session: CleanSessionOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let (opened, _) = try session.open()
        let report = CleaningReport(status: opened.status)
        print(json ? ReportJSON.text(report) : report.text, terminator: json ? "\n" : "")
    }
}

struct CleanImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Move a JSON state file of an earlier easeml-ci (easeml-clean.json) into the ledger.")

    @OptionGroup var place: SessionLedgerOptions
    @Argument(help: ArgumentHelp("The state file.", valueName: "file")) var file: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let ledger = try place.place.workspace().openLedger(create: true)
        let session = try CleaningSession.importState(file, ledger: ledger, id: place.id("clean"))
        let report = CleaningReport(
            status: session.status, recorded: session.cleaned.map(\.row),
            message: "Imported \(file) as session \(session.id) with \(session.cleaned.count) cleaned row\(session.cleaned.count == 1 ? "" : "s"); \(file) is no longer used.")
        print(json ? ReportJSON.text(report) : report.text, terminator: json ? "\n" : "")
    }
}
