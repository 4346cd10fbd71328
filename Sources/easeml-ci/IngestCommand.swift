import ArgumentParser
import EaseMLCI
import Foundation

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Step 1 of the process: turn the user's data into the features the engines read.",
        subcommands: [IngestDocumentsCommand.self, IngestTableCommand.self, IngestAugmentCommand.self])
}

struct IngestDocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents",
        abstract: "A folder of .pdf, .docx, .html and .txt documents → one table of id, text, label and source.",
        discussion: """
            Every document under --input (sub-folders included, hidden files passed over) becomes one \
            row of documents.csv in --output: `id` is its path relative to the folder, `text` its text \
            on one line (white space collapsed), `label` the name of the sub-folder it sits in (or what \
            --labels says; empty when neither names one) and `source` the converter that read it. \
            Converters are found on PATH at run time: .pdf needs pdftotext (Debian: poppler-utils), \
            .docx and .html/.htm need pandoc (Debian: pandoc); .txt and .md are read as UTF-8. Other \
            files are listed as ignored. A document no converter can read is reported with its path \
            and, by default, nothing is written; --on-error skip leaves it out and lists it. Same \
            folder, same bytes.

            Then: `easeml-ci ingest table --input OUT/documents.csv` (the text column is kept out of \
            the features), or embed the text: scripts/embed-text.py OUT/documents.csv --text text \
            --label label --output docs.npy --labels-output labels.csv.

            Examples:
              easeml-ci ingest documents --input reviews/ --output data/reviews
              easeml-ci ingest documents --input inbox/ --labels inbox-labels.csv --on-error skip --output data/inbox

            \(ExitStatus.helpText) A missing converter exits 4 and names the package to install.
            """)

    @Option(name: .long, help: ArgumentHelp("The folder of documents (a sub-folder's name is its documents' label).", valueName: "folder"))
    var input: String
    @Option(name: .long, help: ArgumentHelp("The folder to write documents.csv into (created if missing).", valueName: "folder"))
    var output: String
    @Option(name: .long, help: ArgumentHelp("A CSV with the columns id (the path relative to --input) and label; it overrides folder names.", valueName: "file"))
    var labels: String?
    @Option(name: .long, help: ArgumentHelp("What to do with a document no converter can read: refuse (write nothing) or skip (leave it out, list it).", valueName: "refuse|skip"))
    var onError = "refuse"
    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        guard ["refuse", "skip"].contains(onError) else { throw ValidationError("--on-error: refuse or skip, got `\(onError)`") }
    }

    func run() throws {
        let workspace = try place.workspace()
        let report = try DocumentsReport.make(.init(input: input, output: output, labels: labels, skipMalformed: onError == "skip"))
        print(json ? ReportJSON.text(report) : report.text())
        try LineageRecorder(workspace: workspace).record(
            step: "ingestion", command: "ingest documents --input \(input) --output \(output)" + (labels.map { " --labels \($0)" } ?? ""),
            inputs: [("raw", input)] + (labels.map { [("labels", $0)] } ?? []),
            outputs: report.outputs.map { ($0.role, $0.path) },
            decision: "\(report.documents) documents → documents.csv; \(report.unlabelled) unlabelled, \(report.skipped.count) skipped")
    }
}

