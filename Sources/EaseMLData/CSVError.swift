import EaseMLCore

/// CSV text that cannot be split into records, with the position of the problem.
public struct CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A quoted field has no closing quote before the end of the file.
        case unterminatedQuote
        /// Something other than spaces follows a closing quote before the next comma or line end.
        case textAfterClosingQuote
    }

    public var kind: Kind
    /// `file:line:column: error: …` with the line and a caret.
    public var diagnostic: Diagnostic

    public init(kind: Kind, diagnostic: Diagnostic) {
        self.kind = kind
        self.diagnostic = diagnostic
    }

    /// The 1-based line the problem is on.
    public var line: Int { diagnostic.range.start.line }

    public var description: String { diagnostic.description }
}
