import EaseMLEngines
import Foundation

/// Reads a file of training-row values: a CSV whose first column is `row` (the 0-based data row of
/// the training file) followed by every feature column of the training file, in order (a header
/// line is optional; a label column is not allowed). Used for cleaned rows (`clean apply`, one
/// line per row) and user-supplied candidates (several lines per row). Every value must be a
/// finite number; errors name the 1-based line and column.
public enum RowValuesFile {
    public static func read(_ path: String, featureCount: Int) throws(EaseMLCIError) -> [(row: Int, values: [Double])] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        let table: Matrix
        do {
            table = try CSVMatrixReader.readMatrix(String(decoding: data, as: UTF8.self), file: path).matrix
        } catch {
            throw .matrixFile(error)
        }
        guard table.columns == featureCount + 1 else {
            throw .cleaning(message: "\(path): \(table.columns) columns; expected `row` and \(featureCount) feature columns")
        }
        var result: [(row: Int, values: [Double])] = []
        for r in 0..<table.rows {
            let id = table[r, 0]
            guard id >= 0, id == id.rounded(), id < 1e9 else {
                throw .cleaning(message: "\(path): data row \(r + 1): `\(id)` is not a row number")
            }
            result.append((Int(id), Array(table.row(r).dropFirst())))
        }
        return result
    }
}
