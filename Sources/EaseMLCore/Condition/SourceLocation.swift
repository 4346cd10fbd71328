/// A position in a piece of source text (a condition string or a `.easeml.yml` file).
///
/// Lines and columns are 1-based and count Unicode scalars, so a caret printed under
/// `column` lines up with the character in a monospaced terminal for ASCII input.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int
    /// 0-based offset from the start of the text, in Unicode scalars.
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.offset < rhs.offset
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range `[start, end)` of source text.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// Length in Unicode scalars (at least 1, so a caret is always drawn).
    public var length: Int { max(1, end.offset - start.offset) }

    public var description: String { start.description }
}
