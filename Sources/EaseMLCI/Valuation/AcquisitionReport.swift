import EaseMLCore
import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci acquire`: the order in which to label an unlabelled pool (`AcquisitionRanking`: each
/// pool row's expected change of the validation K-NN utility if it were labelled, the better half
/// spread by greedy coverage). The first `batch` rows are the ones to label now; re-run after labelling
/// them, since the ranking depends on the labelled set.
public struct AcquisitionReport: Sendable, Codable {
    public struct Row: Sendable, Codable {
        /// 1-based rank, best to label first.
        public var rank: Int
        /// 0-based index of the pool row (data rows of the file, header excluded).
        public var index: Int
        /// Expected change of the validation K-NN utility if the row were labelled.
        public var predictedValue: Double
        /// In the value-filtered half of the pool.
        public var eligible: Bool
        /// Among the first `batch` rows: label these now.
        public var labelNow: Bool
    }

    public var k: Int
    public var batch: Int
    public var labeledRows: Int
    public var poolRows: Int
    public var validationRows: Int
    public var rows: [Row]

    /// Reads the three CSV files (the pool may lack the label column or leave it empty), optionally
    /// z-scores features with the labelled rows' mean and population standard deviation, and ranks the pool.
    public static func make(
        labeled: String, pool: String, validation: String, labelsColumn: String?, k: Int, batch: Int, standardize: Bool
    ) throws(EaseMLCIError) -> AcquisitionReport {
        guard k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        guard batch >= 1 else { throw .invalidOption(option: "--batch", message: "the batch must hold at least one row") }
        let train = try readLabeled(labeled, labelsColumn)
        let valid = try readLabeled(validation, labelsColumn)
        let poolMatrix = try readPool(pool, labelsColumn, featureColumns: train.features.columns)
        for (file, columns) in [(validation, valid.features.columns), (pool, poolMatrix.columns)] where columns != train.features.columns {
            throw .invalidOption(
                option: file == pool ? "--pool" : "--valid",
                message: "\(file) has \(columns) feature columns, \(labeled) has \(train.features.columns)")
        }
        var labeledRows = (0..<train.features.rows).map(train.features.row)
        var poolRows = (0..<poolMatrix.rows).map(poolMatrix.row)
        var validRows = (0..<valid.features.rows).map(valid.features.row)
        if standardize { (labeledRows, poolRows, validRows) = zScored(labeledRows, poolRows, validRows) }
        let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
        let validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
        let ranked = AcquisitionRanking.rank(
            labeled: labeledRows, labels: train.labels, pool: poolRows, validation: validRows,
            validationLabels: validationLabels, k: k, batch: batch)
        let rows = ranked.enumerated().map { rank, entry in
            Row(rank: rank + 1, index: entry.index, predictedValue: entry.predictedValue, eligible: entry.eligible, labelNow: rank < batch)
        }
        return AcquisitionReport(
            k: k, batch: batch, labeledRows: labeledRows.count, poolRows: poolRows.count, validationRows: validRows.count, rows: rows)
    }

    private static func text(_ path: String) throws(EaseMLCIError) -> String { try LabeledDataFile.text(path) }

    private static func readLabeled(_ path: String, _ labelsColumn: String?) throws(EaseMLCIError) -> LabeledMatrix {
        let content = try text(path)
        do {
            return try CSVMatrixReader.readLabeled(content, file: path, labels: labelsColumn.map { .named($0) } ?? .last)
        } catch {
            throw .matrixFile(error)
        }
    }

    /// Pool features: a file one column wider than the features carries a (possibly empty) label
    /// column, which is dropped.
    static func readPool(_ path: String, _ labelsColumn: String?, featureColumns: Int) throws(EaseMLCIError) -> Matrix {
        let content = try text(path)
        let width: Int
        do { width = try CSVTokenizer.records(in: content, file: path, limit: 1).first?.fields.count ?? 0 } catch {
            throw .matrixFile(.malformedCSV(error))
        }
        do {
            if width == featureColumns + 1 {
                return try CSVMatrixReader.readLabeled(content, file: path, labels: labelsColumn.map { .named($0) } ?? .last).features
            }
            return try CSVMatrixReader.readMatrix(content, file: path).matrix
        } catch {
            throw .matrixFile(error)
        }
    }

    /// The rows z-scored with the labelled rows' mean and population standard deviation.
    private static func zScored(_ base: [[Double]], _ others: [[Double]]...) -> ([[Double]], [[Double]], [[Double]]) {
        let fitted = FeatureScaling.standardize.fit(Matrix(rowArrays: base))
        let scale = { (rows: [[Double]]) in rows.map(fitted.apply(row:)) }
        return (scale(base), scale(others[0]), scale(others[1]))
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// One record per pool row, best first (`CSVWriter`).
    public func csv() -> String {
        CSVWriter.line(["rank", "index", "predicted_value", "eligible", "label_now"])
            + CSVWriter.text(rows.map { ["\($0.rank)", "\($0.index)", "\($0.predictedValue)", "\($0.eligible)", "\($0.labelNow)"] })
    }

    /// A table of the first `limit` rows.
    public func text(limit: Int) -> String {
        var table = TextTable(header: ["rank", "pool row", "predicted value", ""], leftColumns: 0, alsoLeft: [3])
        for row in rows.prefix(limit) {
            table.rows.append(["\(row.rank)", "\(row.index)", String(format: "%+.6f", row.predictedValue), row.labelNow ? "label now" : ""])
        }
        var text = "Labelling order (K = \(k)) for \(IntegerText.grouped(poolRows)) pool rows, from \(IntegerText.grouped(labeledRows)) labelled and \(IntegerText.grouped(validationRows)) validation rows\n"
        text += table.render()
        if rows.count > limit { text += "\n… \(rows.count - limit) more (--limit, --format csv)" }
        text += "\nLabel the first \(min(batch, rows.count)) rows, add them to the labelled file and run acquire again."
        return text
    }
}
