import ArgumentParser
import EaseMLCI
import EaseMLCore
import EaseMLLedger
import Foundation

/// Where the ledger is and the owner's key file.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file (default: `ledger:` in .easeml.yml, else .git/easeml/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    @Option(name: .long, help: ArgumentHelp("The git remote the ledger travels with (default: `ledger_remote:` in .easeml.yml).", valueName: "remote"))
    var ledgerRemote: String?

    @Option(name: .long, help: ArgumentHelp("The owner's key file (default: EASEML_KEY, else EASEML_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    func ledgerPath(_ gate: (settings: GateSettings, config: EaseMLConfig?, file: URL?)?) throws(EaseMLCIError) -> String {
        try LedgerLocation.resolve(
            explicit: ledger, configuration: gate?.config, configurationFile: gate?.file,
            from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// The travelling ledger, when a remote is configured.
    func travelling(_ gate: (settings: GateSettings, config: EaseMLConfig?, file: URL?)?) throws(EaseMLCIError) -> TravellingLedger? {
        guard let remote = ledgerRemote ?? gate?.config?.ledgerRemote else { return nil }
        return TravellingLedger(remote: remote, directory: FileManager.default.currentDirectoryPath, ledgerPath: try ledgerPath(gate))
    }

    /// The ledger path for commands that take no gate options: `--ledger`, else the `.easeml.yml`
    /// found here or above (when it loads), else `.git/easeml/ledger.sqlite`.
    func ledgerPathFromWorkingConfiguration() throws(EaseMLCIError) -> String {
        try ledgerPath(try? GateOptions.parse([]).resolveWithSource())
    }

    /// The travelling ledger, or a usage error naming how to configure one.
    func requireTravelling() throws(EaseMLCIError) -> TravellingLedger {
        guard let travelling = try travelling(try? GateOptions.parse([]).resolveWithSource()) else {
            throw .invalidOption(option: "--ledger-remote", message: "no remote: set `ledger_remote:` in .easeml.yml or pass --ledger-remote")
        }
        return travelling
    }

    func key() throws(EaseMLCIError) -> SealingKey? {
        do { return try SealingKey.resolve(keyFile: keyFile, environment: ProcessInfo.processInfo.environment) } catch {
            throw .sealing(error)
        }
    }
}
