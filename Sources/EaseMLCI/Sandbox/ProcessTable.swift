import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What Linux's `/proc` says about other processes: parents, environments, names. Elsewhere every
/// answer is empty.
enum ProcessTable {
    /// Every process id listed in `/proc`.
    static func all() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }

    /// The parent of `pid`: the field after the state, after the command name's closing parenthesis
    /// (a name may hold spaces and parentheses).
    static func parent(of pid: pid_t) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// The processes whose parent is `pid`.
    static func children(of pid: pid_t) -> Set<pid_t> {
        Set(all().filter { $0 != pid && parent(of: $0) == pid })
    }

    /// The chain of parents of this process, nearest first, up to and including init.
    static func ancestors() -> [pid_t] {
        var chain: [pid_t] = []
        var current = getpid()
        while let next = parent(of: current), next > 0, !chain.contains(next) {
            chain.append(next)
            current = next
        }
        return chain
    }

    /// The environment `pid` was started with (`NAME=value` entries), or `nil` when it cannot be read.
    static func environment(of pid: pid_t) -> [Substring]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\0")
    }

    /// The short command name of `pid` (`/proc/PID/comm`).
    static func name(of pid: pid_t) -> String {
        FileManager.default.contents(atPath: "/proc/\(pid)/comm").map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } ?? "?"
    }
}
