import Crypto
import EaseMLCore
import EaseMLGit
import Foundation

/// The pre-commit hook's fast path: the installed hook decides in `/bin/sh`, without starting
/// easeml-ci, that a commit is no candidate — the common case, a commit that touches no model.
///
/// It is one line of the hook (the only one starting with `easeml_fast=`): the git blob id of the
/// `.easeml.yml` it was made from and a `case` pattern of every path that would make a commit a
/// candidate under that configuration (`ModelPathMatcher`'s model paths, each also as `path/*`;
/// the feasibility data; `.easeml.yml`; any path git quotes). While the staged `.easeml.yml` is
/// that blob, a commit whose staged paths match none of them exits 0 at once; anything else runs
/// `easeml-ci hook pre-commit`, which rewrites the line when the configuration changed.
///
/// The shell pattern matches at least what `ModelPathMatcher` matches (`case` and `fnmatch(3)`
/// without flags agree on `*` and `?`, and `path/*` also covers the literal prefix), so the fast
/// path never skips a candidate; a pattern with characters outside a plain set (brackets,
/// backslashes, quotes, white space) turns the fast path off (`easeml_fast=''`).
enum PreCommitFastPath {
    static let prefix = "easeml_fast="

    /// The hook line for the configuration `data` (the staged `.easeml.yml`; nil: none).
    static func line(configuration data: Data?) -> String {
        let off = prefix + "''"
        guard let data,
            let config = try? ConfigLoader(parseCondition: { try ConditionParser.parse($0) })
                .load(contentsOf: String(decoding: data, as: UTF8.self), file: ".easeml.yml")
        else { return off }
        var patterns = ["\\\"*", ".easeml.yml"]
        for model in config.modelPaths {
            let path = ModelPathMatcher.normalized(model)
            guard safe(path) else { return off }
            patterns += [path, path + "/*"]
        }
        for path in config.feasibility?.dataPaths ?? [] {
            guard safe(path) else { return off }
            patterns.append(path)
        }
        return prefix + "'" + blobID(data) + "'; easeml_relevant() { case \"$1\" in " + patterns.joined(separator: "|")
            + ") return 0 ;; esac; return 1; }"
    }

    /// Rewrites the fast-path line of the pre-commit hook in `folder` when it is not the one for
    /// `data`; a hook easeml-ci did not write, or one without the line, is left alone.
    static func refresh(hooksFolder folder: String, configuration data: Data?) {
        let path = folder + "/pre-commit"
        guard let existing = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: existing, as: UTF8.self)
        guard text.contains(HookInstaller.marker) else { return }
        let wanted = line(configuration: data)
        var lines = text.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }), lines[index] != wanted else { return }
        lines[index] = wanted
        try? AtomicFile.write(Data(lines.joined(separator: "\n").utf8), to: path)
        chmod(path, 0o755)
    }

    /// The characters a pattern may hold for the shell: nothing `case` would read as syntax or
    /// as a bracket expression.
    private static func safe(_ path: String) -> Bool {
        !path.isEmpty && path.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-/*?+@%,=:~".unicodeScalars.contains(scalar))
        }
    }

    /// Git's id of a blob with these bytes (SHA-1 of `blob <size>\0` and the bytes).
    static func blobID(_ data: Data) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: Data("blob \(data.count)\u{0}".utf8))
        hasher.update(data: data)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
