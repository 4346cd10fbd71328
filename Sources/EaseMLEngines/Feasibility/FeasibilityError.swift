/// Why a feasibility study could not run. Rendered once, by the caller, at the edge.
public enum FeasibilityError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A feature or label file could not be read.
    case data(MatrixFileError)
    /// A representation has a different number of examples from the first.
    case rowCountMismatch(file: String, rows: Int, expected: Int, firstFile: String)
    /// A representation's labels differ from the first's.
    case labelsMismatch(file: String, firstFile: String)
    /// The study needs at least two examples and, for a verdict, two classes.
    case tooFewExamples(file: String, examples: Int)

    public var description: String {
        switch self {
        case .data(let error): return error.description
        case .rowCountMismatch(let file, let rows, let expected, let firstFile):
            return "\(file): error: \(rows) examples, but \(firstFile) has \(expected); representations must describe the same examples"
        case .labelsMismatch(let file, let firstFile):
            return "\(file): error: its labels differ from those of \(firstFile); representations must share the labels"
        case .tooFewExamples(let file, let examples):
            return "\(file): error: \(examples) example(s); the feasibility study needs at least 2"
        }
    }
}
