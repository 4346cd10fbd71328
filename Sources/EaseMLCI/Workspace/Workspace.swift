import EaseMLCore
import EaseMLLedger
import Foundation

/// Where a command works: the configuration it reads, the ledger it uses and the owner's key.
///
/// This is the one resolver every command goes through, so that they all agree on which
/// `.easeml.yml` applies and which ledger file it names:
///
/// - The configuration is `--config`, else the first `.easeml.yml` (or `.easeml.yaml`) in the
///   working folder or a parent. A file that exists but does not load is an error (with its
///   position) for every command that reads it — never a silent fallback to defaults.
/// - The ledger is `--ledger`, else `ledger:` of that configuration (relative to the file), else
///   `.git/easeml/ledger.sqlite` of the enclosing repository (so it is never committed by
///   accident). It travels with the remote of `--ledger-remote`, else `ledger_remote:`.
/// - The key is `EASEML_KEY`, else `--key-file`, else `EASEML_KEY_FILE`.
public struct Workspace: Sendable {
    /// What the command line says about the place (all optional).
    public struct Options: Sendable, Hashable {
        public var configPath: String?
        public var ledgerPath: String?
        public var ledgerRemote: String?
        public var keyFile: String?

        public init(configPath: String? = nil, ledgerPath: String? = nil, ledgerRemote: String? = nil, keyFile: String? = nil) {
            self.configPath = configPath
            self.ledgerPath = ledgerPath
            self.ledgerRemote = ledgerRemote
            self.keyFile = keyFile
        }
    }

    /// Whether a command reads `.easeml.yml`.
    public enum ConfigurationUse: Sendable {
        /// It needs one: none found is an error.
        case required
        /// It reads one when there is one (for `ledger:`, `ledger_remote:`, a default condition).
        case ifPresent
        /// It reads none (the command line says everything, e.g. `plan --condition`).
        case ignored
    }

    /// A configuration file and what it says.
    public struct Configuration: Sendable {
        public var config: EaseMLConfig
        /// The file, absolute.
        public var file: URL
        /// The path as messages show it (relative to the working folder when inside it).
        public var displayPath: String

        /// The folder of the file: relative paths in it (script, data, `ledger:`) start here.
        public var folder: URL { file.deletingLastPathComponent() }
    }

    /// The working folder, absolute.
    public let directory: URL
    public let options: Options
    public let environment: [String: String]
    /// The loaded configuration, `nil` when none applies.
    public let configuration: Configuration?

    /// Resolves the place of a command run in `directory`, loading the configuration as `use` says.
    public init(
        directory: URL, options: Options, environment: [String: String], configuration use: ConfigurationUse
    ) throws(EaseMLCIError) {
        self.directory = directory.standardizedFileURL
        self.options = options
        self.environment = environment
        switch use {
        case .ignored:
            configuration = nil
        case .required, .ifPresent:
            let file: URL?
            if let path = options.configPath {
                file = URL(fileURLWithPath: path, relativeTo: self.directory).standardizedFileURL
            } else {
                file = ConfigurationFile.locate(from: self.directory)
            }
            guard let file else {
                if case .required = use { throw .configurationNotFound(searchedFrom: self.directory.path) }
                configuration = nil
                return
            }
            let display = options.configPath ?? Self.relative(file, to: self.directory)
            configuration = Configuration(config: try ConfigurationFile.load(file, displayPath: display), file: file, displayPath: display)
        }
    }

