import ArgumentParser
import EaseMLCI
import Foundation

struct TestSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testset",
        abstract: "Register, list and retire hidden test sets (integration owner).",
        subcommands: [Add.self, Amend.self, List.self, Retire.self, Release.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a test set: its labels are sealed with the owner's key.",
            discussion: """
                The set is content-addressed (inputs and labels), its size is checked against the plan \
                of the current .easeml.yml, and its labels are encrypted (AES-256-GCM) into the ledger. \
                Labels: CSV `id,label`, one label per line, JSONL, or a .npy vector of integers.

                Example:
                  EASEML_KEY_FILE=~/.easeml.key easeml-ci testset add --labels test/labels.csv --inputs test/inputs

                \(ExitStatus.helpText)
                """)

        @OptionGroup var storage: LedgerOptions
        @OptionGroup var gate: GateOptions

        @Option(name: .long, help: ArgumentHelp("The labels file.", valueName: "file"))
        var labels: String

        @Option(name: .long, help: ArgumentHelp("The test inputs (a file or folder the prediction script reads).", valueName: "path"))
        var inputs: String?

        @Option(name: .long, help: "A name for the set (default: the labels file's name).")
        var name: String?

        @Flag(name: .long, help: "Register a set smaller than the plan needs, recording the weaker guarantee.")
        var force = false

        @Flag(name: .long, help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            let workspace = try storage.workspace(gate.configurationUse(storage.place.configuration))
            // Synthetic rows of `ingest augment` never become test data.
            let guardFile = LineageRecorder(workspace: workspace)
            try guardFile.refuseAugmented(labels, option: "--labels")
            if let inputs { try guardFile.refuseAugmented(inputs, option: "--inputs") }
            if let configuration = workspace.configuration, !gate.isEmpty {
                // `check` refuses a .easeml.yml that states another question than the registered one.
                throw EaseMLCIError.invalidOption(
                    option: "testset add",
                    message: "the question comes from \(configuration.displayPath): edit it rather than overriding it with flags (check refuses a .easeml.yml that states another question than the registered one)")
            }
            let key = try workspace.requireKey(for: "registering a test set")
            let settings = try workspace.gateSettings(try gate.overrides())
            let registration = TestSetRegistration(
                question: GateQuestion(settings: settings, models: workspace.configuration?.config.modelPaths ?? []), labelsPath: labels,
                inputsPath: inputs, name: name, force: force, expectedDisagreement: settings.expectedDisagreement)
            let report = try workspace.updating(message: "easeml-ci: register a test set") { (ledger) throws(EaseMLCIError) in
                try registration.register(in: ledger, key: key)
            }
            print(json ? ReportJSON.text(report) : report.text)
        }
    }

    struct Amend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "amend",
            abstract: "Record a new question for a test set, from .easeml.yml (integration owner; needs the key).",
            discussion: """
                `check` decides only with the question a test set was registered with, and refuses a \
                .easeml.yml that states another one. To change the condition, mode, reliability, variance \
                bound or model paths of a set in use, the owner edits .easeml.yml and runs this: the change \
                is recorded in the ledger, shown by `status`, and from then on verdicts are decided under the \
                union bound over both questions' transcripts (one more bit when each counts H or 2^H), which \
                the set must be large enough for (or --force, recorded). Adaptivity and steps cannot change: \
                register a new set for those. A set registered before questions were recorded gets its \
                question this way.

                \(ExitStatus.helpText)
                """)
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The test set id (a unique prefix; default: the newest usable set).") var id: String?
        @Flag(name: .long, help: "Amend even when the set is smaller than the new question needs (recorded).") var force = false
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace(.required)
            let key = try workspace.requireKey(for: "amending a test set's question")
            let config = try workspace.requireConfiguration().config
            let amendment = TestSetAmendment(
                question: GateQuestion(config), testSetID: id, force: force, expectedDisagreement: config.expectedDisagreement)
            let report = try workspace.updating(message: "easeml-ci: amend a test set's question") { (ledger) throws(EaseMLCIError) in
                try amendment.amend(in: ledger, key: key)
            }
            print(json ? ReportJSON.text(report) : report.text)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered test sets.")
        @OptionGroup var place: WorkspaceOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let report = try StatusReport.make(ledger: try place.workspace().openLedger(create: false))
            print(json ? report.json() : report.listText())
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retire", abstract: "Retire a test set: it answers no further checks (owner; needs the key).")
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The test set id (a unique prefix is enough).") var id: String
        @Option(name: .long, help: "Why it is retired.") var reason = "retired by the owner"
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace()
            let key = try workspace.requireKey(for: "retiring a test set")
            let retired = try TestSetRetirement.retire(id, reason: reason, in: try workspace.openLedger(create: false), key: key)
            let report = ActionReport(action: "testset retire", messages: ["Retired test set \(retired.prefix(12))."], testSet: retired)
            print(json ? ReportJSON.text(report) : report.text)
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Write a retired test set's labels out for developers (owner; recorded in the ledger).")
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The test set id (a unique prefix is enough).") var id: String
        @Option(name: .long, help: ArgumentHelp("Where to write the labels (CSV).", valueName: "file")) var output: String
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace()
            let key = try workspace.requireKey(for: "releasing labels")
            let released = try TestSetRelease.release(id, to: output, in: try workspace.openLedger(create: false), key: key)
            let report = ActionReport(
                action: "testset release", messages: ["Released the labels of test set \(released.prefix(12)) to \(output)."], paths: [output],
                testSet: released)
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}
