import ArgumentParser
import EaseMLCI
import EaseMLLedger
import Foundation

/// The ledger and session id of the `clean` and `improve` subcommands.
struct SessionLedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: `ledger:` in .easeml.yml, else .git/easeml/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("The session's id in the ledger (default: clean, or improve).", valueName: "id"))
    var session: String?

    /// The session id: `--session`, else the command's name.
    func id(_ command: String) -> String { session ?? command }

    /// Opens the ledger; without `create`, a missing ledger is reported as a missing session of
    /// `command` (`clean` or `improve`).
    func open(create: Bool, command: String) throws(EaseMLCIError) -> Ledger {
        guard let options = try? LedgerOptions.parse(ledger.map { ["--ledger", $0] } ?? []) else {
            throw .invalidOption(option: "--ledger", message: "not a usable path")
        }
        let path = try options.ledgerPathFromWorkingConfiguration()
        if !create && !FileManager.default.fileExists(atPath: path) {
            let message = "no \(command == "clean" ? "cleaning" : command) session \(id(command)): no ledger at \(path); start one with --train FILE \(command == "clean" ? "" : "--pool FILE ")--valid FILE"
            throw command == "clean" ? .cleaning(message: message) : .improvement(message: message)
        }
        return try LedgerLocation.open(path, create: create)
    }
}
