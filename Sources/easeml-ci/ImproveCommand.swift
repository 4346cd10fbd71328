import ArgumentParser
import EaseMLCI
import Foundation

struct ImproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "improve",
        abstract: "The improvement loop: clean training rows or label pool rows, whichever raises the feasibility estimate more per unit of effort.",
        discussion: """
            Two arms: `clean` fills missing cells of training rows in CPClean's order, `acquire` labels \
            unlabelled pool rows in the acquisition ranking's order. Each round `improve next` picks an \
            arm with UCB1 on the gain of the accuracy ceiling (1 − Cover–Hart bound from the validation \
            rows' 1-NN error against the training rows) per unit of effort (--clean-cost, --label-cost \
            per row); every arm is tried once first. It prints the batch and why, and the curve so \
            far. `improve apply FILE` records the answers (cleaned rows: row, then every feature \
            column; labels: row,label), re-measures the ceiling and updates the arm. The session \
            lives in the ledger (--ledger, --session) and resumes after a crash. `improve simulate` \
            runs the loop with an oracle on a complete labelled file.

            Example:
              easeml-ci improve next --train t.csv --pool p.csv --valid v.csv
              easeml-ci improve apply answers.csv
              easeml-ci improve status --plot curve.svg
              easeml-ci improve simulate --data digits.csv --plot sim.svg

            \(ExitStatus.helpText)
            """,
        subcommands: [ImproveNextCommand.self, ImproveApplyCommand.self, ImproveStatusCommand.self, ImproveSimulateCommand.self])
}

/// Options shared by the `improve` session subcommands.
struct ImproveSessionOptions: ParsableArguments {
    @OptionGroup var place: SessionLedgerOptions
    @Option(name: .customLong("train"), help: ArgumentHelp("Labelled training rows, some with missing cells (starts a session).", valueName: "file")) var training: String?
    @Option(name: .long, help: ArgumentHelp("Unlabelled rows, same feature columns (no label column, or an empty one).", valueName: "file")) var pool: String?
    @Option(name: .customLong("valid"), help: ArgumentHelp("Complete validation rows with labels.", valueName: "file")) var validation: String?
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier (CPClean and the acquisition ranking).") var k = 3
    @Option(name: .long, help: "none, or minmax: scale each column by its observed training min and max.") var scale = "none"
    @Option(name: .long, help: ArgumentHelp("Candidate repairs: a CSV of row, then every feature column.", valueName: "file")) var candidates: String?
    @Option(name: .long, help: "Rows per round (fixed when the session starts, like the costs and c).") var batch = 10
    @Option(name: .long, help: "Effort of cleaning one row (any unit).") var cleanCost = 1.0
    @Option(name: .long, help: "Effort of labelling one pool row (same unit).") var labelCost = 1.0
    @Option(name: .long, help: "UCB1's exploration weight c (1 = UCB1).") var exploration = 1.0

    func validate() throws {
        let given = [training, validation, pool].filter { $0 != nil }.count
        if given != 0 && given != 3 {
            throw ValidationError("\(training == nil ? "--train" : validation == nil ? "--valid" : "--pool"): a session starts from --train, --pool and --valid")
        }
    }

    /// The session, started from --train, --pool and --valid when they are given.
    func open() throws(EaseMLCIError) -> (session: ImproveSession, ledger: Ledger) {
        var start: ImproveSession.Start?
        if let training, let validation, let pool {
            try LineageRecorder(workspace: try place.place.workspace()).refuseAugmented(validation, option: "--valid")
            start = .init(
                cleaning: .init(training: training, validation: validation, labelsColumn: labelsColumn, k: k, scaling: scale, candidates: candidates),
                pool: pool, batch: batch, cleanCost: cleanCost, labelCost: labelCost, exploration: exploration)
        }
        return try ImproveSession.open(in: try place.place.workspace(), id: place.id("improve"), start: start)
    }
}

/// `--plot` and `--json` of the session subcommands.
struct ImproveOutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also draw the feasibility curve so far as an SVG.", valueName: "file")) var plot: String?
    @Option(name: .long, help: ArgumentHelp("A target accuracy to compare the ceiling with.", valueName: "accuracy")) var target: Double?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func validate() throws {
        if let target, !(target > 0 && target <= 1) { throw ValidationError("--target: an accuracy in (0, 1]") }
    }

    func emit(_ report: ImproveReport, session: ImproveSession) throws(EaseMLCIError) {
        var report = report
        report.target = target
        if let plot {
            let svg = ImprovementPlot(title: "Improvement loop \(session.id)", curves: [(session.id, session.curve)], target: target).svg()
            try AtomicFile.write(Data(svg.utf8), to: plot)
        }
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
    }
}