struct IngestTableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table",
        abstract: "A CSV, TSV or JSON Lines table with a header → encoded features, the encoding, and candidate repairs.",
        discussion: """
            Each column is typed from its cells: numeric (every present cell a number) is standardized; \
            categorical (at most --max-categories distinct values) is one-hot encoded, one column \
            `name=value` per category; text (more) is left out unless --embed names it: then the \
            command --embedder gives (the contract of scripts/embed-text.py: COMMAND FILE.csv --text \
            COLUMN --output FILE.npy, run by /bin/sh with the AutoML trials' allow-listed environment; \
            EASEML_PASS_ENV names more variables) turns each text into a vector, one feature `name[i]` \
            per dimension, and encoding.json records the command so --encoding embeds other tables \
            with the same one. \
            A missing cell (empty, NaN, NA, null, or an absent JSON key) stays missing: empty in every \
            feature column it feeds. Writes into --output:
              features.csv           the encoded columns, then the label (what feasibility, value, \
            clean, acquire and debug read);
              encoding.json          how each column was encoded; give it to --encoding to encode \
            validation or production tables the same way (a category it never saw: all zeros);
              candidates.csv         with --candidates: for every row with missing cells, one \
            candidate per imputer (mean, median, mode, the mean of the 5 nearest complete rows), in \
            the format `easeml-ci clean next --candidates` reads (row, then every feature column);
              candidates-methods.csv which imputer proposed which value for each missing cell.
            Same input, same output bytes. Inside an application the run is recorded in the lineage.

            Examples:
              easeml-ci ingest table --input raw/train.csv --output data/train --candidates
              easeml-ci ingest table --input raw/valid.jsonl --encoding data/train/encoding.json --output data/valid
              easeml-ci ingest table --input docs/documents.csv --embed text \\
                --embedder ".venv/bin/python scripts/embed-text.py" --output data/docs

            \(ExitStatus.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("The table: CSV or TSV (.tsv) with a header, or JSON Lines (.jsonl).", valueName: "file"))
    var input: String
    @Option(name: .long, help: ArgumentHelp("csv, tsv or jsonl (default: from the extension).", valueName: "format"))
    var format: String?
    @Option(name: .long, help: ArgumentHelp("The label column (default: `label`, else the last column).", valueName: "name"))
    var label: String?
    @Option(name: .long, help: ArgumentHelp("The folder to write the outputs into (created if missing).", valueName: "folder"))
    var output: String
    @Option(name: .long, help: ArgumentHelp("Encode with this encoding.json instead of fitting one.", valueName: "file"))
    var encoding: String?
    @Flag(name: .long, help: "Also write candidate values for the missing cells.") var candidates = false
    @Option(name: .long, help: "The most distinct values of a categorical column.") var maxCategories = 50
    @Option(name: .long, help: ArgumentHelp("A text column to embed with --embedder (when fitting).", valueName: "column"))
    var embed: String?
    @Option(name: .long, help: ArgumentHelp("The embedder: a command run as COMMAND FILE.csv --text COLUMN --output FILE.npy (scripts/embed-text.py's contract); with --encoding it replaces the recorded one.", valueName: "command"))
    var embedder: String?
    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        if let format, RawTable.Format(rawValue: format) == nil { throw ValidationError("--format: csv, tsv or jsonl, got `\(format)`") }
        guard maxCategories >= 1 else { throw ValidationError("--max-categories: at least 1, got \(maxCategories)") }
        if encoding != nil && label != nil { throw ValidationError("--label: the encoding names its label; give --label only when fitting") }
        if encoding != nil && embed != nil { throw ValidationError("--embed: the encoding names its embedded column; give --embed only when fitting") }
    }

    func run() throws {
        let workspace = try place.workspace()
        let report = try IngestionReport.make(.init(
            input: input, format: format.flatMap(RawTable.Format.init), label: label, output: output, encoding: encoding,
            candidates: candidates, maxCategories: maxCategories, embed: embed, embedder: embedder))
        print(json ? ReportJSON.text(report) : report.text())
        try LineageRecorder(workspace: workspace).record(
            step: "ingestion", command: "ingest table --input \(input) --output \(output)" + (encoding.map { " --encoding \($0)" } ?? "")
                + (embed.map { " --embed \($0)" } ?? "") + (embedder.map { " --embedder '\($0)'" } ?? ""),
            inputs: [("raw", input)] + (encoding.map { [("encoding", $0)] } ?? []),
            outputs: report.outputs.map { ($0.role, $0.path) },
            decision: "\(report.rows) rows, \(report.columns.filter { $0.kind != "text" }.count) feature columns → \(report.columns.reduce(0) { $0 + $1.outputs.count }) features; \(report.missingCells) missing cells in \(report.rowsWithMissingCells) rows")
    }
}

struct IngestAugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "More training rows: SMOTE-style interpolation within each class, or perturbed texts; seeded, marked as augmented.",
        discussion: """
            Each synthetic row lies on the segment between a training row and one of its K nearest \
            rows of the same class (a uniform weight), sources taken in file order so every class grows \
            in proportion; rows with missing cells are left out of the interpolation. --factor 2 \
            doubles the rows. Writes into --output: augmented.csv (the rows, then the synthetic ones, \
            same columns) and synthetic-rows.csv (each synthetic row's index, source, neighbour and \
            weight). Same input and seed, same bytes.

            With --text COLUMN the input is any CSV table with a header (e.g. documents.csv of \
            `ingest documents`) and each synthetic row is a copy of a source row whose text has been \
            perturbed by one of EDA's operations (Wei & Zou 2019): random deletion (each word dropped \
            with probability --rate) or random swap (⌊rate·words⌋ swaps, at least one). Other cells \
            are copied; an `id` cell gets `#aug1`, `#aug2`, … synthetic-rows.csv names each row's \
            source and operation.

            Inside an application the run is recorded in the lineage with augmented.csv as augmented \
            data, and the commands that take validation or test data (value, acquire, debug, clean and \
            improve --valid, testset add, automl's valid file) refuse it: synthetic rows never enter \
            validation or test data.

            \(ExitStatus.helpText)
            """)

    @Option(name: .long, help: ArgumentHelp("A labelled features CSV (e.g. features.csv of `ingest table`).", valueName: "file"))
    var input: String
    @Option(name: .long, help: ArgumentHelp("The folder to write the outputs into.", valueName: "folder"))
    var output: String
    @Option(name: .long, help: "Rows after augmentation, as a multiple of the rows before (at least 1).") var factor = 2.0
    @Option(name: .short, help: "Neighbours of the same class to interpolate towards.") var k = 5
    @Option(name: .long, help: "The random seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "The label column's header (default: the last column; with --text, `label` if present).") var labelsColumn: String?
    @Option(name: .long, help: ArgumentHelp("Perturb this text column instead of interpolating features.", valueName: "column"))
    var text: String?
    @Option(name: .long, help: "With --text: the deletion probability and the share of words swapped.") var rate = 0.1
    @OptionGroup var place: WorkspaceOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func run() throws {
        let workspace = try place.workspace()
        let report = try AugmentationReport.make(.init(
            input: input, output: output, factor: factor, k: k, seed: seed, labelsColumn: labelsColumn, text: text, rate: rate))
        print(json ? ReportJSON.text(report) : report.text())
        try LineageRecorder(workspace: workspace).record(
            step: "augmentation", command: "ingest augment --input \(input) --output \(output) --factor \(factor) --seed \(seed)" + (text.map { " --text \($0) --rate \(rate)" } ?? ""),
            inputs: [("training", input)], outputs: report.outputs.map { ($0.role, $0.path) },
            decision: "\(report.syntheticRows) synthetic rows added to \(report.rows)")
    }
}
