import ArgumentParser
import EaseMLCI
import EaseMLCore
import EaseMLLedger
import Foundation

/// Where the ledger is and the owner's key file.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: `ledger:` in .easeml.yml, else .git/easeml/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("The owner's key file (default: EASEML_KEY, else EASEML_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    func ledgerPath(_ gate: (settings: GateSettings, config: EaseMLConfig?, file: URL?)?) throws(EaseMLCIError) -> String {
        try LedgerLocation.resolve(
            explicit: ledger, configuration: gate?.config, configurationFile: gate?.file,
            from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    func key() throws(EaseMLCIError) -> SealingKey? {
        do { return try SealingKey.resolve(keyFile: keyFile, environment: ProcessInfo.processInfo.environment) } catch {
            throw .sealing(error)
        }
    }
}