    /// The place of this process: its working folder and environment.
    public static func current(_ options: Options, configuration use: ConfigurationUse) throws(EaseMLCIError) -> Workspace {
        try Workspace(
            directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), options: options,
            environment: ProcessInfo.processInfo.environment, configuration: use)
    }

    /// The configuration, or the error saying none was found.
    public func requireConfiguration() throws(EaseMLCIError) -> Configuration {
        guard let configuration else { throw .configurationNotFound(searchedFrom: directory.path) }
        return configuration
    }

    // MARK: The ledger

    /// The ledger file's path (see the type's documentation).
    public func ledgerPath() throws(EaseMLCIError) -> String { try ledgerPath(for: configuration) }

    /// The ledger file's path when `configuration` (a commit's own, read from git) is the one
    /// that applies.
    public func ledgerPath(for configuration: Configuration?) throws(EaseMLCIError) -> String {
        try LedgerLocation.resolve(
            explicit: options.ledgerPath.map { Ledger.isServerURL($0) ? $0 : absolute($0) }, environment: environment, configuration: configuration?.config,
            configurationFile: configuration?.file, from: directory)
    }

    /// Opens the ledger; without `create`, a missing file is `LedgerError.notFound` (exit 3).
    public func openLedger(create: Bool) throws(EaseMLCIError) -> Ledger {
        try LedgerLocation.open(try ledgerPath(), create: create)
    }

    /// The ledger when its file exists, else `nil` (for commands that only read and must create nothing).
    public func existingLedger() throws(EaseMLCIError) -> Ledger? {
        let path = try ledgerPath()
        if Ledger.isServerURL(path) {
            do { return try Ledger.open(at: path, create: false) } catch {
                if case .notFound = error { return nil }
                throw .ledger(error)
            }
        }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try LedgerLocation.open(path, create: false)
    }

    /// The ledger of a session (`clean`, `improve`): created when `create`, else it must exist,
    /// and `missing` (given the path) says how to start one.
    public func sessionLedger(create: Bool, missing: (String) -> EaseMLCIError) throws(EaseMLCIError) -> Ledger {
        let path = try ledgerPath()
        if !create && !Ledger.isServerURL(path) && !FileManager.default.fileExists(atPath: path) { throw missing(path) }
        return try LedgerLocation.open(path, create: create)
    }

    /// The remote the ledger travels with: `--ledger-remote`, else `ledger_remote:`, else `nil`.
    public var ledgerRemote: String? { options.ledgerRemote ?? configuration?.config.ledgerRemote }

    /// The travelling ledger when a remote is configured.
    public func travellingLedger() throws(EaseMLCIError) -> TravellingLedger? { try travellingLedger(for: configuration) }

    /// The travelling ledger when `configuration` (a commit's own) applies.
    public func travellingLedger(for configuration: Configuration?) throws(EaseMLCIError) -> TravellingLedger? {
        guard let remote = options.ledgerRemote ?? configuration?.config.ledgerRemote else { return nil }
        return TravellingLedger(remote: remote, directory: directory.path, ledgerPath: try ledgerPath(for: configuration), key: try key())
    }

    /// The travelling ledger, or a usage error naming how to configure one.
    public func requireTravellingLedger() throws(EaseMLCIError) -> TravellingLedger {
        guard let travelling = try travellingLedger() else {
            throw .invalidOption(option: "--ledger-remote", message: "no remote: set `ledger_remote:` in .easeml.yml or pass --ledger-remote")
        }
        return travelling
    }

    /// Runs `body` on the ledger as a charge: on the travelling ledger (fetched first, published
    /// before the outcome is returned) when a remote is configured, else on the local file.
    public func charging(_ body: (Ledger) throws(EaseMLCIError) -> GateCheck.Outcome) throws(EaseMLCIError) -> GateCheck.Outcome {
        try charging { (ledger) throws(EaseMLCIError) in
            let outcome = try body(ledger)
            return (outcome, outcome.answer != .refused && !outcome.replay)
        }
    }

    /// Runs `body` on the ledger as a possible charge; `body` says whether it charged (only then
    /// is a travelling ledger published, before the result is returned).
    public func charging<T>(_ body: (Ledger) throws(EaseMLCIError) -> (result: T, charged: Bool)) throws(EaseMLCIError) -> T {
        if let travelling = try travellingLedger() {
            return try travelling.updating(message: "easeml-ci: a charged evaluation") { (ledger) throws(EaseMLCIError) in
                let (result, charged) = try body(ledger)
                return (result, charged)
            }
        }
        return try body(try openLedger(create: false)).result
    }

    /// Runs `body` on the ledger as a change (an owner's registration): on the travelling ledger,
    /// published with `message`, when a remote is configured, else on the local file (created
    /// when missing).
    public func updating<T>(message: String, _ body: (Ledger) throws(EaseMLCIError) -> T) throws(EaseMLCIError) -> T {
        if let travelling = try travellingLedger() {
            return try travelling.updating(message: message) { (ledger) throws(EaseMLCIError) in (try body(ledger), true) }
        }
        return try body(try openLedger(create: true))
    }

    // MARK: The key

    /// The owner's key, or `nil` when none is configured.
    public func key() throws(EaseMLCIError) -> SealingKey? {
        do { return try SealingKey.resolve(keyFile: options.keyFile, environment: environment) } catch { throw .sealing(error) }
    }

    /// The owner's key, or an error saying that `purpose` needs it.
    public func requireKey(for purpose: String) throws(EaseMLCIError) -> SealingKey {
        guard let key = try key() else { throw .sealing(.missingKey(purpose: purpose)) }
        return key
    }

    // MARK: The gate's settings

    /// The gate's settings: the configuration's, with `overrides` applied; with no configuration,
    /// the built-in defaults and the overrides' condition (which then must be given).
    public func gateSettings(_ overrides: GateOverrides = GateOverrides()) throws(EaseMLCIError) -> GateSettings {
        var settings: GateSettings
        if let configuration {
            settings = GateSettings(configuration.config)
        } else if let condition = overrides.condition {
            settings = GateSettings(condition: condition, reliability: 0.999, mode: .fpFree, adaptivity: .full, steps: 1)
        } else {
            throw .configurationNotFound(searchedFrom: directory.path)
        }
        overrides.apply(to: &settings)
        return settings
    }

    /// A path given on the command line, absolute (relative to the working folder).
    public func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }

    static func relative(_ url: URL, to directory: URL) -> String {
        let base = directory.path.hasSuffix("/") ? directory.path : directory.path + "/"
        return url.path.hasPrefix(base) ? String(url.path.dropFirst(base.count)) : url.path
    }
}
