import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci ingest augment` (the tables' augmentation template): SMOTE-style rows inside each class
/// (`ClassInterpolation`) appended to a labelled features table. Writes `augmented.csv` (the original
/// rows, then the synthetic ones, same header) and `synthetic-rows.csv` (each synthetic row's index in
/// `augmented.csv`, its source and neighbour rows and the weight). Inside an application the run is
/// recorded in the lineage with `augmented.csv` as an **augmented** output, and every command that
/// takes validation or test data refuses that file (`LineageRecorder.refuseAugmented`).
public struct AugmentationReport: Sendable, Encodable, Equatable {
    public struct Request: Sendable {
        public var input: String
        public var output: String
        public var factor: Double
        public var k: Int
        public var seed: UInt64
        public var labelsColumn: String?
        /// The text column to perturb (the text template) instead of interpolating features.
        public var text: String?
        /// The text template's deletion probability and swap share.
        public var rate: Double

        public init(input: String, output: String, factor: Double, k: Int = 5, seed: UInt64 = 1, labelsColumn: String? = nil,
                    text: String? = nil, rate: Double = 0.1) {
            self.input = input
            self.output = output
            self.factor = factor
            self.k = k
            self.seed = seed
            self.labelsColumn = labelsColumn
            self.text = text
            self.rate = rate
        }
    }

    public var input: String
    /// `smote` (features, `ClassInterpolation`) or `text` (`TextPerturbation` of one text column).
    public var method: String
    public var rows: Int
    public var syntheticRows: Int
    /// The neighbours of the SMOTE template (absent for text).
    public var k: Int?
    /// The text template's rate (absent for SMOTE).
    public var rate: Double?
    public var seed: UInt64
    /// Synthetic rows per class name.
    public var byClass: [String: Int]
    public var outputs: [IngestionReport.Output]

    public static func make(_ request: Request) throws(EaseMLCIError) -> AugmentationReport {
        guard request.factor >= 1, request.factor.isFinite else { throw .invalidOption(option: "--factor", message: "at least 1 (2 doubles the rows), got \(request.factor)") }
        if let column = request.text { return try makeText(request, column: column) }
        guard request.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        let text = try LabeledDataFile.text(request.input)
        let table: (data: LabeledMatrix, featureNames: [String])
        do { table = try IncompleteTableReader.read(text, file: request.input, labels: request.labelsColumn.map { .named($0) } ?? .last) } catch {
            throw .matrixFile(error)
        }
        let data = table.data
        let count = Int((Double(data.features.rows) * (request.factor - 1)).rounded())
        let synthetic = ClassInterpolation.synthesize(features: data.features, labels: data.labels, count: count, k: request.k, seed: request.seed)
        guard count == 0 || !synthetic.isEmpty else {
            throw .invalidOption(option: "--input", message: "\(request.input): no class has two complete rows to interpolate between")
        }
        // The original rows are kept field for field; synthetic rows follow in the same columns.
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: Data(text.utf8), file: request.input) } catch { throw .matrixFile(.malformedCSV(error)) }
        let hasHeader = !table.featureNames.isEmpty
        let labelPosition = hasHeader ? (records[0].fields.firstIndex(of: request.labelsColumn ?? records[0].fields.last!) ?? records[0].fields.count - 1) : records[0].fields.count - 1
        var lines = records.map { CSVWriter.line($0.fields) }
        var provenance = [CSVWriter.line(["row", "source", "neighbour", "weight"])]
        let firstSynthetic = data.features.rows
        var byClass: [String: Int] = [:]
        for (offset, row) in synthetic.enumerated() {
            var fields = row.values.map(TableEncoding.text)
            fields.insert(data.classNames[row.label], at: min(labelPosition, fields.count))
            lines.append(CSVWriter.line(fields))
            provenance.append(CSVWriter.line([String(firstSynthetic + offset), String(row.source), String(row.neighbour), "\(row.weight)"]))
            byClass[data.classNames[row.label], default: 0] += 1
        }
        let outputs = try IngestionReport.Output.write(
            [("augmented", "augmented.csv", Data(lines.joined().utf8)), ("augmentation-provenance", "synthetic-rows.csv", Data(provenance.joined().utf8))],
            into: request.output)
        return AugmentationReport(
            input: request.input, method: "smote", rows: data.features.rows, syntheticRows: synthetic.count, k: request.k, seed: request.seed,
            byClass: byClass, outputs: outputs)
    }

    /// The text template: a CSV table with a header (e.g. `documents.csv` of `ingest documents`)
    /// grows by perturbed copies of its rows (`TextPerturbation` on `column`), every other cell
    /// copied from the source row, an `id` cell suffixed `#aug1`, `#aug2`, … so ids stay unique.
    static func makeText(_ request: Request, column: String) throws(EaseMLCIError) -> AugmentationReport {
        guard request.rate > 0, request.rate < 1 else { throw .invalidOption(option: "--rate", message: "a probability strictly between 0 and 1, got \(request.rate)") }
        let data = try LabeledDataFile.contents(request.input)
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: data, file: request.input) } catch { throw .matrixFile(.malformedCSV(error)) }
        guard let header = records.first?.fields, records.count > 1 else {
            throw .invalidOption(option: "--input", message: "\(request.input): a header line and rows are needed")
        }
        guard let textColumn = header.firstIndex(of: column) else {
            throw .invalidOption(option: "--text", message: "\(request.input):1: no column `\(column)` (columns: \(header.joined(separator: ", ")))")
        }
        let labelName = request.labelsColumn ?? (header.contains("label") ? "label" : nil)
        let labelColumn = try labelName.map { name throws(EaseMLCIError) -> Int in
            guard let index = header.firstIndex(of: name) else {
                throw .invalidOption(option: "--labels-column", message: "\(request.input):1: no column `\(name)`")
            }
            return index
        }
        let rows = Array(records.dropFirst())
        for row in rows where row.fields.count != header.count {
            throw .invalidOption(option: "--input", message: "\(request.input):\(row.line): \(row.fields.count) fields, the header has \(header.count)")
        }
        let count = Int((Double(rows.count) * (request.factor - 1)).rounded())
        let synthetic = TextPerturbation.synthesize(texts: rows.map { $0.fields[textColumn] }, count: count, rate: request.rate, seed: request.seed)
        guard count == 0 || !synthetic.isEmpty else {
            throw .invalidOption(option: "--input", message: "\(request.input): no `\(column)` cell has two words to perturb")
        }
        let idColumn = header.firstIndex(of: "id")
        var lines = records.map { CSVWriter.line($0.fields) }
        var provenance = [CSVWriter.line(["row", "source", "operation"])]
        var copies: [Int: Int] = [:]
        var byClass: [String: Int] = [:]
        for (offset, item) in synthetic.enumerated() {
            var fields = rows[item.source].fields
            fields[textColumn] = item.text
            copies[item.source, default: 0] += 1
            if let idColumn { fields[idColumn] += "#aug\(copies[item.source]!)" }
            if let labelColumn { byClass[fields[labelColumn], default: 0] += 1 }
            lines.append(CSVWriter.line(fields))
            provenance.append(CSVWriter.line([String(rows.count + offset), String(item.source), item.operation.rawValue]))
        }
        let outputs = try IngestionReport.Output.write(
            [("augmented", "augmented.csv", Data(lines.joined().utf8)), ("augmentation-provenance", "synthetic-rows.csv", Data(provenance.joined().utf8))],
            into: request.output)
        return AugmentationReport(
            input: request.input, method: "text", rows: rows.count, syntheticRows: synthetic.count, rate: request.rate, seed: request.seed,
            byClass: byClass, outputs: outputs)
    }

    public func text() -> String {
        let how = method == "text" ? "random word deletion and swap at rate \(rate ?? 0)" : "SMOTE within each class, K = \(k ?? 0)"
        var lines = ["Augmented \(input): \(rows) rows + \(syntheticRows) synthetic (\(how), seed \(seed))"]
        if !byClass.isEmpty {
            lines.append("synthetic rows per class: " + byClass.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for output in outputs { lines.append("wrote \(output.path) (\(output.role), sha256:\(output.sha256.prefix(12)))") }
        lines.append("Train on augmented.csv; its rows never enter validation or test data (easeml-ci refuses the file there).")
        return lines.joined(separator: "\n")
    }
}
