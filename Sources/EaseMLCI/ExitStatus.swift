/// The process exit codes of `easeml-ci` (DESIGN §8), the same for every command.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// The check passed, or the command succeeded.
    case success = 0
    /// The check failed: the condition does not hold with the configured guarantee.
    case failure = 1
    /// Bad usage, or an invalid configuration, condition or input file.
    case usageOrConfiguration = 2
    /// The test set is exhausted or unavailable.
    case testSetUnavailable = 3
    /// A bug or an environment problem (I/O, database) inside easeml-ci.
    case internalError = 4

    /// One line per code, for `--help` texts.
    public static let helpText = """
        Exit codes: 0 pass/success, 1 fail, 2 usage or configuration error, \
        3 test set exhausted or unavailable, 4 internal error.
        """
}
