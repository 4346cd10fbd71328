import EaseMLData

/// Reads a comma-separated numeric table into a `Matrix`, optionally splitting off a labels column.
///
/// - Records and fields are those of `CSVTokenizer` (RFC 4180 quotes, LF or CRLF, blank lines
///   skipped, spaces around unquoted fields ignored), so a quoted label such as `"New York, NY"`
///   is one field here as in every other reader.
/// - The first record is a header when any of its fields is not a number; otherwise it is data.
/// - Every feature field must be a finite number (`NaN`, `inf`, empty and text fields are errors naming
///   the 1-based line and column).
/// - The labels column may hold any text; numeric labels are normalised so that `1` and `1.0` are the
///   same class.
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
        let table = try parse(text, file: file, cell: number, rejectEmptyLabels: false, labelsIndex: { _, _ in nil })
        return (table.matrix, table.header)
    }

    /// The table split into features and labels.
    public static func readLabeled(_ text: String, file: String, labels: LabelsColumn = .named("label")) throws(MatrixFileError) -> LabeledMatrix {
        try readLabeled(text, file: file, labels: labels, cell: number, rejectEmptyLabels: false).data
    }

    /// The labelled reading both `readLabeled` and `IncompleteTableReader` use: `cell` parses a
    /// feature field (`nil` = not acceptable; it also decides whether the first line is a header).
    /// `featureNames` is the header without the labels column (empty without a header).
    static func readLabeled(
        _ text: String, file: String, labels: LabelsColumn, cell: (String) -> Double?, rejectEmptyLabels: Bool
    ) throws(MatrixFileError) -> (data: LabeledMatrix, featureNames: [String]) {
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
        return (LabeledMatrix(features: table.matrix, labelTexts: table.labels), table.header)
    }

    private typealias Table = (matrix: Matrix, header: [String], labels: [String])

    private static func parse(
        _ text: String, file: String, cell: (String) -> Double?, rejectEmptyLabels: Bool,
        labelsIndex: ([String], Int) throws(MatrixFileError) -> Int?
    ) throws(MatrixFileError) -> Table {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(MatrixFileError) -> Table in
                var csv = CSVTokenizer(buffer, file: file)
                return try parse(&csv, cell: cell, rejectEmptyLabels: rejectEmptyLabels, labelsIndex: labelsIndex)
            }
        }
        return try result.get()
    }

    private static func parse(
        _ csv: inout CSVTokenizer, cell: (String) -> Double?, rejectEmptyLabels: Bool,
        labelsIndex: ([String], Int) throws(MatrixFileError) -> Int?
    ) throws(MatrixFileError) -> Table {
        let file = csv.file
        func next() throws(MatrixFileError) -> Bool {
            do { return try csv.next() } catch { throw .malformedCSV(error) }
        }
        guard try next() else { throw .empty(file: file) }
        let firstFields = csv.strings()
        let hasHeader = firstFields.contains { cell($0) == nil }
        let width = firstFields.count
        // Without a header, `.named` lookups fail (no names to match) and `.last` still works.
        let header = hasHeader ? firstFields : []
        let labelColumn = try labelsIndex(header, width)
        let featureCount = width - (labelColumn == nil ? 0 : 1)
        var values: [Double] = []
        var labels: [String] = []
        var rows = 0
        // Without a header the first record is the first row.
        var more = hasHeader ? try next() : true
        while more {
            guard csv.fields.count == width else {
                throw .raggedRow(file: file, line: csv.line, expected: width, found: csv.fields.count)
            }
            for column in 0..<width {
                let text = csv.string(csv.fields[column])
                if column == labelColumn {
                    if rejectEmptyLabels && text.isEmpty {
                        throw .notANumber(file: file, line: csv.line, column: column + 1, field: "")
                    }
                    labels.append(labelText(text))
                } else {
                    guard let value = cell(text) else {
                        throw .notANumber(file: file, line: csv.line, column: column + 1, field: text)
                    }
                    values.append(value)
                }
            }
            rows += 1
            more = try next()
        }
        guard rows > 0 else { throw .empty(file: file) }
        let names = labelColumn.map { index in header.enumerated().filter { $0.offset != index }.map(\.element) } ?? header
        return (Matrix(rows: rows, columns: featureCount, values: values), names, labels)
    }

    private static func number(_ field: String) -> Double? {
        guard let value = Double(field), value.isFinite else { return nil }
        return value
    }

    private static func labelText(_ field: String) -> String {
        if let value = Double(field), value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return field
    }
}
