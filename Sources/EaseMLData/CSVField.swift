/// One field of the record a `CSVTokenizer` stands on: byte offsets into the tokenized buffer.
///
/// `start..<end` is the field's content: without the surrounding quotes of a quoted field, without
/// the surrounding spaces and tabs of an unquoted one. The bytes are those of the file, so a field
/// with doubled quotes (`hasEscapedQuotes`) must be read with `CSVTokenizer.string(_:)`, which
/// turns each `""` into `"`; any other field can be used in place.
public struct CSVField: Sendable, Hashable {
    public var start: Int
    public var end: Int
    /// The field was double-quoted in the file.
    public var isQuoted: Bool
    /// The content holds `""` pairs that each stand for one quote.
    public var hasEscapedQuotes: Bool

    @inlinable
    public init(start: Int, end: Int, isQuoted: Bool, hasEscapedQuotes: Bool) {
        self.start = start
        self.end = end
        self.isQuoted = isQuoted
        self.hasEscapedQuotes = hasEscapedQuotes
    }

    /// The number of content bytes (before unescaping).
    @inlinable public var count: Int { end - start }

    /// No content (an empty unquoted field, or `""`).
    @inlinable public var isEmpty: Bool { start == end }
}
