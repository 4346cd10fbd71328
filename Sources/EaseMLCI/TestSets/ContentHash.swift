import Crypto
import Foundation

/// SHA-256 content addresses for test sets and prediction columns (lower-case hex).
public enum ContentHash {
    /// The hash of a file, or of a folder's tree: sorted relative paths, each with its content hash.
    /// Files are read in 1 MiB chunks so large inputs do not fill memory.
    public static func ofPath(_ path: String) throws(EaseMLCIError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, reason: "no such file or folder")
        }
        if !isDirectory.boolValue { return try ofFile(path) }
        guard let enumerator = FileManager.default.enumerator(atPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot list the folder")
        }
        var entries: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var sub: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &sub), !sub.boolValue {
                entries.append(relative)
            }
        }
        var hasher = SHA256()
        for relative in entries.sorted() {
            hasher.update(data: Data("\(relative)\u{0}\(try ofFile(path + "/" + relative))\n".utf8))
        }
        return hex(hasher.finalize())
    }

    /// The hash of one file's bytes.
    public static func ofFile(_ path: String) throws(EaseMLCIError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot open it")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw .unreadableFile(path: path, reason: "\(error)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// The hash of a column's content: its ids (if any) and class names, independent of file format.
    public static func ofColumn(_ column: ClassColumn) -> String {
        var hasher = SHA256()
        let classBytes = column.classes.map { Array($0.utf8) }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 20 + 4096)
        for i in 0..<column.count {
            if let ids = column.ids {
                chunk.append(contentsOf: ids.idBytes(at: i))
                chunk.append(0)
            }
            chunk.append(contentsOf: classBytes[Int(column.codes[i])])
            chunk.append(0x0A)
            if chunk.count >= 1 << 20 {
                chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hex(hasher.finalize())
    }

    /// The hash of arbitrary bytes.
    public static func ofData(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The hash of arbitrary bytes in memory (`ofData` without a copy into `Data`).
    public static func ofBytes(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hex(hasher.finalize())
    }

    private static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
