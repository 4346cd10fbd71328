import ArgumentParser
import EaseMLCI
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the gate's history of a branch (verdict, step, steps left per commit), like git log.",
        discussion: """
            Reads the notes under refs/notes/easeml; any clone with those notes shows the same history. \
            Each note is checked: with the owner's key by its MAC, else against the local ledger when there \
            is one. A note that is not the gate's is shown as FORGED and trusted by nothing; one that cannot \
            be checked here is marked unverified.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var storage: LedgerOptions
    @Argument(help: "Where to start (default HEAD).") var revision = "HEAD"
    @Option(name: [.customShort("n"), .customLong("max-count")], help: "How many commits.") var limit = 20
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--max-count must be at least 1, got \(limit)") }
    }

    func run() throws {
        let log = try GateLog.read(in: try storage.workspace(), revision: revision, limit: limit)
        print(json ? ReportJSON.text(log) : log.text())
    }
}
