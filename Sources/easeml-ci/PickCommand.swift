import ArgumentParser
import EaseMLCI
import Foundation

struct PickCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pick",
        abstract: "Pick the best of several models on fresh data with few labels (ModelPicker).",
        subcommands: [Start.self, Next.self, Label.self, Run.self, Status.self, Choose.self, Simulate.self]
    )

    /// The workspace and the session name shared by the session subcommands.
    struct SessionOptions: ParsableArguments {
        @OptionGroup var place: WorkspaceOptions

        @Option(name: .long, help: ArgumentHelp("The session (default: the newest open one).", valueName: "name"))
        var name: String?

        func open(create: Bool = false) throws(EaseMLCIError) -> Ledger { try place.workspace().openLedger(create: create) }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start a session: choose among candidate models on an unlabeled pool.",
            discussion: """
                Records the candidates' predictions, the pool and the settings in the ledger. Then ask \
                `pick next` for items to label, give labels with `pick label` (or use `pick run`), and \
                watch `pick status`. The session stops by itself when the certified stopping rule \
                holds or the label budget is spent, and records the chosen model.

                --from-gate takes the candidates from the gate instead: each model commit it accepted \
                runs its own `script` on --pool-inputs, in the sandbox `easeml-ci predict --help` \
                describes (--isolation, --script-timeout, --sandbox-read); --models beside it adds \
                candidates that are no commits, such as the deployed model's predictions on the pool.

                Examples:
                  easeml-ci pick start --name monday --models preds/m1.csv preds/m2.csv preds/m3.csv
                  easeml-ci pick start --name production --from-gate --pool-inputs data/production.csv \\
                    --models data/deployed-predictions.csv

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Option(name: .long, help: ArgumentHelp("The new session's name.", valueName: "name"))
        var name: String

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("One prediction file per candidate model (CSV `id,prediction`, JSONL or .npy).", valueName: "file"))
        var models: [String] = []

        @Flag(name: .long, help: "Take the candidates from the gate: every model commit it accepted on the test set, each commit's own script run on --pool-inputs.")
        var fromGate = false

        @Option(name: .long, help: ArgumentHelp("With --from-gate: the production pool's inputs, given to each script as $EASEML_INPUTS.", valueName: "path"))
        var poolInputs: String?

        @Option(name: .long, help: ArgumentHelp("With --from-gate: the test set whose accepted models compete (default: the newest).", valueName: "id"))
        var testSet: String?

        @Option(name: .long, help: ArgumentHelp("The pool's item ids, one a line (default: the ids of the first prediction file).", valueName: "file"))
        var poolIds: String?

        @Option(name: .long, help: ArgumentHelp("A CSV `id,column,…` whose columns are shown to the labeler.", valueName: "file"))
        var inputs: String?

        @Option(name: .long, help: "The seed of the stream order, the query coins and the certificate's draws.")
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("ModelPicker's query scale γ.", valueName: "γ"))
        var gamma = 1.0

        @Option(name: .long, help: ArgumentHelp("The stopping rule's tolerance, in accuracy (0.02 = 2 points).", valueName: "ε"))
        var epsilon = 0.02

        @Option(name: .long, help: ArgumentHelp("The stopping rule's error probability.", valueName: "δ"))
        var delta = 0.05

        @Option(name: .long, help: ArgumentHelp("The most labels to ask for.", valueName: "n"))
        var labelBudget = 200

        @OptionGroup var script: ScriptOptions

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func validate() throws {
            if fromGate {
                guard poolInputs != nil else { throw ValidationError("--pool-inputs: --from-gate needs the pool's inputs") }
            } else if poolInputs != nil || testSet != nil || !script.sandboxRead.isEmpty {
                throw ValidationError("--pool-inputs, --test-set and --sandbox-read go with --from-gate")
            }
        }

        func run() throws {
            let workspace = try place.workspace()
            let gate = fromGate
                ? GateCandidates(testSetID: testSet, poolInputs: poolInputs ?? "", directory: workspace.directory.path, sandbox: try script.sandbox())
                : nil
            let session = try PickSessionStart(
                name: name, modelPaths: models, poolIDsPath: poolIds, inputsPath: inputs, seed: seed, gamma: gamma,
                epsilon: epsilon, delta: delta, labelBudget: labelBudget
            ).run(ledger: try workspace.openLedger(create: true), gate: gate)
            let report = PickStatusReport(session)
            print(json ? ReportJSON.text(report) : "Started " + report.text())
            try LineageRecorder(workspace: workspace).record(
                step: "pick", command: "pick start --name \(name)",
                inputs: models.map { ("model-predictions", $0) } + [poolIds, inputs, poolInputs].compactMap { $0 }.map { ("production", $0) },
                decision: "session \(name) started: \(report.models.count) candidate models, \(report.poolSize) production items")
        }
    }

    struct Next: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "next",
            abstract: "Show the items to label now.",
            discussion: "Pending items first, then ModelPicker's next queries (skipping items it does not need) and the stopping rule's next draws, up to --batch. Asking again without labeling shows the same items.")

        @OptionGroup var options: SessionOptions

        @Option(name: .long, help: "How many items.")
        var batch = 10

        @OptionGroup var output: FormatOptions

        func validate() throws {
            guard batch >= 1 else { throw ValidationError("--batch: must be at least 1") }
        }

        func run() throws {
            let next = PickNextReport(try PickWorkflow.next(ledger: try options.open(), name: options.name, batch: batch))
            switch output.chosen {
            case .json: print(next.json)
            case .csv: print(next.csv, terminator: "")
            case .table: print(next.table)
            }
        }
    }

    struct Label: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "label",
            abstract: "Record labels: CSV files of `id,label` lines and/or id=label arguments.",
            discussion: "Labels may come in any order and late; an unknown id or class refuses the whole call (exit 2, nothing recorded).")

        @OptionGroup var options: SessionOptions

        @Argument(help: ArgumentHelp("Label files or id=label pairs.", valueName: "file-or-id=label"))
        var labels: [String]

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let given = try PickWorkflow.parseLabels(arguments: labels)
            let report = PickStatusReport(try PickWorkflow.label(ledger: try options.open(), name: options.name, given))
            print(json ? ReportJSON.text(report) : report.text())
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Label interactively: one item at a time (? help, s skip, q quit); resumable.")

        @OptionGroup var options: SessionOptions

        func run() throws {
            let loop = PickInteractiveLoop(readLine: { Swift.readLine() }, write: { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            })
            try loop.run(ledger: try options.open(), name: options.name)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Current best, beliefs, labels used and the guarantee reached so far.")

        @OptionGroup var options: SessionOptions

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let report = PickStatusReport(try PickSession.load(try options.open(), name: options.name))
            print(json ? ReportJSON.text(report) : report.text())
        }
    }

    struct Choose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "choose",
            abstract: "Stop the session now and record the model that serves from now on.",
            discussion: "Without --model: the certified model if the stopping rule holds, else ModelPicker's current best.")

        @OptionGroup var options: SessionOptions

        @Option(name: .long, help: "The model to choose.")
        var model: String?

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let report = PickStatusReport(try PickWorkflow.choose(ledger: try options.open(), name: options.name, model: model))
            print(json ? ReportJSON.text(report) : report.text())
            try LineageRecorder(workspace: try options.place.workspace()).record(
                step: "pick", command: "pick choose --name \(report.session)", inputs: [],
                decision: "session \(report.session): chose \(report.chosen ?? "no model") after \(report.labelsUsed) labels")
        }
    }

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Simulate ModelPicker and two baselines on a fully labeled pool.",
            discussion: """
                Runs the protocol of Karimi et al. (AISTATS 2021): per realization, a stream of items is \
                drawn from the pool without replacement in random order; the truth is the best model on \
                it; ModelPicker (with γ(B)), labeling uniformly among disagreement items, and labeling \
                uniformly at random each answer a model. Prints identification probability against \
                labels used. By default ModelPicker runs over the whole stream with γ(B) and answers at its \
                end (using about B labels); --stop-at B (repeatable) stops each stream after B labels and \
                answers then, the protocol of the paper's figures. With --epsilon, also simulates the certified \
                stopping rule.

                Example:
                  easeml-ci pick simulate --labels data/labels.csv data/model1.csv data/model2.csv data/model3.csv
                  easeml-ci pick simulate --labels data/labels.csv --stop-at 50 --stop-at 100 --budget 100:3.9 data/model*.csv

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

        @Option(name: .long, help: ArgumentHelp("Stop ModelPicker after B labels (repeatable; γ(B) from --budget B:γ, else the paper's).", valueName: "B"))
        var stopAt: [Int] = []

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
            let report = try PickSimulationReport.make(.init(
                labelsPath: labels, modelPaths: models, realizations: realizations, streamLength: streamLength,
                budgets: budget, stopAt: stopAt, seed: seed, epsilon: epsilon, delta: delta, labelBudget: labelBudget))
            print(json ? ReportJSON.text(report) : report.text())
        }
    }
}
