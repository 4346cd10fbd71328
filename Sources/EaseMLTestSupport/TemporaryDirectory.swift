import Foundation

/// Fresh folders under the system's temporary directory, one per test.
public enum TemporaryDirectory {
    /// Creates an empty folder `PREFIX-UUID`; the caller removes it.
    public static func make(prefix: String = "easeml-ci-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Runs `body` with a fresh temporary folder, removed afterwards.
public func withTemporaryDirectory<T>(prefix: String = "easeml-ci-test", _ body: (URL) throws -> T) throws -> T {
    let url = try TemporaryDirectory.make(prefix: prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}
