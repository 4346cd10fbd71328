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

        public init(input: String, output: String, factor: Double, k: Int = 5, seed: UInt64 = 1, labelsColumn: String? = nil) {
            self.input = input
            self.output = output
            self.factor = factor
            self.k = k
            self.seed = seed
            self.labelsColumn = labelsColumn
        }
    }

    public var input: String
    public var rows: Int
    public var syntheticRows: Int
    public var k: Int
    public var seed: UInt64
    /// Synthetic rows per class name.
    public var byClass: [String: Int]
    public var outputs: [IngestionReport.Output]

    public static func make(_ request: Request) throws(EaseMLCIError) -> AugmentationReport {
        guard request.factor >= 1, request.factor.isFinite else { throw .invalidOption(option: "--factor", message: "at least 1 (2 doubles the rows), got \(request.factor)") }
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
            input: request.input, rows: data.features.rows, syntheticRows: synthetic.count, k: request.k, seed: request.seed,
            byClass: byClass, outputs: outputs)
    }

    public func text() -> String {
        var lines = ["Augmented \(input): \(rows) rows + \(syntheticRows) synthetic (SMOTE within each class, K = \(k), seed \(seed))"]
        lines.append("synthetic rows per class: " + byClass.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for output in outputs { lines.append("wrote \(output.path) (\(output.role), sha256:\(output.sha256.prefix(12)))") }
        lines.append("Train on augmented.csv; its rows never enter validation or test data (easeml-ci refuses the file there).")
        return lines.joined(separator: "\n")
    }
}
