import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci ingest table` (step 1 of the process, the tables template): a CSV or JSON Lines table
/// with a header becomes the numeric features the engines read — `features.csv` (encoded columns,
/// the label last, missing cells left empty) and `encoding.json` (`TableEncoding`), fitted here or
/// applied from `--encoding` so validation and production data are encoded the same way. With
/// `candidates`, every row with missing cells also gets candidate values from several imputers
/// (mean, median, mode, mean of the 5 nearest complete rows) — the probabilistic rows of the paper's
/// data model that `easeml-ci clean --candidates` consumes — in `candidates.csv` (row, then every
/// feature column; one line per candidate) and, per imputed cell, which imputer proposed which value
/// in `candidates-methods.csv`. Same inputs, byte-identical outputs.
public struct IngestionReport: Sendable, Encodable, Equatable {
    public struct Request: Sendable {
        public var input: String
        public var format: RawTable.Format?
        public var label: String?
        public var output: String
        public var encoding: String?
        public var candidates: Bool
        public var maxCategories: Int
        /// The text column to embed (`--embed`), and the embedder's command (`--embedder`; with
        /// `--encoding`, it replaces the recorded one).
        public var embed: String?
        public var embedder: String?

        public init(input: String, format: RawTable.Format? = nil, label: String? = nil, output: String, encoding: String? = nil,
                    candidates: Bool = false, maxCategories: Int = 50, embed: String? = nil, embedder: String? = nil) {
            self.embed = embed
            self.embedder = embedder
            self.input = input
            self.format = format
            self.label = label
            self.output = output
            self.encoding = encoding
            self.candidates = candidates
            self.maxCategories = maxCategories
        }
    }

    public struct ColumnSummary: Sendable, Encodable, Equatable {
        public var name: String
        public var kind: String
        public var missing: Int
        public var outputs: [String]
    }

    public struct Output: Sendable, Encodable, Equatable {
        public var role: String
        public var path: String
        public var sha256: String

        /// Writes each file (atomically) into `folder`, created if missing, once every file's content
        /// is known: a failure before this point leaves nothing behind.
        static func write(_ files: [(role: String, name: String, data: Data)], into folder: String) throws(EaseMLCIError) -> [Output] {
            let url = URL(fileURLWithPath: folder, isDirectory: true)
            do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw .unwritableFile(path: folder, reason: "\(error)")
            }
            var written: [Output] = []
            for file in files {
                let path = url.appendingPathComponent(file.name).path
                try AtomicFile.write(file.data, to: path)
                written.append(Output(role: file.role, path: path, sha256: ContentHash.ofData(file.data)))
            }
            return written
        }
    }

    public var input: String
    public var rows: Int
    public var label: String
    public var columns: [ColumnSummary]
    public var missingCells: Int
    public var rowsWithMissingCells: Int
    /// Categorical cells whose category the encoding never saw (encoded as all zeros).
    public var unseenCategories: Int
    /// Whether the encoding was fitted on this table (false: applied from `--encoding`).
    public var fitted: Bool
    public var outputs: [Output]

    /// The imputers behind the candidates, in candidate order.
    public static let imputers: [RepairMethod] = [.mean, .median, .mode, .knn5]

    public static func make(_ request: Request) throws(EaseMLCIError) -> IngestionReport {
        let table = try RawTable.read(request.input, format: request.format)
        var encoding: TableEncoding
        if let path = request.encoding {
            let data = try LabeledDataFile.contents(path)
            guard let decoded = try? JSONDecoder().decode(TableEncoding.self, from: data), decoded.format == TableEncoding.formatName else {
                throw .invalidOption(option: "--encoding", message: "\(path) is not an encoding written by `easeml-ci ingest table`")
            }
            encoding = decoded
        } else {
            let label = request.label ?? (table.header.contains("label") ? "label" : table.header.last!)
            if request.embed != nil && request.embedder == nil {
                throw .invalidOption(option: "--embed", message: "name the embedder with --embedder (e.g. \".venv/bin/python scripts/embed-text.py\"); it is run as COMMAND FILE.csv --text COLUMN --output FILE.npy")
            }
            encoding = try TableEncoding.fit(table, label: label, maxCategories: request.maxCategories, embed: request.embed.map { ($0, request.embedder!) })
        }
        if request.encoding == nil, let label = table.header.firstIndex(of: encoding.label), let row = table.rows.firstIndex(where: { $0[label] == nil }) {
            throw .invalidOption(option: "--input", message: "\(request.input): data row \(row + 1) has no `\(encoding.label)`; every training row needs a label")
        }
        let embeddings = try encoding.embed(table, command: request.encoding == nil ? nil : request.embedder)
        let (rows, labels, unseen) = try encoding.encode(table, embeddings: embeddings)
        let outputs = encoding.outputs
        guard !outputs.isEmpty else {
            throw .invalidOption(option: "--input", message: "\(request.input): no numeric or categorical column besides `\(encoding.label)`")
        }

        // features.csv: every output column, then the label; a missing cell stays empty.
        var lines = [CSVWriter.line(outputs + (labels == nil ? [] : [encoding.label]))]
        for (index, row) in rows.enumerated() {
            lines.append(CSVWriter.line(row.map(TableEncoding.text) + (labels.map { [$0[index] ?? ""] } ?? [])))
        }
        var files: [(role: String, name: String, data: Data)] = [("features", "features.csv", Data(lines.joined().utf8))]
        files.append(("encoding", "encoding.json", Data((ReportJSON.text(encoding) + "\n").utf8)))

        let incomplete = rows.indices.filter { rows[$0].contains { $0.isNaN } }
        if request.candidates {
            let matrix = Matrix(rowArrays: rows)
            let candidates: [[[Double]]]
            do { candidates = try CandidateRepairs.builtIn(features: matrix, methods: imputers) } catch {
                throw .cleaning(message: "\(request.input): \(error)")
            }
            var candidateLines = [CSVWriter.line(["row"] + outputs)]
            var methodLines = [CSVWriter.line(["row", "column", "method", "value"])]
            for row in incomplete {
                let missing = rows[row].indices.filter { rows[row][$0].isNaN }
                for (method, candidate) in zip(imputers, candidates[row]) {
                    candidateLines.append(CSVWriter.line([String(row)] + candidate.map(TableEncoding.text)))
                    for column in missing {
                        methodLines.append(CSVWriter.line([String(row), outputs[column], method.rawValue, TableEncoding.text(candidate[column])]))
                    }
                }
            }
            files.append(("candidates", "candidates.csv", Data(candidateLines.joined().utf8)))
            files.append(("candidate-methods", "candidates-methods.csv", Data(methodLines.joined().utf8)))
        }
        let written = try Output.write(files, into: request.output)

        let summaries = encoding.columns.map { column -> ColumnSummary in
            let index = table.header.firstIndex(of: column.name)!
            return ColumnSummary(name: column.name, kind: column.kind.rawValue, missing: table.rows.filter { $0[index] == nil }.count, outputs: column.outputs)
        }
        return IngestionReport(
            input: request.input, rows: rows.count, label: encoding.label, columns: summaries,
            missingCells: rows.reduce(0) { $0 + $1.filter(\.isNaN).count }, rowsWithMissingCells: incomplete.count,
            unseenCategories: unseen, fitted: request.encoding == nil, outputs: written)
    }

    /// The human-readable report.
    public func text() -> String {
        var lines = ["Ingested \(input): \(rows) rows, label `\(label)`" + (fitted ? "" : " (encoding applied from --encoding)")]
        var table = TextTable(header: ["column", "kind", "missing", "features"], leftColumns: 2)
        for column in columns {
            table.rows.append([column.name, column.kind, String(column.missing), column.kind == "text" ? "none (embed with scripts/embed-text.py)" : String(column.outputs.count)])
        }
        lines.append(table.render())
        lines.append("\(missingCells) missing feature cells in \(rowsWithMissingCells) rows" + (unseenCategories > 0 ? "; \(unseenCategories) cells of categories the encoding never saw (all zeros)" : ""))
        for output in outputs { lines.append("wrote \(output.path) (\(output.role), sha256:\(output.sha256.prefix(12)))") }
        return lines.joined(separator: "\n")
    }
}
