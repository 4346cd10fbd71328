/// Reads a comma-separated numeric table in which some feature cells may be *missing*, for data
/// cleaning (CPClean). Missing cells are stored as `Double.nan` in the result's `features`.
///
/// - A feature cell is missing when it is empty or spells NaN (any letter case: `NaN`, `nan`).
/// - Every other feature cell must be a finite number: text and `inf` are errors naming the 1-based
///   line and column, as in `CSVMatrixReader`.
/// - The first line is a header when any of its fields is neither a number nor a missing marker.
/// - The labels column must not be empty (a row without a label cannot be a training row).
/// - Records, fields and quotes are those of `CSVTokenizer`, as in `CSVMatrixReader`.
public enum IncompleteTableReader {
    /// The table split into features (missing cells are NaN) and labels.
    public static func readLabeled(
        _ text: String, file: String, labels: CSVMatrixReader.LabelsColumn = .last
    ) throws(MatrixFileError) -> LabeledMatrix {
        try read(text, file: file, labels: labels).data
    }

    /// The table, and the names of its feature columns (the header without the labels column;
    /// empty when the file has no header).
    public static func read(
        _ text: String, file: String, labels: CSVMatrixReader.LabelsColumn = .last
    ) throws(MatrixFileError) -> (data: LabeledMatrix, featureNames: [String]) {
        try CSVMatrixReader.readLabeled(text, file: file, labels: labels, cell: cell, rejectEmptyLabels: true)
    }

    /// The value of a feature cell: a finite number, NaN for a missing cell, `nil` for anything else.
    private static func cell(_ field: String) -> Double? {
        if field.isEmpty || field.lowercased() == "nan" { return .nan }
        guard let value = Double(field), value.isFinite else { return nil }
        return value
    }
}
