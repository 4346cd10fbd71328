import EaseMLCore
import EaseMLData

/// A label or prediction file that cannot be used, with the position of the problem.
public struct DataFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable, Hashable {
        case empty
        case missingLabel
        case malformedRow
        case duplicateID
        case unknownID
        case missingID
        case lengthMismatch
        case unknownClass
        case unsupportedFormat
        case unreadable
    }

    public var kind: Kind
    public var diagnostic: Diagnostic

    public init(kind: Kind, diagnostic: Diagnostic) {
        self.kind = kind
        self.diagnostic = diagnostic
    }

    /// A CSV file that cannot be split into records: a malformed row at the tokenizer's position.
    public init(_ error: CSVError) {
        self.init(kind: .malformedRow, diagnostic: error.diagnostic)
    }

    /// A `.npy` file whose header cannot be used: an unsupported format, about the whole file.
    public init(_ error: NumpyHeaderError) {
        self = .file(error.file, .unsupportedFormat, error.message)
    }

    /// An error about the whole file (no useful position): reported at 1:1 without a caret.
    static func file(_ file: String, _ kind: Kind, _ message: String, hint: String? = nil) -> DataFileError {
        let start = SourceLocation(line: 1, column: 1, offset: 0)
        return DataFileError(
            kind: kind,
            diagnostic: Diagnostic(file: file, range: SourceRange(start: start, end: start), message: message, hint: hint))
    }

    public var description: String { diagnostic.description }
}
