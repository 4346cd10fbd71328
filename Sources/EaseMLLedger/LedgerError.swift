/// Every failure the ledger can report. All public ledger API throws this type (typed throws).
///
/// Messages never contain labels, predictions or metrics: only paths, ids and SQLite's own text.
public enum LedgerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// SQLite reported an error. `code` is the extended result code, `message` SQLite's text, and
    /// `operation` what the ledger was doing (a statement or an action).
    case sqlite(code: Int32, message: String, operation: String)
    /// Another connection held the write lock for longer than the busy timeout (SQLITE_BUSY).
    /// Retrying later is safe: nothing was written.
    case busy(message: String, operation: String)
    /// The file exists but is not an SQLite database, is damaged, or is not an easeml ledger.
    case corrupt(path: String, message: String)
    /// `open(at:create: false)` on a path that does not exist.
    case notFound(path: String)
    /// The parent folder of a new ledger could not be created.
    case cannotCreateDirectory(path: String, message: String)
    /// The file was written by a newer easeml-ci whose schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A test set with this content hash is already registered.
    case alreadyRegistered(testSetID: String)
    /// No test set with this id is registered.
    case unknownTestSet(testSetID: String)
    /// A new test set's description is unusable (for example `steps < 1`).
    case invalidTestSet(String)
    /// A request (or a caller-supplied transaction body) was rejected; nothing was written.
    case invalidRequest(String)
    /// A stored row does not have the shape the schema promises (a hand-edited file).
    case inconsistent(String)
    /// An event that decides what the gate says was about to be written without the owner's key.
    case keyRequired(operation: String)
    /// No evaluation with this id (of this test set).
    case unknownEvaluation(id: Int64)
    /// The PostgreSQL server reported an error: `state` is its SQLSTATE (42501: permission denied).
    case postgres(state: String?, message: String, operation: String)
    /// The ledger server could not be reached or the connection broke: whatever was in flight is
    /// treated as not done (a charge is not revealed; retrying replays it if it did commit).
    case connectionLost(message: String, operation: String)
    /// The operation has no meaning for this kind of ledger (a snapshot of a server ledger).
    case unsupported(String)

    public var description: String {
        switch self {
        case let .sqlite(code, message, operation):
            return "SQLite error \(code) while \(operation): \(message)"
        case let .busy(message, operation):
            return "the ledger is busy (locked by another process) while \(operation): \(message); try again"
        case let .corrupt(path, message):
            return "\(path) is not a usable easeml ledger: \(message)"
        case let .notFound(path):
            return "no ledger at \(path) (create one by registering a test set)"
        case let .cannotCreateDirectory(path, message):
            return "cannot create the folder \(path) for the ledger: \(message)"
        case let .newerSchema(path, found, supported):
            return "\(path) uses ledger schema version \(found), but this easeml-ci only knows versions up to \(supported); upgrade easeml-ci"
        case let .alreadyRegistered(id):
            return "test set \(id) is already registered"
        case let .unknownTestSet(id):
            return "no test set \(id) in the ledger"
        case let .invalidTestSet(message):
            return "invalid test set: \(message)"
        case let .invalidRequest(message):
            return "invalid request: \(message)"
        case let .inconsistent(message):
            return "the ledger is inconsistent: \(message)"
        case let .keyRequired(operation):
            return "writing a `\(operation)` event needs the integration owner's key (EASEML_KEY, --key-file or EASEML_KEY_FILE)"
        case let .unknownEvaluation(id):
            return "no evaluation \(id) in the ledger"
        case let .postgres(state, message, operation):
            return "PostgreSQL error\(state.map { " \($0)" } ?? "") while \(operation): \(message)"
        case let .connectionLost(message, operation):
            return "the ledger server is unreachable (\(message)) while \(operation); nothing was revealed, try again"
        case let .unsupported(message):
            return message
        }
    }
}
