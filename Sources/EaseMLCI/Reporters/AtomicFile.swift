import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writes whole files atomically: a temporary file in the same folder, then `rename(2)`, so a
/// failure never leaves a half-written report behind.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws(EaseMLCIError) {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            throw .unreadableFile(path: path, reason: "cannot write it: \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .unreadableFile(path: path, reason: "cannot write it: \(reason)")
        }
    }
}
