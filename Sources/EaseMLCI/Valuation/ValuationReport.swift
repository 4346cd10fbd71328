import EaseMLCore
import EaseMLEngines
import Foundation

/// `easeml-ci value`: the exact KNN-Shapley value of every training row against a validation
/// set, ranked lowest first (the rows most likely mislabelled or harmful), with the lowest
/// fraction flagged for review.
public struct ValuationReport: Sendable, Codable {
    public struct Row: Sendable, Codable {
        /// 1-based rank, lowest value first.
        public var rank: Int
        /// 0-based index of the training row (data rows of the file, header excluded).
        public var index: Int
        public var label: String
        public var value: Double
        public var flagged: Bool
    }

    public var k: Int
    public var trainingRows: Int
    public var validationRows: Int
    /// Σ values = the mean KNN utility of the whole training set on the validation set.
    public var total: Double
    public var rows: [Row]

    /// Reads both CSV files (`labels` names the label column; features are every other column),
    /// optionally z-scores features with the training mean and population standard deviation,
    /// and values every training row.
    public static func make(
        training: String, validation: String, labelsColumn: String?, k: Int, standardize: Bool, flagFraction: Double?
    ) throws(EaseMLCIError) -> ValuationReport {
        guard k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        if let flagFraction, !(0...1).contains(flagFraction) {
            throw .invalidOption(option: "--flag", message: "the fraction to flag must be in [0, 1], got \(flagFraction)")
        }
        let train = try read(training, labelsColumn)
        let valid = try read(validation, labelsColumn)
        guard train.features.columns == valid.features.columns else {
            throw .invalidOption(
                option: "--valid",
                message: "\(validation) has \(valid.features.columns) feature columns, \(training) has \(train.features.columns)")
        }
        var trainRows = (0..<train.features.rows).map(train.features.row)
        var validRows = (0..<valid.features.rows).map(valid.features.row)
        if standardize { (trainRows, validRows) = zScored(trainRows, validRows) }
        // Validation labels are matched to training classes by name; a class the training set
        // lacks never matches.
        let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
        let validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
        let values = KNNShapley.values(
            training: trainRows, trainingLabels: train.labels, validation: validRows, validationLabels: validationLabels, k: k)
        let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
        let flagged = Int(((flagFraction ?? 0) * Double(values.count)).rounded(.toNearestOrEven))
        let rows = order.enumerated().map { rank, index in
            Row(rank: rank + 1, index: index, label: train.classNames[train.labels[index]], value: values[index], flagged: rank < flagged)
        }
        return ValuationReport(
            k: k, trainingRows: trainRows.count, validationRows: validRows.count, total: values.reduce(0, +), rows: rows)
    }

    private static func read(_ path: String, _ labelsColumn: String?) throws(EaseMLCIError) -> LabeledMatrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        do {
            return try CSVMatrixReader.readLabeled(
                String(decoding: data, as: UTF8.self), file: path, labels: labelsColumn.map { .named($0) } ?? .last)
        } catch {
            throw .matrixFile(error)
        }
    }

    private static func zScored(_ train: [[Double]], _ valid: [[Double]]) -> ([[Double]], [[Double]]) {
        guard let width = train.first?.count else { return (train, valid) }
        let count = Double(train.count)
        let mean = (0..<width).map { c in train.reduce(0) { $0 + $1[c] } / count }
        let std = (0..<width).map { c -> Double in
            let s = (train.reduce(0) { $0 + ($1[c] - mean[c]) * ($1[c] - mean[c]) } / count).squareRoot()
            return s == 0 ? 1 : s
        }
        let scale = { (rows: [[Double]]) in rows.map { row in row.enumerated().map { ($1 - mean[$0]) / std[$0] } } }
        return (scale(train), scale(valid))
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public func csv() -> String {
        "rank,index,label,value,flagged\n" + rows.map { "\($0.rank),\($0.index),\($0.label),\($0.value),\($0.flagged)" }.joined(separator: "\n") + "\n"
    }

    /// A table of the first `limit` rows.
    public func text(limit: Int) -> String {
        var table = TextTable(header: ["rank", "row", "label", "value", ""], leftColumns: 0, alsoLeft: [2, 4])
        for row in rows.prefix(limit) {
            table.rows.append(["\(row.rank)", "\(row.index)", row.label, String(format: "%+.6f", row.value), row.flagged ? "review" : ""])
        }
        let flagged = rows.filter(\.flagged).count
        var text = "KNN-Shapley values (K = \(k)) of \(IntegerText.grouped(trainingRows)) training rows against \(IntegerText.grouped(validationRows)) validation rows, lowest first\n"
        text += table.render()
        if rows.count > limit { text += "\n… \(rows.count - limit) more (--limit, --format csv)" }
        text += String(format: "\nTotal %.6f = mean KNN utility of the whole training set.", total)
        if flagged > 0 { text += "\n\(flagged) lowest-valued rows flagged for review." }
        return text
    }
}
