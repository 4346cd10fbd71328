import ArgumentParser
import EaseMLCI
import EaseMLLedger
import Foundation

/// The ledger and session id of the `clean` and `improve` subcommands.
struct SessionLedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: `ledger:` in .easeml.yml, else .git/easeml/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("The session's id in the ledger.", valueName: "id"))
    var session = "default"

    /// Opens the ledger; without `create`, a missing ledger is reported as a missing `command` session.
    func open(create: Bool, command: String) throws(EaseMLCIError) -> Ledger {
        guard let options = try? LedgerOptions.parse(ledger.map { ["--ledger", $0] } ?? []) else {
            throw .invalidOption(option: "--ledger", message: "not a usable path")
        }
        let path = try options.ledgerPathFromWorkingConfiguration()
        if !create && !FileManager.default.fileExists(atPath: path) {
            let message = "no \(command) session \(session): no ledger at \(path); start one with --train FILE --valid FILE"
            throw command == "cleaning" ? .cleaning(message: message) : .improvement(message: message)
        }
        return try LedgerLocation.open(path, create: create)
    }
}
