import CGit2

/// Facts about the libgit2 library this binary is linked against.
public enum GitLibrary {
    /// The linked libgit2 version as `major.minor.revision`.
    public static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
