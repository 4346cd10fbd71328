import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// bubblewrap (`bwrap`, Debian's `bubblewrap`), when it is installed and works on this machine:
/// user namespaces may be disabled (a container's seccomp profile, a hardened kernel), so it is
/// tried once per process with the very arguments a script gets, running `/bin/true`.
enum Bubblewrap {
    /// The folders of the system a script may read (programs, libraries, `/etc`, `/opt` where CI
    /// images keep toolchains); a symbolic link among them (merged `/usr`) is kept as a link.
    static let systemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"]

    /// `bwrap`'s path when it works here, else why not.
    static let availability: Result<String, Unavailable> = probe()

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// The command line that runs `command` under `/bin/sh -c` in `workingDirectory` with: no
    /// network, its own pid namespace and `/proc` (no other process is visible), no capabilities,
    /// its own session, killed with its parent; the system folders and `readOnly` read-only,
    /// `writable` writable, an empty `/tmp`, and each of `hidden` that lies inside a visible
    /// folder replaced by an empty file or folder.
    static func arguments(
        bwrap: String, command: String, workingDirectory: String, readOnly: [String], writable: [String], hidden: [String]
    ) -> [String] {
        var arguments = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        for folder in systemFolders {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: folder) {
                arguments += ["--symlink", target, folder]
            } else if FileManager.default.fileExists(atPath: folder) {
                arguments += ["--ro-bind", folder, folder]
            }
        }
        arguments += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
        // Outer folders first, so a writable folder inside a read-only one (or the reverse) stays so.
        let binds = (readOnly.map { ($0, "--ro-bind") } + writable.map { ($0, "--bind") })
            .map { (real($0.0), $0.1) }
            .filter { FileManager.default.fileExists(atPath: $0.0) }
            .sorted { $0.0.count < $1.0.count }
        for (path, option) in binds { arguments += [option, path, path] }
        let visible = systemFolders + binds.map(\.0)
        for path in hidden.map(real) where visible.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            arguments += isFolder.boolValue ? ["--tmpfs", path] : ["--ro-bind", "/dev/null", path]
        }
        return arguments + ["--chdir", real(workingDirectory), "--", "/bin/sh", "-c", command]
    }

    /// `path` absolute, with symbolic links resolved (what `bwrap` mounts).
    static func real(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private static func probe() -> Result<String, Unavailable> {
        guard let path = Subprocess.executable(named: "bwrap") else { return .failure(Unavailable(description: "bwrap is not installed (Debian: apt-get install bubblewrap)")) }
        let scratch: URL
        do { scratch = try ScratchFolder.make("bwrap") } catch {
            return .failure(Unavailable(description: "\(error)"))
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments = Self.arguments(bwrap: path, command: "true", workingDirectory: scratch.path, readOnly: [scratch.path], writable: [], hidden: [])
        let options = Subprocess.Options(grouping: .session, timeoutSeconds: 20)
        guard let result = try? Subprocess.run(arguments, environment: ["PATH": "/usr/bin:/bin"], scratch: scratch, name: "probe", options: options),
            result.status == 0
        else {
            let reason = (try? String(contentsOf: scratch.appendingPathComponent("probe.stderr"), encoding: .utf8)) ?? ""
            let line = reason.split(whereSeparator: \.isNewline).first.map(String.init) ?? "it exited with an error"
            return .failure(Unavailable(description: "\(path) does not work here (\(line)); user namespaces may be disabled"))
        }
        return .success(path)
    }
}
