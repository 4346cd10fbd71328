import EaseMLGit
import Foundation

/// `easeml-ci hooks install`: writes the pre-commit and pre-push hooks into the repository's hooks
/// folder (`core.hooksPath` when set). An existing hook that is not ours is kept and chained: it
/// is renamed to `<hook>.pre-easeml` and runs first; nothing is overwritten silently.
public struct HookInstaller {
    public static let hookNames = ["pre-commit", "pre-push"]
    static let marker = "# installed by easeml-ci hooks install"

    public struct Report: Sendable, Codable {
        public var folder: String
        public var installed: [String]
        /// Existing hooks that now run before ours, by hook name.
        public var chained: [String: String]

        /// What `hooks install` prints.
        public var text: String {
            (installed.map { "installed \($0)" }
                + chained.sorted(by: { $0.key < $1.key }).map { "kept the existing \($0.key) hook as \($0.value); it runs first" })
                .joined(separator: "\n")
        }
    }

    /// The `easeml-ci` executable the hooks call.
    public var executable: String

    public init(executable: String) {
        self.executable = executable
    }

    public func install(in directory: String) throws(EaseMLCIError) -> Report {
        let repository: GitRepository
        do { repository = try GitRepository.open(containing: directory) } catch { throw .git(error.description) }
        let folder = Self.folder(of: repository)
        let configuration = try? repository.stagedContents(of: ".easeml.yml")
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .unwritableFile(path: folder, reason: error.localizedDescription)
        }
        var report = Report(folder: folder, installed: [], chained: [:])
        for name in Self.hookNames {
            let path = folder + "/" + name
            let chainedPath = path + ".pre-easeml"
            if let existing = FileManager.default.contents(atPath: path),
                !String(decoding: existing, as: UTF8.self).contains(Self.marker)
            {
                guard !FileManager.default.fileExists(atPath: chainedPath) else {
                    throw .unwritableFile(path: path, reason: "both \(name) and \(name).pre-easeml exist; merge them by hand first")
                }
                do { try FileManager.default.moveItem(atPath: path, toPath: chainedPath) } catch {
                    throw .unwritableFile(path: path, reason: error.localizedDescription)
                }
                report.chained[name] = chainedPath
            }
            try AtomicFile.write(Data(script(for: name, fastPath: PreCommitFastPath.line(configuration: configuration ?? nil)).utf8), to: path)
            chmod(path, 0o755)
            report.installed.append(path)
        }
        return report
    }

    /// The folder git runs the repository's hooks from: `core.hooksPath` when set, else `.git/hooks`.
    static func folder(of repository: GitRepository) -> String {
        if let configured = repository.configValue("core.hooksPath") {
            let base = repository.workTree ?? repository.gitDirectory
            return configured.hasPrefix("/") ? configured : URL(fileURLWithPath: base).appendingPathComponent(configured).path
        }
        return URL(fileURLWithPath: repository.gitDirectory).appendingPathComponent("hooks").path
    }

    /// The hook script: runs a chained hook first (with the same standard input), then easeml-ci;
    /// the pre-commit hook first tries its fast path (`PreCommitFastPath`).
    func script(for name: String, fastPath: String = PreCommitFastPath.line(configuration: nil)) -> String {
        let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return """
            #!/bin/sh
            \(Self.marker)
            # Chained hook: the one that was here before easeml-ci, if any.
            hook_dir=$(dirname "$0")
            easeml=\(quoted)
            [ -x "$easeml" ] || easeml=easeml-ci
            if [ "\(name)" = "pre-push" ]; then
              input=$(cat)
              if [ -x "$hook_dir/\(name).pre-easeml" ]; then
                printf '%s\\n' "$input" | "$hook_dir/\(name).pre-easeml" "$@" || exit $?
              fi
              printf '%s\\n' "$input" | "$easeml" hook \(name) "$@"
              exit $?
            fi
            if [ -x "$hook_dir/\(name).pre-easeml" ]; then
              "$hook_dir/\(name).pre-easeml" "$@" || exit $?
            fi
            # Fast path: no candidate under the configuration this line was made from (easeml-ci
            # rewrites it when .easeml.yml changes); any doubt runs easeml-ci.
            \(fastPath)
            if [ -n "$easeml_fast" ] && [ "$(git rev-parse -q --verify :.easeml.yml 2>/dev/null)" = "$easeml_fast" ] \\
              && staged=$(git -c core.quotePath=true diff --cached --name-only --no-renames); then
              relevant=$(printf '%s\n' "$staged" | while IFS= read -r path; do
                if [ -n "$path" ] && easeml_relevant "$path"; then echo yes; break; fi
              done)
              [ -n "$relevant" ] || exit 0
            fi
            exec "$easeml" hook \(name) "$@"

            """
    }
}
