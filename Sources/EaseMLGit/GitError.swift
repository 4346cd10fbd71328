import CGit2

/// A failed libgit2 call, with libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// libgit2's error code (`GIT_ENOTFOUND` = −3, …).
    public var code: Int32
    /// What was being done, e.g. `resolve 'HEAD~2'`.
    public var operation: String
    /// libgit2's message.
    public var message: String

    public var description: String { "git: cannot \(operation): \(message)" }

    /// Whether libgit2 reported "not found".
    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

    /// Throws a `GitError` built from libgit2's last error when `result` is negative.
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GitError) {
        guard result < 0 else { return }
        throw GitError(code: result, operation: operation(), message: lastMessage())
    }

    static func lastMessage() -> String {
        guard let error = git_error_last(), let text = error.pointee.message else { return "unknown libgit2 error" }
        return String(cString: text)
    }
}
