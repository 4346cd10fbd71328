import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes output files (charts, reports) so that readers see either the old file or the whole new
/// one, never a partial file: the bytes go to a temporary file in the same folder, which is then
/// renamed over the target (`rename(2)` is atomic within one file system).
public enum AtomicFile {
    /// Writes `data` to `path` atomically. On failure nothing is left behind: neither a partial
    /// target nor the temporary file.
    public static func write(_ data: Data, to path: String) throws(EaseMLCIError) {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unwritableFile(path: path, reason: "the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o644]) else {
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritableFile(path: path, reason: "cannot create a file in \(folder.path)")
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritableFile(path: path, reason: reason)
        }
    }
}
