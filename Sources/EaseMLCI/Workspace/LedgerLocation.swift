import EaseMLCore
import EaseMLLedger
import Foundation

/// Where the ledger lives: `--ledger`, else `EASEML_LEDGER_URL`, else the configuration's `ledger:`
/// (a path relative to the configuration file), else `.git/easeml/ledger.sqlite` of the enclosing
/// repository, so that it is never committed by accident. A `postgresql://` URL names a team ledger
/// on a PostgreSQL server instead of a file (its password, if in the URL, is never printed; libpq
/// also reads `PGPASSWORD` and `~/.pgpass`). Commands reach it through `Workspace`.
public enum LedgerLocation {
    /// The variable that names a server ledger for every command (a CI secret, typically).
    public static let urlVariable = "EASEML_LEDGER_URL"

    static func resolve(
        explicit: String?, environment: [String: String], configuration: EaseMLConfig?, configurationFile: URL?, from directory: URL
    ) throws(EaseMLCIError) -> String {
        if let explicit { return explicit }
        if let url = environment[urlVariable], !url.isEmpty {
            guard Ledger.isServerURL(url) else {
                throw .invalidOption(option: urlVariable, message: "a postgresql:// URL, got something else (a file ledger is named with --ledger or `ledger:`)")
            }
            return url
        }
        if let path = configuration?.ledger {
            if Ledger.isServerURL(path) { return path }
            if path.hasPrefix("/") { return path }
            let base = configurationFile?.deletingLastPathComponent() ?? directory
            return base.appendingPathComponent(path).path
        }
        guard let gitDirectory = gitDirectory(from: directory) else {
            throw .noLedgerLocation("not inside a git repository: name the ledger with --ledger PATH or `ledger:` in .easeml.yml")
        }
        return gitDirectory.appendingPathComponent("easeml/ledger.sqlite").path
    }

    /// The `.git` folder of the repository enclosing `directory` (following a `gitdir:` file).
    public static func gitDirectory(from directory: URL) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(".git")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return candidate }
                if let text = try? String(contentsOf: candidate, encoding: .utf8), text.hasPrefix("gitdir:") {
                    let path = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
                    return path.hasPrefix("/") ? URL(fileURLWithPath: path) : current.appendingPathComponent(path)
                }
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// Opens the ledger, mapping errors.
    public static func open(_ path: String, create: Bool) throws(EaseMLCIError) -> Ledger {
        do { return try Ledger.open(at: path, create: create) } catch { throw .ledger(error) }
    }
}
