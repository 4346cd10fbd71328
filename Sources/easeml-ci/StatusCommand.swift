import ArgumentParser
import EaseMLCI
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every test set's budget: steps and bits used and left, and the evaluations so far.",
        discussion: ExitStatus.helpText)

    @OptionGroup var storage: LedgerOptions
    @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let ledger = try LedgerLocation.open(try storage.ledgerPath(try? GateOptions.parse([]).resolveWithSource()), create: false)
            let report = try StatusReport.make(ledger: ledger)
            print(json ? report.json() : report.text())
        }
    }
}
