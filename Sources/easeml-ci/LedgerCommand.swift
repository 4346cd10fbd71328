import ArgumentParser
import EaseMLCI
import Foundation

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Inspect the ledger.",
        subcommands: [Verify.self, Pull.self, Push.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain: detects edited, deleted or reordered entries (exit 1 if any).")
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try reportingErrors {
                let ledger = try LedgerLocation.open(try storage.ledgerPathFromWorkingConfiguration(), create: false)
                let report = try EaseMLLedgerVerification.run(ledger)
                print(json ? ReportJSON.text(report) : report.text)
                if !report.clean { throw ExitCode(ExitStatus.failure.rawValue) }
            }
        }
    }

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the local ledger with the one travelling at the git remote (refs/easeml/ledger).")
        @OptionGroup var storage: LedgerOptions

        func run() throws {
            try reportingErrors {
                let travelling = try storage.requireTravelling()
                if let commit = try travelling.pull() {
                    print("Pulled the ledger from \(travelling.remote) (\(commit.abbreviated())).")
                } else {
                    print("\(travelling.remote) has no ledger yet; the local one is unchanged.")
                }
            }
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the local ledger to the git remote, as a fast-forward only (it must extend the remote one).")
        @OptionGroup var storage: LedgerOptions

        func run() throws {
            try reportingErrors {
                let travelling = try storage.requireTravelling()
                try travelling.publishLocal()
                print("Pushed the ledger to \(travelling.remote) (\(TravellingLedger.ref)).")
            }
        }
    }
}
