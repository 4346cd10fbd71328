import ArgumentParser
import EaseMLCI
import Foundation

struct AutoMLCommand: ParsableCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Search the arms of the `automl:` section until its budget is spent, recording every trial in the ledger.",
            discussion: """
                Refuses to start when `train` or `valid` is (a link to, or a copy of) a registered test set's file.
                On SIGTERM/SIGINT no trial starts any more, local trials are killed and re-queued (unless they \
                finished ok meanwhile), Ray jobs are left running, the run stays unfinished and its leaderboard \
                so far is printed; the exit code is then 143 (SIGTERM) or 130 (SIGINT), 128 + the signal's number \
                as for a killed process, so a script stops there too.
                After a stop, a crash or a kill, `--resume` continues the newest unfinished run: finished trials are \
                kept, interrupted ones run again (with `backend: ray`, a job still running on the cluster is adopted \
                and one that ended meanwhile is recorded from its logs; no trial runs twice).

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Flag(name: .long, help: "Continue the newest unfinished run (or --run) instead of starting one.")
        var resume = false

        @Option(name: .customLong("run"), help: ArgumentHelp("The run to resume.", valueName: "id"))
        var runID: String?

        @Option(name: .long, help: ArgumentHelp("Where trial folders go (default: .easeml/automl next to the configuration).", valueName: "path"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("The budget in trials, instead of the configuration's.", valueName: "n"))
        var budgetTrials: Int?

        @Option(name: .long, help: ArgumentHelp("The budget in wall seconds, instead of the configuration's.", valueName: "s"))
        var budgetSeconds: Double?

        @Flag(name: .long, help: "Print the leaderboard as JSON on standard output; progress lines go to standard error.")
        var json = false

        func run() throws {
            let stop = StopSignals.install()
            // A terminal gets one updating progress line; CI logs and pipes get plain lines.
            let terminal = !json && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] != "true"
            let lines = json ? FileHandle.standardError : FileHandle.standardOutput
            let report = { (line: String) in
                if !terminal || !line.contains(": trial ") { lines.write(Data(((terminal ? "\r\u{1B}[K" : "") + line + "\n").utf8)) }
            }
            let progress: ((AutoMLSearchProgress) -> Void)? = terminal ? { state in FileHandle.standardOutput.write(Data(state.terminalLine.utf8)) } : nil
            let workspace = try place.workspace(.required)
            let outcome = try AutoMLRunRequest(budgetTrials: budgetTrials, budgetSeconds: budgetSeconds, outputRoot: output, resume: resume, runID: runID)
                .run(in: workspace, report: report, progress: progress, stopRequested: { stop.received })
            print(json ? outcome.leaderboard.json() : outcome.leaderboard.table())
            if outcome.stoppedBy == nil, let settings = workspace.configuration?.config.automl {
                let board = outcome.leaderboard
                try LineageRecorder(workspace: workspace).record(
                    step: "automl", command: "automl run", inputs: [("training", settings.train), ("validation", settings.valid)],
                    decision: "run \(board.run.id): \(board.rows.count) trials" + (board.best.map { best in
                        ", best \(best.arm)" + (best.score.map { " (validation \(board.run.metric) \(String(format: "%.4f", $0)))" } ?? "")
                    } ?? ", none succeeded"))
            }
            // The run is unfinished: exit as a shell reports a process ended by the signal.
            if let signal = outcome.stoppedBy { throw ExitCode(StopSignals.exitCode(signal)) }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Write a trial script and the matching `automl:` section into .easeml.yml.",
            discussion: """
                --preset sklearn writes automl_sklearn.py (scikit-learn: SVM, k-NN and logistic regression each \
                with and without a scaler, random forest, extra trees, histogram gradient boosting, on grids; \
                reads CSV files with a label column, prints EASEML_RESULT, pickles the model into the trial \
                folder; one long-lived worker imports scikit-learn once and runs every trial) and appends an \
                `automl:` section to the configuration, leaving the rest of the file as it is, plus a `script:` \
                that predicts with the model `automl propose` commits, when the file has none. Without a \
                configuration (a fresh repository) it creates .easeml.yml — at --config, else at the \
                repository's root — with the default gate of `easeml-ci init`. `.easeml/` (trial folders) is \
                added to the .gitignore beside it. An existing script or `automl:` section is replaced only \
                with --force.

                Example:
                  easeml-ci automl init --preset sklearn --train data/train.csv --valid data/valid.csv --python .venv/bin/python

                \(ExitStatus.helpText)
                """)

        @Option(name: .long, help: ArgumentHelp("The preset: sklearn.", valueName: "name"))
        var preset: String

        @OptionGroup var configuration: ConfigOption

        @Option(name: .long, help: ArgumentHelp("Where the trial script goes (default: automl_sklearn.py next to the configuration).", valueName: "path"))
        var script: String?

        @Option(name: .long, help: ArgumentHelp("The training CSV (relative to the configuration's folder).", valueName: "path"))
        var train = "data/train.csv"

        @Option(name: .long, help: ArgumentHelp("The validation CSV (relative to the configuration's folder).", valueName: "path"))
        var valid = "data/valid.csv"

        @Option(name: .long, help: ArgumentHelp("The label column of the CSV files.", valueName: "column"))
        var label = "label"

        @Option(name: .long, help: ArgumentHelp("The Python interpreter with scikit-learn (`python:`).", valueName: "path"))
        var python = AutoMLPreset.defaultPython

        @Option(name: .long, help: ArgumentHelp("The budget in trials (default: every arm once).", valueName: "n"))
        var trials = AutoMLPreset.armCount

        @Flag(name: .long, help: "Replace an existing script or `automl:` section.")
        var force = false

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func validate() throws {
            guard AutoMLPreset.names.contains(preset) else {
                throw ValidationError("--preset: unknown preset `\(preset)`; the presets are " + AutoMLPreset.names.joined(separator: ", "))
            }
            guard trials >= 1 else { throw ValidationError("--trials: must be ≥ 1, got \(trials)") }
        }

        func run() throws {
            let result = try AutoMLPreset.install(
                in: try Workspace.current(Workspace.Options(configPath: configuration.config), configuration: .ignored), scriptPath: script,
                train: train, valid: valid, label: label, python: python, trials: trials, force: force)
            print(json ? ReportJSON.text(result) : result.text)
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show what `automl run` would do, without running anything.",
            discussion: """
                Prints the arms (candidate, parameters, GP prior mean and sd, expected seconds), the budget, \
                the per-trial limits, the workers, the policy applied, whether the prior is learned from \
                earlier runs in the ledger or the arms are independent, whether expected costs are known, \
                and the result of the data check (train and valid must not be a test set's inputs or labels).

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        @Flag(name: .long, help: "Print only the files the search depends on (configuration, train, valid, trial programs), one absolute path a line.")
        var paths = false

        func validate() throws {
            if json && paths { throw ValidationError("--json and --paths ask for different outputs; give one") }
        }

        func run() throws {
            let plan = try AutoMLPlan.make(in: try place.workspace(.required))
            print(paths ? plan.watchedPaths.joined(separator: "\n") : json ? ReportJSON.text(plan) : plan.text())
        }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Search for several tenants at once, sharing the workers across them (multi-tenant Ease.ML).",
            discussion: """
                --tenants names a YAML file: `tenants:` (each `{name, config}` with an `automl:` section, or \
                `{name, train, valid}`), and `budget`, `workers`, `policy`, `seed`, `timeout`, `memory_mb`, \
                `python`. Every tenant also searches every candidate of the --zoo file (`candidates:`), which \
                is re-read between scheduling rounds: adding a candidate gives every tenant new arms. Each \
                tenant's trials go to its own run in the ledger and run on the backend of its `automl:` section \
                (local or ray; a tenant with only train/valid runs locally). Stops when the budget is spent or \
                when every arm has run and there is no zoo (the runs are then done). On SIGTERM/SIGINT local \
                trials are killed and re-queued, Ray jobs are left running, and the runs stay unfinished: \
                `--resume` (after a stop or a crash) continues every tenant's unfinished run, keeping finished \
                trials and zoo arms, re-queuing interrupted local trials and adopting Ray jobs (no trial runs twice).

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Option(name: .long, help: ArgumentHelp("The tenants file (YAML).", valueName: "file"))
        var tenants: String

        @Option(name: .long, help: ArgumentHelp("The shared model zoo (YAML `candidates:`), re-read between rounds.", valueName: "file"))
        var zoo: String?

        @Option(name: .long, help: ArgumentHelp("Where trial folders go (default: .easeml/automl next to the tenants file).", valueName: "path"))
        var output: String?

        @Flag(name: .long, help: "Continue each tenant's unfinished run (after a stop or a crash) instead of starting new ones.")
        var resume = false

        @Flag(name: .long, help: "Print the runs' leaderboards as JSON on standard output; event lines go to standard error.")
        var json = false

        func run() throws {
            let stop = StopSignals.install()
            let lines = json ? FileHandle.standardError : FileHandle.standardOutput
            let boards = try AutoMLServe.serve(
                in: try place.workspace(), tenantsPath: tenants, zooPath: zoo, outputRoot: output, resume: resume,
                report: { line in lines.write(Data((line + "\n").utf8)) }, stopRequested: { stop.received })
            if json { print(ReportJSON.text(boards.map(\.jsonShape))) }
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose",
            abstract: "Commit the best trial's model and configuration on the branch easeml/automl/<base>/<run>, leaving the working tree untouched.",
            discussion: """
                The commit, on top of HEAD, holds the best trial's model artifact (the `model` of its result, else \
                model.pkl in its trial folder) at automl-model.pkl in the first folder of `models:` (so the commit is \
                a candidate and the `script:` that `automl init --preset sklearn` wrote predicts with it), and \
                easeml-automl.json (arm, parameters, score, paths relative to the repository). \
                `easeml-ci check --commit easeml/automl/<base>/<run>` then judges it.

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Option(name: .customLong("run"), help: ArgumentHelp("The run (default: the newest).", valueName: "id"))
        var runID: String?

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let workspace = try place.workspace()
            let result = try AutoMLProposalCommit.propose(ledger: try workspace.openLedger(create: false), run: runID, in: workspace)
            print(json ? ReportJSON.text(result) : result.text)
            if let settings = workspace.configuration?.config.automl {
                try LineageRecorder(workspace: workspace).record(
                    step: "propose", command: "automl propose", inputs: [("training", settings.train), ("validation", settings.valid)],
                    decision: AutoMLProposalCommit.lineageDecision(result))
            }
        }
    }

    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove trial folders no longer needed from .easeml/automl.",
            discussion: """
                Removes every trial folder of a finished run except its best arm's (what `automl propose` \
                commits; --all removes it too) and the folders of runs the ledger does not know. Unfinished \
                runs are kept whole, for `automl run --resume`. --dry-run lists what would go.

                \(ExitStatus.helpText)
                """)

        @OptionGroup var place: WorkspaceOptions

        @Option(name: .long, help: ArgumentHelp("The trial folders' root (default: .easeml/automl next to the configuration).", valueName: "path"))
        var output: String?

        @Flag(name: .long, help: "Remove the best arms' folders too.")
        var all = false

        @Flag(name: .long, help: "List what would be removed, remove nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let workspace = try place.workspace()
            let report = try AutoMLGarbageCollector(root: workspace.automlOutputRoot(output), all: all, dryRun: dryRun)
                .collect(ledger: try workspace.openLedger(create: false))
            print(json ? ReportJSON.text(report) : report.text)
        }
    }

    struct Leaderboard: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "leaderboard", abstract: "Rank a run's trials (default: the newest run).")

        @OptionGroup var place: WorkspaceOptions

        @Option(name: .customLong("run"), help: ArgumentHelp("The run.", valueName: "id"))
        var runID: String?

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let board = try AutoMLLeaderboard(ledger: try place.workspace().openLedger(create: false), run: runID)
            print(json ? board.json() : board.table())
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "automl",
        abstract: "Multi-tenant model search (Ease.ML): GP-UCB per tenant, a policy across tenants.",
        subcommands: [Init.self, Plan.self, Run.self, Serve.self, Leaderboard.self, Propose.self, GC.self, Simulate.self]
    )

    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Replay a score/cost matrix offline: mean time until the global regret ≤ ε, per policy.",
            discussion: """
                Each split serves its tenants (data sets) from one pool of workers; the other data sets' \
                scores give every tenant its GP prior and their fit times the expected costs of \
                `cost_gap`. A trial takes one unit (clock `evaluations`) or the matrix's fit seconds \
                (clock `seconds`). With --tenants, prints the first picks of one run instead.

                Example:
                  easeml-ci automl simulate --matrix sk_matrix.csv --splits splits.json
                  easeml-ci automl simulate --matrix sk_matrix.csv --tenants iris wine --row evaluations:max_gap

                \(ExitStatus.helpText)
                """)

        @Option(name: .long, help: ArgumentHelp("The score/cost matrix (CSV dataset,model,val_accuracy,fit_seconds).", valueName: "file"))
        var matrix: String

        @Option(name: .long, help: ArgumentHelp("The tenant/prior splits (JSON {\"splits\": [{\"tenants\": …, \"prior\": …}]}).", valueName: "file"))
        var splits: String?

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Trace one run with these tenants (the prior: all other data sets).", valueName: "dataset"))
        var tenants: [String] = []

        @Option(name: .long, help: ArgumentHelp("Use only the first n splits.", valueName: "n"))
        var first: Int?

        @Option(name: .long, help: ArgumentHelp("A clock and policy, CLOCK:POLICY (repeatable; default: the reference rows).", valueName: "clock:policy"))
        var row: [String] = []

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("The regret levels (default: 0.05 0.02 0.01 0).", valueName: "ε"))
        var epsilon: [Double] = []

        @Option(name: .long, help: "Trials in flight at once.")
        var workers = 1

        @Option(name: .long, help: "The seed of the random policy.")
        var seed: UInt64 = 1

        @Option(name: .long, help: ArgumentHelp("Multiplies GP-UCB's β (less than 1 exploits more).", valueName: "m"))
        var betaMultiplier = 1.0

        @Option(name: .long, help: ArgumentHelp("Trials shown per trace.", valueName: "n"))
        var traceLength = 24

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let report = try AutoMLSimulationReport.make(.init(
                matrixPath: matrix, splitsPath: splits, tenants: tenants, splitLimit: first, rows: try row.map(AutoMLSimulationReport.parseRow),
                epsilons: epsilon, workers: workers, seed: seed,
                betaMultiplier: betaMultiplier, traceLength: traceLength))
            print(json ? ReportJSON.text(report) : report.text())
        }
    }
}
