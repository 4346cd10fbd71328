import Foundation

/// The files tests read, vendored in the repository under `Tests/Fixtures/` (see its README for each
/// file's origin and licence). Lookups throw `MissingFixture`, naming the path, so a missing file
/// fails the tests that need it instead of crashing the test process.
public enum Fixtures {
    /// The package's root folder (where `Package.swift` is), found from this file's path.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/Fixtures/`.
    public static let folder = packageRoot.appendingPathComponent("Tests/Fixtures", isDirectory: true)

    /// `Tests/Fixtures/PATH` (`data/iris.csv`, `data/emocontext`), which must exist.
    public static func url(_ path: String) throws(MissingFixture) -> URL {
        let url = folder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingFixture(path: path, absolutePath: url.path) }
        return url
    }

    /// The bytes of `Tests/Fixtures/PATH`.
    public static func data(_ path: String) throws -> Data {
        try Data(contentsOf: url(path))
    }

    /// The UTF-8 text of `Tests/Fixtures/PATH`.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }
}

/// A fixture file that is not where the tests expect it.
public struct MissingFixture: Error, CustomStringConvertible {
    /// The path below `Tests/Fixtures/`.
    public var path: String
    public var absolutePath: String

    public var description: String {
        "the test fixture Tests/Fixtures/\(path) is missing (\(absolutePath)); it is part of the repository: "
            + "restore it with `git checkout -- Tests/Fixtures` (Tests/Fixtures/README.md lists every file)"
    }
}

extension Fixtures {
    /// A CSV of `rows` examples with five uniform features and a `label` column (`yes`/`no`) drawn
    /// independently of them: data no classifier can learn, reproducible from `seed`.
    public static func pureNoiseCSV(rows: Int = 400, seed: UInt64 = 17) -> String {
        var rng = SeededGenerator(seed: seed)
        var csv = "x0,x1,x2,x3,x4,label\n"
        for _ in 0..<rows {
            csv += (0..<5).map { _ in String(format: "%.5f", Double.random(in: 0..<1, using: &rng)) }.joined(separator: ",")
            csv += ",\(Bool.random(using: &rng) ? "yes" : "no")\n"
        }
        return csv
    }
}
