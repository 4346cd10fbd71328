import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the owner's key is within reach of a process started here. `predict` runs a commit's
/// script, which (without bwrap) runs as this user and reads what this user reads: the
/// environment of this process and of its ancestors (`/proc/PID/environ`) and the user's files.
/// Removing the key from the child's environment is no barrier, so `predict` refuses to start
/// while any of these holds a key.
public enum KeyExposure {
    /// The key file the README's set-up writes (`easeml-ci key generate --output ~/.easeml.key`);
    /// easeml-ci never reads it unless named, but a script could.
    public static func conventionalKeyFiles(home: String?) -> [String] {
        home.map { [$0 + "/.easeml.key"] } ?? []
    }

    /// Each place a key is reachable from, as a phrase; empty when none. `ancestors`: also the
    /// environments of this process's ancestors (visible to a script that runs without bwrap).
    public static func findings(environment: [String: String], ancestors: Bool) -> [String] {
        var found: [String] = []
        if let key = environment["EASEML_KEY"], !key.isEmpty { found.append("EASEML_KEY is set in its environment") }
        if let file = environment["EASEML_KEY_FILE"] { found.append("EASEML_KEY_FILE is set in its environment (\(file))") }
        for file in conventionalKeyFiles(home: environment["HOME"]) where access(file, R_OK) == 0 {
            found.append("the key file \(file) is readable")
        }
        guard ancestors else { return found }
        for pid in ProcessTable.ancestors() {
            guard let entries = ProcessTable.environment(of: pid) else { continue }
            let names = ["EASEML_KEY", "EASEML_KEY_FILE"].filter { name in
                entries.contains { $0.hasPrefix(name + "=") && $0.count > name.count + 1 }
            }
            for name in names {
                found.append("\(name) is set in the environment of its ancestor process \(pid) (\(ProcessTable.name(of: pid))), which a script without bwrap can read")
            }
        }
        return found
    }
}
