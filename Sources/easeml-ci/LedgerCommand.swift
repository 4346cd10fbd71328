import ArgumentParser
import EaseMLCI
import Foundation

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Inspect the ledger, move it between machines, or into a team ledger on PostgreSQL.",
        subcommands: [Verify.self, Pull.self, Push.self, Migrate.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
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
            commandName: "pull",
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
            commandName: "push",
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

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy the ledger into another, typically a team ledger on PostgreSQL, verifying both sides.",
            discussion: """
                Copies every event and row of the workspace's ledger (the file `--ledger`, `ledger:` or the \
                repository's default name; for the travelling ledger, `easeml-ci ledger pull` first) into \
                --to, which must hold no ledger yet. The source is verified before anything is written and \
                the copy after: both must have the same events and chain head, and with the owner's key \
                (EASEML_KEY, --key-file or EASEML_KEY_FILE) both are proven authentic. On any failure the \
                destination is left as it was. Then point the gate at the server: `ledger: postgresql://…` \
                in .easeml.yml or EASEML_LEDGER_URL (see docs/postgresql-ledger.md for the roles).

                Example:
                  easeml-ci ledger migrate --to postgresql://easeml_owner@db.internal/ledger?sslmode=verify-full

                \(ExitStatus.helpText) A source or copy that fails verification exits 3; an unreachable server exits 3.
                """)
        @OptionGroup var storage: LedgerOptions
        @Option(name: .long, help: ArgumentHelp("The destination: a postgresql:// URL (or a new SQLite file).", valueName: "url"))
        var to: String
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let workspace = try storage.workspace()
            let report = try LedgerMigration.run(from: try workspace.openLedger(create: false), to: to, key: try workspace.key())
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}
