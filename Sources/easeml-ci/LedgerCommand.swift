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
            abstract: "Check the ledger: its hash chain and every row against its events, and with the owner's key that it is authentic (exit 1 if not).",
            discussion: """
                Detects edited, inserted, deleted, reordered or truncated events and any edited, forged or \
                deleted row of any table. With the owner's key (EASEML_KEY, --key-file or EASEML_KEY_FILE) it \
                also proves the ledger authentic: every event that decides what the gate says carries a MAC \
                under a key derived from the owner's, so a ledger rewritten without the key fails even when its \
                hash chain was recomputed. Without the key only the structure is checked, and the output says so.

                \(ExitStatus.helpText)
                """)
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace()
            let report = try EaseMLLedgerVerification.run(try workspace.openLedger(create: false), key: try workspace.key())
            print(json ? ReportJSON.text(report) : report.text)
            if !report.clean { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the local ledger with the one travelling at the git remote (refs/easeml/ledger).")
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let travelling = try storage.workspace().requireTravellingLedger()
            let report: ActionReport
            if let commit = try travelling.pull() {
                report = ActionReport(action: "ledger pull", messages: ["Pulled the ledger from \(travelling.remote) (\(commit.abbreviated()))."], commit: commit.hex)
            } else {
                report = ActionReport(action: "ledger pull", messages: ["\(travelling.remote) has no ledger yet; the local one is unchanged."])
            }
            print(json ? ReportJSON.text(report) : report.text)
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the local ledger to the git remote, as a fast-forward only (it must extend the remote one).")
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let travelling = try storage.workspace().requireTravellingLedger()
            try travelling.publishLocal()
            let report = ActionReport(action: "ledger push", messages: ["Pushed the ledger to \(travelling.remote) (\(TravellingLedger.ref))."])
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}
