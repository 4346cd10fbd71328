import EaseMLEngines
import Foundation

/// Reads labelled examples from a feature file: a CSV with a labels column, or a `.npy` matrix whose
/// labels come from a separate file (a `.npy` vector, or a CSV with the labels column).
public enum LabeledDataFile {
    /// The examples of `path`.
    ///
    /// - Parameters:
    ///   - labelsColumn: the labels column of CSV files (feature CSV or labels CSV).
    ///   - labelsPath: the labels of a `.npy` feature file; required for `.npy`, ignored for CSV.
    ///   - labelsOption: the option that names `labelsPath`, for the error when it is missing.
    public static func read(
        _ path: String, labelsColumn: CSVMatrixReader.LabelsColumn, labelsPath: String?, labelsOption: String
    ) throws(EaseMLCIError) -> LabeledMatrix {
        do {
            guard path.hasSuffix(".npy") else {
                return try CSVMatrixReader.readLabeled(try text(path), file: path, labels: labelsColumn)
            }
            let features = try contents(path).withUnsafeBytes { try NumpyMatrixReader.read($0, file: path) }
            guard let labelsPath else {
                throw EaseMLCIError.invalidOption(option: labelsOption, message: "\(path) is a .npy file: give its labels with \(labelsOption) FILE")
            }
            let labelTexts: [String]
            if labelsPath.hasSuffix(".npy") {
                let vector = try contents(labelsPath).withUnsafeBytes { try NumpyMatrixReader.read($0, file: labelsPath) }
                labelTexts = vector.values.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
            } else {
                let table = try CSVMatrixReader.readLabeled(try text(labelsPath), file: labelsPath, labels: labelsColumn)
                labelTexts = table.labels.map { table.classNames[$0] }
            }
            guard labelTexts.count == features.rows else {
                throw EaseMLCIError.invalidOption(
                    option: labelsOption, message: "\(labelsPath) has \(labelTexts.count) labels, \(path) has \(features.rows) rows")
            }
            return LabeledMatrix(features: features, labelTexts: labelTexts)
        } catch {
            throw .wrapping(error) { .unreadableFile(path: path, reason: $0.localizedDescription) }
        }
    }

    /// The file's bytes, memory-mapped when the system allows (no copy of a large feature file): the
    /// one way the engines' workflows read an input file.
    static func contents(_ path: String) throws(EaseMLCIError) -> Data {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
    }

    /// The file as UTF-8 text (`contents`).
    static func text(_ path: String) throws(EaseMLCIError) -> String {
        String(decoding: try contents(path), as: UTF8.self)
    }
}
