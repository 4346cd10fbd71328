import Foundation

/// Results of pure, costly computations kept as JSON files named by the hash of their key, in a
/// folder under `.git/easeml/` (never committed). A missing, unreadable or undecodable entry is
/// recomputed and rewritten atomically, so a damaged cache costs time, never a wrong answer.
///
/// The key must name everything the result depends on. `binaryIdentity` is part of every key, so a
/// rebuilt binary (changed code, same version number) never reads another build's results.
public struct ResultCache: Sendable {
    /// Where entries are kept, e.g. `.git/easeml/plan-cache`.
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// The value for `key`, from the cache when present, else `compute()`d and stored.
    public func value<Value: Codable>(
        forKey key: String, compute: () throws(EaseMLCIError) -> Value
    ) throws(EaseMLCIError) -> (value: Value, cached: Bool) {
        let file = folder.appendingPathComponent(ContentHash.ofData(Data((Self.binaryIdentity + "\n" + key).utf8)) + ".json")
        if let data = FileManager.default.contents(atPath: file.path), let value = try? JSONDecoder().decode(Value.self, from: data) {
            return (value, true)
        }
        let value = try compute()
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // A cache that cannot be written is only slower: the value is returned either way.
        if (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
            let data = try? encoder.encode(value)
        {
            try? AtomicFile.write(data, to: file.path)
        }
        return (value, false)
    }

    /// The running executable's path, size and modification time (one `stat`, no hashing).
    static let binaryIdentity: String = {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments.first ?? ""
        let attributes = (try? FileManager.default.attributesOfItem(atPath: path)) ?? [:]
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? -1
        return "\(EaseMLCIVersion.current)|\(path)|\(size)|\(modified)"
    }()
}
