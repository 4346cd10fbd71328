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
