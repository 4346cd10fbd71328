import EaseMLData

/// Why a feature or label file could not be read as a matrix. Positions are 1-based; `column` in
/// `notANumber` is the table's column (the field's number), not a character position.
public enum MatrixFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A CSV field is not a finite number (`NaN`, `inf` and text are all refused).
    case notANumber(file: String, line: Int, column: Int, field: String)
    /// A CSV line has a different number of fields from the first line.
    case raggedRow(file: String, line: Int, expected: Int, found: Int)
    /// The file holds no data rows.
    case empty(file: String)
    /// The requested labels column is not in the header.
    case missingColumn(file: String, name: String, available: [String])
    /// CSV text that cannot be split into records (an unterminated quote), with its position.
    case malformedCSV(CSVError)
    /// A `.npy` file this reader does not support (magic, version, dtype, shape, order, truncation).
    case numpyHeader(NumpyHeaderError)
    /// A `.npy` element is NaN or infinite.
    case nonFiniteNumpy(file: String, row: Int, column: Int)

    public var description: String {
        switch self {
        case .notANumber(let file, let line, let column, let field):
            return "\(file):\(line):\(column): error: `\(field)` is not a finite number"
        case .raggedRow(let file, let line, let expected, let found):
            return "\(file):\(line): error: \(found) fields, but the first line has \(expected)"
        case .empty(let file):
            return "\(file): error: no data rows"
        case .missingColumn(let file, let name, let available):
            let shown = available.prefix(8).joined(separator: ", ") + (available.count > 8 ? ", …" : "")
            return "\(file): error: no column `\(name)` in the header (columns: \(shown))"
        case .malformedCSV(let error):
            return error.description
        case .numpyHeader(let error):
            return error.description
        case .nonFiniteNumpy(let file, let row, let column):
            return "\(file): error: element (row \(row), column \(column)) is not finite"
        }
    }
}
