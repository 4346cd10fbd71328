import EaseMLCore
import EaseMLGit
import Foundation

/// A commit's own `.easeml.yml` and prediction script, read from the commit (never the working
/// directory), and its tree exported to a temporary folder on demand.
struct CommitSnapshot {
    var id: GitObjectID
    var config: EaseMLConfig
    /// How diagnostics name the configuration: `abc1234:.easeml.yml`.
    var configName: String

    /// Reads and validates the configuration of commit `id`.
    init(_ id: GitObjectID, in repository: GitRepository) throws(EaseMLCIError) {
        self.id = id
        configName = "\(id.abbreviated()):.easeml.yml"
        let text: Data
        do {
            guard let data = try repository.contents(of: ".easeml.yml", at: id) else {
                throw EaseMLCIError.git("commit \(id.abbreviated()) has no .easeml.yml")
            }
            text = data
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
        do {
            config = try ConfigLoader(parseCondition: { try ConditionParser.parse($0) })
                .load(contentsOf: String(decoding: text, as: UTF8.self), file: configName)
        } catch {
            throw .configuration(error)
        }
    }

    /// The commit's `script`, or a configuration error saying it is needed for `purpose`.
    func script(for purpose: String) throws(EaseMLCIError) -> String {
        guard let script = config.script else {
            let start = SourceLocation(line: 1, column: 1, offset: 0)
            throw .configuration(ConfigError(kind: .missingKey, diagnostic: Diagnostic(
                file: configName, range: SourceRange(start: start, end: start),
                message: "\(purpose) needs `script:`, the command that writes the model's predictions")))
        }
        return script
    }

    /// Exports the commit's tree into a fresh temporary folder (the caller removes it).
    func export(from repository: GitRepository) throws(EaseMLCIError) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-ci-commit-\(id.abbreviated(12))-\(UUID().uuidString)")
        do { try repository.exportTree(of: id, to: folder.path) } catch { throw .git(error.description) }
        return folder
    }
}
