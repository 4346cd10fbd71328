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
    /// A file opened now and written later: its temporary file exists from the start, so a path
    /// that cannot be written fails before anything irreversible happens (a check opens its
    /// reports before the charge: an unwritable path must not burn a step with nothing shown).
    public final class Reservation {
        public let path: String
        private let temporary: URL
        private var done = false

        /// Creates the temporary file next to `path`; throws `.unwritableFile` when it cannot.
        public init(_ path: String) throws(EaseMLCIError) {
            self.path = path
            temporary = try AtomicFile.temporary(for: path)
        }

        /// Writes `data` and moves it over `path`.
        public func commit(_ data: Data) throws(EaseMLCIError) {
            done = true
            do { try data.write(to: temporary) } catch {
                try? FileManager.default.removeItem(at: temporary)
                throw .unwritableFile(path: path, reason: error.localizedDescription)
            }
            try AtomicFile.move(temporary, over: path)
        }

        deinit { if !done { try? FileManager.default.removeItem(at: temporary) } }
    }

    /// Writes `data` to `path` atomically. On failure nothing is left behind: neither a partial
    /// target nor the temporary file.
    public static func write(_ data: Data, to path: String) throws(EaseMLCIError) {
        try Reservation(path).commit(data)
    }

    static func temporary(for path: String) throws(EaseMLCIError) -> URL {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .unwritableFile(path: path, reason: "the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o644]) else {
            throw .unwritableFile(path: path, reason: "cannot create a file in \(folder.path)")
        }
        return temporary
    }

    static func move(_ temporary: URL, over path: String) throws(EaseMLCIError) {
        let target = URL(fileURLWithPath: path)
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw .unwritableFile(path: path, reason: reason)
        }
    }
}
