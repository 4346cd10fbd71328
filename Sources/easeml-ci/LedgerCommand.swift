import ArgumentParser
import EaseMLCI
import Foundation

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Inspect the ledger.",
        subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain: detects edited, deleted or reordered entries (exit 1 if any).")
        @OptionGroup var storage: LedgerOptions
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try reportingErrors {
                let ledger = try LedgerLocation.open(try storage.ledgerPath(try? GateOptions.parse([]).resolveWithSource()), create: false)
                let report = try EaseMLLedgerVerification.run(ledger)
                print(json ? encodeJSON(report) : report.text)
                if !report.clean { throw ExitCode(ExitStatus.failure.rawValue) }
            }
        }
    }
}
