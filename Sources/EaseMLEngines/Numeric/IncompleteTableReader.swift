/// Reads a comma-separated numeric table in which some feature cells may be *missing*, for data
/// cleaning (CPClean). Missing cells are stored as `Double.nan` in the result's `features`.
///
/// - A feature cell is missing when it is empty or spells NaN (any letter case: `NaN`, `nan`).
/// - Every other feature cell must be a finite number: text and `inf` are errors naming the 1-based
///   line and column, as in `CSVMatrixReader`.
/// - The first line is a header when any of its fields is neither a number nor a missing marker.
/// - The labels column must not be empty (a row without a label cannot be a training row).
/// - Surrounding spaces and double quotes are ignored; `\r\n` line ends and trailing empty lines
///   are accepted.
public enum IncompleteTableReader {
    /// The table split into features (missing cells are NaN) and labels.
    public static func readLabeled(
        _ text: String, file: String, labels: CSVMatrixReader.LabelsColumn = .last
    ) throws(MatrixFileError) -> LabeledMatrix {
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        while let last = lines.last, last.allSatisfy({ $0 == "\r" || $0 == " " }) { lines.removeLast() }
        guard let first = lines.first else { throw .empty(file: file) }
        let firstFields = fields(first)
        let hasHeader = firstFields.contains { cell($0) == nil }
        let width = firstFields.count
        let header = hasHeader ? firstFields.map(String.init) : []
        let labelColumn: Int
        switch labels {
        case .last: labelColumn = width - 1
        case .named(let name):
            guard let index = header.firstIndex(of: name) else {
                throw .missingColumn(file: file, name: name, available: header)
            }
            labelColumn = index
        }
        var values: [Double] = []
        var labelTexts: [String] = []
        var rows = 0
        for (offset, line) in lines.enumerated() where !(hasHeader && offset == 0) {
            let lineNumber = offset + 1
            let row = fields(line)
            guard row.count == width else { throw .raggedRow(file: file, line: lineNumber, expected: width, found: row.count) }
            for (column, field) in row.enumerated() {
                if column == labelColumn {
                    guard !field.isEmpty else {
                        throw .notANumber(file: file, line: lineNumber, column: column + 1, field: "")
                    }
                    labelTexts.append(labelText(field))
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
        return LabeledMatrix(features: Matrix(rows: rows, columns: width - 1, values: values), labelTexts: labelTexts)
    }

    /// The value of a feature cell: a finite number, NaN for a missing cell, `nil` for anything else.
    private static func cell(_ field: Substring) -> Double? {
        if field.isEmpty || field.lowercased() == "nan" { return .nan }
        guard let value = Double(field), value.isFinite else { return nil }
        return value
    }

    private static func fields(_ line: Substring) -> [Substring] {
        let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
        return trimmed.split(separator: ",", omittingEmptySubsequences: false).map { field in
            var f = field.drop { $0 == " " || $0 == "\"" }
            while let last = f.last, last == " " || last == "\"" { f = f.dropLast() }
            return f
        }
    }

    private static func labelText(_ field: Substring) -> String {
        if let value = Double(field), value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(field)
    }
}