struct ImproveNextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next", abstract: "Pick the arm and show the batch to answer now (or the open one again).")

    @OptionGroup var session: ImproveSessionOptions
    @OptionGroup var output: ImproveOutputOptions

    func run() throws {
        var (opened, ledger) = try session.open()
        let round = try opened.next(ledger: ledger)
        let done = "Nothing left to do: every validation prediction is certain (cleaning cannot change it) and the pool is labelled."
        try output.emit(ImproveReport(session: opened, round: round, note: done), session: opened)
    }
}

struct ImproveApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Record the open round's answers: cleaned rows (row, then every feature column) or labels (row,label).")

    @OptionGroup var session: ImproveSessionOptions
    @OptionGroup var output: ImproveOutputOptions
    @Argument(help: ArgumentHelp("The answers.", valueName: "file")) var file: String

    func run() throws {
        var (opened, ledger) = try session.open()
        let round = try opened.apply(file: file, ledger: ledger)
        if !output.json, let outcome = round.outcome {
            print("Round \(round.round) (\(round.arm)) recorded: effort \(ImproveReport.number(outcome.effort)), ceiling \(String(format: "%.4f", outcome.ceiling)), gain per unit of effort \(String(format: "%+.6f", outcome.reward)).")
        }
        try output.emit(ImproveReport(session: opened, round: nil, note: "`easeml-ci improve next` picks the next round."), session: opened)
        try LineageRecorder(workspace: try session.place.place.workspace()).record(
            step: "improve", command: "improve apply \(file)", inputs: [("answers", file)],
            decision: "round \(round.round) (\(round.arm))" + (round.outcome.map { ", accuracy ceiling now \(String(format: "%.4f", $0.ceiling))" } ?? ""))
    }
}

struct ImproveStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The feasibility curve so far, the arms' statistics and the open round.")

    @OptionGroup var session: ImproveSessionOptions
    @OptionGroup var output: ImproveOutputOptions

    func run() throws {
        let (opened, _) = try session.open()
        try output.emit(
            ImproveReport(session: opened, round: opened.openRound, note: "No open round: `easeml-ci improve next` picks the next one."), session: opened)
    }
}

struct ImproveSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the loop with an oracle on a complete labelled CSV: bandit vs cleaning only vs acquisition only.",
        discussion: """
            Split: data row r is validation when r % 10 >= 7; of the other rows (t = 0, 1, … in file \
            order) those with t % 4 == 0 are labelled training rows, the rest the unlabelled pool. \
            Each labelled row is dirty with probability --missing-rows; each cell of a dirty row is \
            missing with probability --missing-cells (seeded). Features are min–max scaled by the \
            labelled rows' observed cells. The oracle answers with the true cells and labels.
            """)

    @Option(name: .long, help: ArgumentHelp("A complete labelled CSV.", valueName: "file")) var data: String
    @Option(name: .long, help: "The label column's header (default: the last column).") var labelsColumn: String?
    @Option(name: .short, help: "K of the KNN classifier.") var k = 3
    @Option(name: .long, help: "Rows per round.") var batch = 10
    @Option(name: .long, help: "Rounds per policy.") var rounds = 12
    @Option(name: .long, help: "Fraction of labelled rows with missing cells.") var missingRows = 0.5
    @Option(name: .long, help: "Fraction of a dirty row's cells that are missing.") var missingCells = 0.5
    @Option(name: .long, help: "Effort of cleaning one row.") var cleanCost = 1.0
    @Option(name: .long, help: "Effort of labelling one row.") var labelCost = 1.0
    @Option(name: .long, help: "UCB1's exploration weight c.") var exploration = 1.0
    @Option(name: .long, help: "Seed of the removed cells.") var seed: UInt64 = 1
    @Option(name: .long, help: ArgumentHelp("Also draw the three curves as an SVG.", valueName: "file")) var plot: String?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        let report = try ImproveSimulationReport.make(
            data: data, labelsColumn: labelsColumn, k: k, batch: batch, rounds: rounds, missingRows: missingRows, missingCells: missingCells,
            cleanCost: cleanCost, labelCost: labelCost, exploration: exploration, seed: seed)
        if let plot { try AtomicFile.write(Data(report.plot().utf8), to: plot) }
        print(json ? report.json() : report.text(), terminator: json ? "\n" : "")
    }
}
