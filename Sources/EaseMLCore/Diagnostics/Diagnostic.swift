/// A problem found in user input, pointing at the offending text.
///
/// Rendered in the style of compilers:
///
///     .easeml.yml:3:22: error: unknown variable `acc`; the variables are n, o and d
///       condition: n - acc > 0.02 +/- 0.01
///                      ^~~
///
/// Library code throws errors that carry a `Diagnostic`; the command line renders it once.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The file the text came from, if any (`nil` for a condition given on the command line).
    public var file: String?
    /// Where the problem is. Lines and columns are those of `file` when it is set.
    public var range: SourceRange
    /// What is wrong, as one sentence without a trailing period.
    public var message: String
    /// The full text of the line `range.start` lies on, for drawing the caret.
    public var sourceLine: String?
    /// An optional hint, e.g. `did you mean 'reliability'?`.
    public var hint: String?

    public init(
        file: String? = nil, range: SourceRange, message: String, sourceLine: String? = nil,
        hint: String? = nil
    ) {
        self.file = file
        self.range = range
        self.message = message
        self.sourceLine = sourceLine
        self.hint = hint
    }

    /// The same diagnostic placed inside a larger text: `origin` is where this diagnostic's
    /// line 1, column 1 sits in that text (for a condition embedded in a YAML file).
    public func relocated(
        to origin: SourceLocation, file: String?, sourceLine: (Int) -> String?
    ) -> Diagnostic {
        func shift(_ location: SourceLocation) -> SourceLocation {
            let line = origin.line + location.line - 1
            let column = location.line == 1 ? origin.column + location.column - 1 : location.column
            return SourceLocation(line: line, column: column, offset: origin.offset + location.offset)
        }
        let start = shift(range.start)
        var copy = self
        copy.file = file
        copy.range = SourceRange(start: start, end: shift(range.end))
        copy.sourceLine = sourceLine(start.line) ?? self.sourceLine
        return copy
    }

    /// `file:line:column: error: message`, then the source line with a caret, then the hint.
    public var description: String {
        var text = ""
        if let file { text += "\(file):" }
        text += "\(range.start.line):\(range.start.column): error: \(message)"
        if let sourceLine {
            let visible = sourceLine.replacingTabs()
            let lead = String(repeating: " ", count: max(0, range.start.column - 1))
            let width = range.end.line == range.start.line
                ? max(1, min(range.length, visible.unicodeScalars.count - range.start.column + 1)) : 1
            text += "\n  \(visible)\n  \(lead)^\(String(repeating: "~", count: max(0, width - 1)))"
        }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

extension String {
    /// Tabs become single spaces so that column counts and caret positions agree.
    fileprivate func replacingTabs() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 }))
    }
}
