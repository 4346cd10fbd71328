import EaseMLCore

/// An error as the user sees it, rendered once at the command-line edge: as text on standard
/// error (`file:line:column: error: message`, the source line with a caret, a hint; or
/// `error: message` when the problem is not in a file), or under `--json` as the object
/// `{"error": {...}}` on standard output.
public struct ErrorReport: Sendable, Encodable {
    /// Where in a file the problem is.
    public struct Location: Sendable, Encodable, Equatable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        /// The text of the line, for the caret.
        public var sourceLine: String?
        /// How many characters the caret underlines.
        var width: Int = 1
        public var hint: String?

        public init(file: String?, line: Int? = nil, column: Int? = nil, sourceLine: String? = nil, hint: String? = nil) {
            self.file = file
            self.line = line
            self.column = column
            self.sourceLine = sourceLine
            self.hint = hint
        }

        init(_ diagnostic: Diagnostic) {
            self.init(
                file: diagnostic.file, line: diagnostic.range.start.line, column: diagnostic.range.start.column,
                sourceLine: diagnostic.sourceLine, hint: diagnostic.hint)
            let range = diagnostic.range
            if let sourceLine = diagnostic.sourceLine, range.end.line == range.start.line {
                width = max(1, min(range.length, sourceLine.unicodeScalars.count - range.start.column + 1))
            }
        }

        enum CodingKeys: String, CodingKey { case file, line, column, sourceLine, hint }
    }

    /// A library error's rendered text (`file[:line[:column]]: error: message`) taken apart, for
    /// the errors that render their own position.
    struct Located {
        var location: Location?
        var message: String

        init(file: String?, line: Int?, column: Int?, message: String) {
            location = Location(file: file, line: line, column: column)
            self.message = message
        }

        init(_ text: String) {
            let firstLine = text.prefix { $0 != "\n" }
            guard let marker = firstLine.range(of: ": error: ") else {
                location = nil
                message = text
                return
            }
            var place = String(firstLine[..<marker.lowerBound])
            message = String(text[marker.upperBound...])
            var numbers: [Int] = []
            while numbers.count < 2, let colon = place.lastIndex(of: ":"), let number = Int(place[place.index(after: colon)...]) {
                numbers.insert(number, at: 0)
                place = String(place[..<colon])
            }
            location = Location(file: place, line: numbers.first, column: numbers.count > 1 ? numbers[1] : nil)
        }
    }

    /// A short name of the kind of problem (`usage`, `configuration`, `data`, `ledger`, …).
    public var kind: String
    /// What is wrong, without prefix or position.
    public var message: String
    public var location: Location?
    /// Further text (what a failed script printed).
    public var detail: String?
    /// The process's exit code (`ExitStatus`).
    public var exitCode: Int32

    public init(kind: String, message: String, location: Location? = nil, detail: String? = nil, exitCode: Int32) {
        self.kind = kind
        self.message = message
        self.location = location
        self.detail = detail
        self.exitCode = exitCode
    }

    public init(_ error: EaseMLCIError) {
        self.init(kind: error.kind, message: error.message, location: error.location, detail: error.detail, exitCode: error.exitStatus.rawValue)
    }

    /// A command-line usage error (unknown flag, missing value, failed validation): exit 2.
    public static func usage(_ message: String) -> ErrorReport {
        ErrorReport(kind: "usage", message: message, exitCode: ExitStatus.usageOrConfiguration.rawValue)
    }

    /// The text for standard error.
    public var text: String {
        var text = ""
        if let location, let file = location.file { text += file + ":" }
        if let line = location?.line {
            text += "\(line):"
            if let column = location?.column { text += "\(column):" }
        }
        text += (text.isEmpty ? "" : " ") + "error: " + message
        if let location, let sourceLine = location.sourceLine, let column = location.column {
            let visible = String(String.UnicodeScalarView(sourceLine.unicodeScalars.map { $0 == "\t" ? " " : $0 }))
            let lead = String(repeating: " ", count: max(0, column - 1))
            text += "\n  \(visible)\n  \(lead)^\(String(repeating: "~", count: max(0, location.width - 1)))"
        }
        if let hint = location?.hint { text += "\n  hint: \(hint)" }
        if let detail { text += "\n" + detail }
        return text
    }

    /// The JSON for standard output: `{"error": {...}}`.
    public var json: String { ReportJSON.text(["error": self]) }
}
