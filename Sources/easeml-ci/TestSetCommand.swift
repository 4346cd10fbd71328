import ArgumentParser
import EaseMLCI
import EaseMLCore
import Foundation

struct TestSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testset",
        abstract: "Register, list and retire hidden test sets (integration owner).",
        subcommands: [Add.self, List.self, Retire.self, Release.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a test set: its labels are sealed with the owner's key.",
            discussion: """
                The set is content-addressed (inputs and labels), its size is checked against the plan \
                of the current .easeml.yml, and its labels are encrypted (AES-256-GCM) into the ledger. \
                Labels: CSV `id,label`, one label per line, JSONL, or a .npy vector of integers.

                Example:
                  EASEML_KEY_FILE=~/.easeml.key easeml-ci testset add --labels test/labels.csv --inputs test/inputs

                \(ExitStatus.helpText)
                """)

        @OptionGroup var gate: GateOptions
        @OptionGroup var storage: LedgerOptions

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
            try reportingErrors {
                let resolved = try gate.resolveWithSource()
                guard let key = try storage.key() else { throw EaseMLCIError.sealing(.missingKey(purpose: "registering a test set")) }
                let registration = TestSetRegistration(
                    settings: resolved.settings, labelsPath: labels, inputsPath: inputs, name: name, force: force)
                let report: TestSetRegistration.Report
                if let travelling = try storage.travelling(resolved) {
                    report = try travelling.updating(message: "easeml-ci: register a test set") { (ledger) throws(EaseMLCIError) in
                        (try registration.register(in: ledger, key: key), true)
                    }
                } else {
                    report = try registration.register(in: try LedgerLocation.open(try storage.ledgerPath(resolved), create: true), key: key)
                }
                if json {
                    print(ReportJSON.text(report))
                } else {
                    print("Registered test set \(report.id.prefix(12)) (\(report.name)): \(IntegerText.grouped(report.size)) examples, \(report.classes) classes.")
                    print("The plan (\(report.method)) needs \(IntegerText.grouped(report.plannedSize)); at this size the set supports \(report.supportedStepsAtLeast ? "at least " : "")\(IntegerText.grouped(report.supportedSteps)) step(s) (\(String(format: "%.4g", report.supportedBits)) bits); budget: \(report.steps) step(s), adaptivity \(report.adaptivity.rawValue).")
                    if report.forced { print("warning: registered below the planned size (--force): the guarantee holds only for \(report.supportedSteps) step(s).") }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered test sets.")
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try reportingErrors {
                let ledger = try LedgerLocation.open(try storage.ledgerPathFromWorkingConfiguration(), create: false)
                let report = try StatusReport.make(ledger: ledger)
                if json { print(report.json()); return }
                print(report.listText())
            }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire a test set: it answers no further checks.")
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The test set id (a unique prefix is enough).") var id: String
        @Option(name: .long, help: "Why it is retired.") var reason = "retired by the owner"

        func run() throws {
            try reportingErrors {
                let ledger = try LedgerLocation.open(try storage.ledgerPathFromWorkingConfiguration(), create: false)
                let retired = try TestSetRetirement.retire(id, reason: reason, in: ledger)
                print("Retired test set \(retired.prefix(12)).")
            }
        }
    }
}

extension TestSetCommand {
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a retired test set's labels out for developers (owner; recorded in the ledger).")
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The test set id (a unique prefix is enough).") var id: String
        @Option(name: .long, help: ArgumentHelp("Where to write the labels (CSV).", valueName: "file")) var output: String

        func run() throws {
            try reportingErrors {
                guard let key = try storage.key() else { throw EaseMLCIError.sealing(.missingKey(purpose: "releasing labels")) }
                let ledger = try LedgerLocation.open(try storage.ledgerPathFromWorkingConfiguration(), create: false)
                let released = try TestSetRelease.release(id, to: output, in: ledger, key: key)
                print("Released the labels of test set \(released.prefix(12)) to \(output).")
            }
        }
    }
}

