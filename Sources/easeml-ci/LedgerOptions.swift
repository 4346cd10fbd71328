import ArgumentParser
import EaseMLCI

/// `--config`: which `.easeml.yml` a command reads.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The configuration file (default: .easeml.yml here or in a parent folder).", valueName: "path"))
    var config: String?
}

/// `--config` and `--ledger`: the configuration and the ledger a command uses (see `Workspace`).
struct WorkspaceOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigOption

    @Option(name: .long, help: ArgumentHelp("The ledger file (default: `ledger:` in the configuration, else .git/easeml/ledger.sqlite).", valueName: "path"))
    var ledger: String?

    var options: Workspace.Options { Workspace.Options(configPath: configuration.config, ledgerPath: ledger) }

    /// The workspace of this process; a configuration file that does not load is an error.
    func workspace(_ use: Workspace.ConfigurationUse = .ifPresent) throws(EaseMLCIError) -> Workspace {
        try Workspace.current(options, configuration: use)
    }
}

/// The workspace options of the gate's commands: also the remote the ledger travels with and the
/// owner's key file.
struct LedgerOptions: ParsableArguments {
    @OptionGroup var place: WorkspaceOptions

    @Option(name: .long, help: ArgumentHelp("The git remote the ledger travels with (default: `ledger_remote:` in the configuration).", valueName: "remote"))
    var ledgerRemote: String?

    @Option(name: .long, help: ArgumentHelp("The owner's key file (default: EASEML_KEY, else EASEML_KEY_FILE).", valueName: "path"))
    var keyFile: String?

    var options: Workspace.Options {
        var options = place.options
        options.ledgerRemote = ledgerRemote
        options.keyFile = keyFile
        return options
    }

    func workspace(_ use: Workspace.ConfigurationUse = .ifPresent) throws(EaseMLCIError) -> Workspace {
        try Workspace.current(options, configuration: use)
    }
}

/// The workspace and session id of the `clean` and `improve` subcommands.
struct SessionLedgerOptions: ParsableArguments {
    @OptionGroup var place: WorkspaceOptions

    @Option(name: .long, help: ArgumentHelp("The session's id in the ledger (default: clean, or improve).", valueName: "id"))
    var session: String?

    /// The session id: `--session`, else the command's name.
    func id(_ command: String) -> String { session ?? command }
}
