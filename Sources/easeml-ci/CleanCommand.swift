import ArgumentParser
import EaseMLCI
import EaseMLLedger
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

    func open() throws(EaseMLCIError) -> (CleaningSession, Ledger) {
        if let state {
            throw .invalidOption(option: "--state", message: "cleaning sessions live in the ledger now; move \(state) there with `easeml-ci clean import \(state)`")
        }
        var start: CleaningSession.Start?
        if let training, let validation {
            start = .init(training: training, validation: validation, labelsColumn: labelsColumn, k: k, scaling: scale, candidates: candidates)
        } else if training != nil || validation != nil {
            throw .invalidOption(option: training == nil ? "--train" : "--valid", message: "a session starts from both --train and --valid")
        }
        let ledger = try place.open(create: start != nil, command: "clean")
        return (try CleaningSession.open(ledger: ledger, id: place.id("clean"), start: start), ledger)
    }
}

struct CleanNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next", abstract: "List the rows to clean now, best first, and why.")

    @OptionGroup var session: CleanSessionOptions
    @Option(name: .long, help: "How many rows to list.") var batch = 1
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            guard batch >= 1 else { throw EaseMLCIError.invalidOption(option: "--batch", message: "must be at least 1") }
            let (opened, _) = try session.open()
            let suggestions = opened.next(batch: batch)
            if json {
                print(try jsonText(["status": .status(opened.status), "next": .suggestions(suggestions)]))
            } else {
                print(CleaningSuggestion.text(suggestions, status: opened.status), terminator: "")
            }
        }
    }
}

struct CleanApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Record cleaned rows: a CSV of row, then every feature column.")

    @OptionGroup var session: CleanSessionOptions
    @Argument(help: ArgumentHelp("The cleaned rows.", valueName: "file")) var file: String

    func run() throws {
        try reportingErrors {
            var (opened, ledger) = try session.open()
            let rows = try opened.apply(file: file, ledger: ledger)
            print("Recorded \(rows.count) cleaned row\(rows.count == 1 ? "" : "s"): \(rows.map(String.init).joined(separator: ", ")).")
            print(opened.status.text(), terminator: "")
        }
    }
}

struct CleanStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "How many validation predictions are already certain.")

    @OptionGroup var session: CleanSessionOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let (opened, _) = try session.open()
            if json {
                print(try jsonText(["status": .status(opened.status)]))
            } else {
                print(opened.status.text(), terminator: "")
            }
        }
    }
}

struct CleanImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Move a JSON state file of an earlier easeml-ci (easeml-clean.json) into the ledger.")

    @OptionGroup var place: SessionLedgerOptions
    @Argument(help: ArgumentHelp("The state file.", valueName: "file")) var file: String

    func run() throws {
        try reportingErrors {
            let ledger = try place.open(create: true, command: "clean")
            let session = try CleaningSession.importState(file, ledger: ledger, id: place.id("clean"))
            print("Imported \(file) as session \(session.id) with \(session.cleaned.count) cleaned row\(session.cleaned.count == 1 ? "" : "s"); \(file) is no longer used.")
            print(session.status.text(), terminator: "")
        }
    }
}

private enum CleanJSON: Encodable {
    case status(CleaningStatus)
    case suggestions([CleaningSuggestion])

    func encode(to encoder: Encoder) throws {
        switch self {
        case .status(let status):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(status.k, forKey: .k)
            try container.encode(status.validationPoints, forKey: .validationPoints)
            try container.encode(status.certain, forKey: .certain)
            try container.encode(status.certainCorrect, forKey: .certainCorrect)
            try container.encode(status.dirtyRows, forKey: .dirtyRows)
            try container.encode(status.cleanedRows, forKey: .cleanedRows)
            try container.encode(status.uncertainPoints, forKey: .uncertainPoints)
            try container.encode(status.complete, forKey: .complete)
        case .suggestions(let suggestions):
            var container = encoder.singleValueContainer()
            try container.encode(suggestions)
        }
    }

    enum Key: String, CodingKey { case k, validationPoints, certain, certainCorrect, dirtyRows, cleanedRows, uncertainPoints, complete }
}

private func jsonText(_ object: [String: CleanJSON]) throws(EaseMLCIError) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        return String(decoding: try encoder.encode(object), as: UTF8.self)
    } catch {
        throw .cleaning(message: "cannot encode JSON: \(error)")
    }
}
