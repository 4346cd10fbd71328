/// The result of a command that does one thing (writes a key or hook, retires a set, pushes the
/// ledger): the sentences printed as text, and under `--json` the same as
/// `{"action", "messages", "paths"?, "testSet"?, "commit"?}` (a field without a value is left out).
public struct ActionReport: Sendable, Codable, Equatable {
    /// The command, e.g. `testset retire`.
    public var action: String
    /// What was done, one sentence a line, as the text output prints it.
    public var messages: [String]
    /// Files written or installed.
    public var paths: [String]?
    /// The test set concerned (full id).
    public var testSet: String?
    /// The git commit made or fetched.
    public var commit: String?

    public init(action: String, messages: [String], paths: [String]? = nil, testSet: String? = nil, commit: String? = nil) {
        self.action = action
        self.messages = messages
        self.paths = paths
        self.testSet = testSet
        self.commit = commit
    }

    public var text: String { messages.joined(separator: "\n") }
}
