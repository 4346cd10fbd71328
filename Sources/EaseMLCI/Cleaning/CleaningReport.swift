/// What the `clean` subcommands print: `--json` gives `{"status", "next"?, "recorded"?}`.
public struct CleaningReport: Sendable, Encodable {
    public var status: CleaningStatus
    /// The rows to clean now, best first (`clean next`).
    public var next: [CleaningSuggestion]?
    /// The rows just recorded (`clean apply`, `clean import`).
    public var recorded: [Int]?
    /// A sentence said before the status (what was recorded or imported).
    public var message: String?

    public init(status: CleaningStatus, next: [CleaningSuggestion]? = nil, recorded: [Int]? = nil, message: String? = nil) {
        self.status = status
        self.next = next
        self.recorded = recorded
        self.message = message
    }

    enum CodingKeys: String, CodingKey { case status, next, recorded }

    public var text: String {
        if let next { return CleaningSuggestion.text(next, status: status) }
        return (message.map { $0 + "\n" } ?? "") + status.text()
    }
}
