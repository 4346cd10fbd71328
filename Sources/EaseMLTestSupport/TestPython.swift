import Foundation

/// The Python interpreter of `.venv/` (made by `./install.sh` from `Tests/python-requirements.txt`),
/// which holds the real peers some tests drive: scikit-learn trials and a local Ray cluster.
public enum TestPython {
    /// The package's root folder (where `Package.swift` is).
    public static let packageRoot = Fixtures.packageRoot

    /// The folder of the virtual environment's executables (`python`, `ray`).
    public static let binDirectory = packageRoot.appendingPathComponent(".venv/bin")

    /// `.venv/bin/python`, or an error naming the set-up command when it is missing.
    public static func interpreter() throws -> URL {
        let url = binDirectory.appendingPathComponent("python")
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw MissingEnvironment(path: url.path) }
        return url
    }

    public struct MissingEnvironment: Error, CustomStringConvertible {
        public var path: String

        public init(path: String) { self.path = path }

        public var description: String { "\(path) is missing: run ./install.sh (it creates .venv from Tests/python-requirements.txt)" }
    }
}
