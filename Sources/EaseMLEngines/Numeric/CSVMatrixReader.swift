/// Reads a comma-separated numeric table into a `Matrix`, optionally splitting off a labels column.
///
/// - The first line is a header when any of its fields is not a number; otherwise it is data.
/// - Every feature field must be a finite number (`NaN`, `inf`, empty and text fields are errors naming
///   the 1-based line and column). Surrounding spaces and double quotes are ignored.
/// - The labels column may hold any text; numeric labels are normalised so that `1` and `1.0` are the
///   same class.
/// - Empty lines at the end are ignored; `\r\n` line ends are accepted.
public enum CSVMatrixReader {
    /// Which column holds the class labels.
    public enum LabelsColumn: Sendable, Equatable {
        /// The column with this header name (needs a header).
        case named(String)
        /// The last column (works with or without a header).
        case last
    }

    /// The whole table as a matrix (no labels), and the header names (empty when there is none).
    public static func readMatrix(_ text: String, file: String) throws(MatrixFileError) -> (matrix: Matrix, header: [String]) {
        let table = try parse(text, file: file, labelsIndex: { _, _ in nil })
        return (table.matrix, table.header)
    }

    /// The table split into features and labels.
    public static func readLabeled(_ text: String, file: String, labels: LabelsColumn = .named("label")) throws(MatrixFileError) -> LabeledMatrix {
        try readLabeled(text, file: file, labels: labels, cell: number, rejectEmptyLabels: false)
    }

    /// The labelled reading both `readLabeled` and `IncompleteTableReader` use: `cell` parses a
    /// feature field (`nil` = not acceptable; it also decides whether the first line is a header).
    static func readLabeled(
        _ text: String, file: String, labels: LabelsColumn, cell: (Substring) -> Double?, rejectEmptyLabels: Bool
    ) throws(MatrixFileError) -> LabeledMatrix {
        let table = try parse(text, file: file, cell: cell, rejectEmptyLabels: rejectEmptyLabels) {
            (header: [String], width: Int) throws(MatrixFileError) -> Int? in
            switch labels {
            case .last: return width - 1
            case .named(let name):
                guard let index = header.firstIndex(of: name) else {
                    throw .missingColumn(file: file, name: name, available: header)
                }
                return index
            }
        }
        return LabeledMatrix(features: table.matrix, labelTexts: table.labels)
    }

    private static func parse(
        _ text: String, file: String, cell: (Substring) -> Double? = number, rejectEmptyLabels: Bool = false,
        labelsIndex: ([String], Int) throws(MatrixFileError) -> Int?
    ) throws(MatrixFileError) -> (matrix: Matrix, header: [String], labels: [String]) {
        // "\r\n" is one Character in Swift, so it is matched as a separator of its own.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        while let last = lines.last, last.allSatisfy({ $0 == "\r" || $0 == " " }) { lines.removeLast() }
        guard let first = lines.first else { throw .empty(file: file) }
        let firstFields = fields(first)
        let hasHeader = firstFields.contains { cell($0) == nil }
        let width = firstFields.count
        // Without a header, `.named` lookups fail (no names to match) and `.last` still works.
        let header = hasHeader ? firstFields.map(String.init) : []
        let labelColumn = try labelsIndex(header, width)
        let featureCount = width - (labelColumn == nil ? 0 : 1)
        var values: [Double] = []
        values.reserveCapacity((lines.count - (hasHeader ? 1 : 0)) * featureCount)
        var labels: [String] = []
        var rows = 0
        for (offset, line) in lines.enumerated() where !(hasHeader && offset == 0) {
            let lineNumber = offset + 1
            let row = fields(line)
            guard row.count == width else { throw .raggedRow(file: file, line: lineNumber, expected: width, found: row.count) }
            for (column, field) in row.enumerated() {
                if column == labelColumn {
                    if rejectEmptyLabels && field.isEmpty {
                        throw .notANumber(file: file, line: lineNumber, column: column + 1, field: "")
                    }
                    labels.append(labelText(field))
                } else {
                    guard let value = cell(field) else {
                        throw .notANumber(file: file, line: lineNumber, column: column + 1, field: String(field))
                    }
                    values.append(value)
                }
            }
            rows += 1
        }
        guard rows > 0 else { throw .empty(file: file) }
        let names = labelColumn.map { index in header.enumerated().filter { $0.offset != index }.map(\.element) } ?? header
        return (Matrix(rows: rows, columns: featureCount, values: values), names, labels)
    }

    private static func fields(_ line: Substring) -> [Substring] {
        let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
        return trimmed.split(separator: ",", omittingEmptySubsequences: false).map { field in
            var f = field.drop { $0 == " " || $0 == "\"" }
            while let last = f.last, last == " " || last == "\"" { f = f.dropLast() }
            return f
        }
    }

    private static func number(_ field: Substring) -> Double? {
        guard let value = Double(field), value.isFinite else { return nil }
        return value
    }

    private static func labelText(_ field: Substring) -> String {
        if let value = Double(field), value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(field)
    }
}
