import EaseMLEngines
import Foundation

/// The files of a cleaning session read into one scaled feature space: a training CSV with missing
/// cells (empty or NaN) and its candidate repairs, and a complete validation CSV. Shared by
/// `easeml-ci clean` and `easeml-ci improve`.
///
/// Scaling `minmax` maps each column by the min and max of its observed training cells (a constant
/// or empty column is left as is); `none` keeps the file's units. Candidates are the built-in
/// repairs (`CandidateRepairs.builtIn`, mean first), or those of a user file replacing them.
public struct CleaningInputs: Sendable {
    /// Feature column names of the training file (`column N` without a header).
    public let featureNames: [String]
    /// Missing columns of each training row (0-based).
    public let missingColumns: [[Int]]
    /// Scaled candidate repairs of each training row (one for a complete row).
    public let candidates: [[[Double]]]
    /// Class code of each training row; `classNames` holds their texts.
    public let labels: [Int]
    public let classNames: [String]
    /// Scaled validation rows and their class codes (−1 for a class the training file lacks).
    public let validation: [[Double]]
    public let validationLabels: [Int]
    private let low: [Double]
    private let range: [Double]

    /// Reads and checks the files.
    public init(training: String, validation: String, labelsColumn: String?, scaling: String, candidates: String?) throws(EaseMLCIError) {
        guard ["none", "minmax"].contains(scaling) else {
            throw .invalidOption(option: "--scale", message: "expected none or minmax, got '\(scaling)'")
        }
        let labels: CSVMatrixReader.LabelsColumn = labelsColumn.map { .named($0) } ?? .last
        let train: LabeledMatrix
        let valid: LabeledMatrix
        let header: [String]
        do {
            (train, header) = try IncompleteTableReader.read(try Self.text(training), file: training, labels: labels)
            valid = try CSVMatrixReader.readLabeled(try Self.text(validation), file: validation, labels: labels)
        } catch {
            throw .wrapping(error) { .cleaning(message: "\($0)") }
        }
        let columns = train.features.columns
        guard valid.features.columns == columns else {
            throw .cleaning(message: "\(validation) has \(valid.features.columns) feature columns, \(training) has \(columns)")
        }
        featureNames = header.count == columns ? header : (1...max(columns, 1)).map { "column \($0)" }
        missingColumns = (0..<train.features.rows).map { r in (0..<columns).filter { train.features[r, $0].isNaN } }
        var low = [Double](repeating: 0, count: columns)
        var range = [Double](repeating: 1, count: columns)
        if scaling == "minmax" {
            for c in 0..<columns {
                let cells = (0..<train.features.rows).map { train.features[$0, c] }.filter { !$0.isNaN }
                guard let minimum = cells.min(), let maximum = cells.max() else { continue }
                low[c] = minimum
                range[c] = maximum > minimum ? maximum - minimum : 1
            }
        }
        self.low = low
        self.range = range
        var features = train.features
        for r in 0..<features.rows {
            for c in 0..<columns { features[r, c] = (features[r, c] - low[c]) / range[c] }
        }
        do {
            var built = try CandidateRepairs.builtIn(features: features)
            if let candidates {
                var supplied: [Int: [[Double]]] = [:]
                for (row, values) in try RowValuesFile.read(candidates, featureCount: columns) {
                    supplied[row, default: []].append(values.indices.map { (values[$0] - low[$0]) / range[$0] })
                }
                built = try CandidateRepairs.replacing(built, features: features, with: supplied)
            }
            self.candidates = built
        } catch {
            throw .wrapping(error) { .cleaning(message: "\($0)") }
        }
        self.labels = train.labels
        classNames = train.classNames
        let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
        validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
        self.validation = (0..<valid.features.rows).map { r in valid.features.row(r).enumerated().map { ($1 - low[$0]) / range[$0] } }
    }

    /// A row in the training file's units, scaled like the training rows.
    public func scaled(_ row: [Double]) -> [Double] { row.indices.map { (row[$0] - low[$0]) / range[$0] } }

    /// Checks that `row` is a training row with missing cells; `file` names where it came from.
    public func checkDirty(row: Int, file: String) throws(EaseMLCIError) {
        guard row < missingColumns.count else {
            throw .cleaning(message: "\(file): row \(row) does not exist (the training file has \(missingColumns.count) rows)")
        }
        guard !missingColumns[row].isEmpty else { throw .cleaning(message: "\(file): row \(row) has no missing cells") }
    }

    static func text(_ path: String) throws(EaseMLCIError) -> String { try LabeledDataFile.text(path) }
}
