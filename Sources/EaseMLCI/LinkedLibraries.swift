import EaseMLGit
import EaseMLLedger

/// The versions of the system libraries `easeml-ci` runs on, for `easeml-ci version`.
public struct LinkedLibraries: Sendable, Equatable, Codable {
    public var libgit2: String
    public var sqlite: String

    /// Reads the versions from the libraries loaded into this process.
    public static var current: LinkedLibraries {
        LinkedLibraries(libgit2: GitLibrary.version, sqlite: SQLiteLibrary.version)
    }
}

/// What `easeml-ci version` prints: `{"easeml_ci", "libgit2", "sqlite"}` under `--json`.
public struct VersionReport: Sendable, Equatable, Codable {
    public var easemlCI: String
    public var libraries: LinkedLibraries

    public static var current: VersionReport { VersionReport(easemlCI: EaseMLCIVersion.current, libraries: .current) }

    public var text: String { "easeml-ci \(easemlCI)\nlibgit2 \(libraries.libgit2)\nSQLite \(libraries.sqlite)" }

    enum CodingKeys: String, CodingKey { case easemlCI = "easeml_ci", libgit2, sqlite }

    public init(easemlCI: String, libraries: LinkedLibraries) {
        self.easemlCI = easemlCI
        self.libraries = libraries
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        easemlCI = try container.decode(String.self, forKey: .easemlCI)
        libraries = LinkedLibraries(libgit2: try container.decode(String.self, forKey: .libgit2), sqlite: try container.decode(String.self, forKey: .sqlite))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(easemlCI, forKey: .easemlCI)
        try container.encode(libraries.libgit2, forKey: .libgit2)
        try container.encode(libraries.sqlite, forKey: .sqlite)
    }
}
