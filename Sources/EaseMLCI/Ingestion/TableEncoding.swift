import Foundation

/// How `easeml-ci ingest table` turns a table's columns into the numeric features the engines read,
/// fitted once on the training table and written beside the features (`encoding.json`), so
/// validation and production tables are encoded the same way (`--encoding`).
///
/// - **numeric** (every present cell a finite number): standardized, (x − mean) / standard deviation
///   (population; 1 when the column is constant);
/// - **categorical** (text with at most `maxCategories` distinct values): one-hot, one output column
///   `name=value` per category, categories sorted; a category the fit never saw encodes as all zeros;
/// - **text** (more distinct values): not a feature, unless embedded;
/// - **embedded** (the column `--embed` names): the vectors of the user's embedder
///   (`TextEmbedder`, e.g. `scripts/embed-text.py`), one output column `name[i]` per dimension; the
///   command is recorded so other tables are embedded by the same one.
/// A missing cell stays missing: empty in every output column it feeds (what `clean` repairs).
public struct TableEncoding: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case numeric, categorical, text, embedded
    }

    public struct Column: Sendable, Codable, Equatable {
        public var name: String
        public var kind: Kind
        public var mean: Double?
        public var scale: Double?
        public var categories: [String]?
        /// The embedder's command (embedded columns).
        public var command: String?
        /// The output columns this column becomes (none for text).
        public var outputs: [String]
    }

    /// What `format` says in every encoding this build writes (and the only one it reads).
    public static let formatName = "easeml-ci table encoding 1"

    public var format = formatName
    /// The label column's name.
    public var label: String
    /// The feature columns, in the table's order.
    public var columns: [Column]

    /// Every output column, in order (the label not included).
    public var outputs: [String] { columns.flatMap(\.outputs) }

    /// Fits the encoding on `table`; `label` must be one of its columns.
    /// `embed` names a column to embed with a command (its outputs are known once `embed(_:embedder:)` ran).
    public static func fit(_ table: RawTable, label: String, maxCategories: Int = 50, embed: (column: String, command: String)? = nil) throws(EaseMLCIError) -> TableEncoding {
        guard table.header.contains(label) else {
            throw .invalidOption(option: "--label", message: "no column `\(label)`; the columns are " + table.header.map { "`\($0)`" }.joined(separator: ", "))
        }
        if let embed {
            guard table.header.contains(embed.column), embed.column != label else {
                throw .invalidOption(option: "--embed", message: "no text column `\(embed.column)`; the columns are " + table.header.filter { $0 != label }.map { "`\($0)`" }.joined(separator: ", "))
            }
        }
        var columns: [Column] = []
        for (index, name) in table.header.enumerated() where name != label {
            if name == embed?.column {
                columns.append(Column(name: name, kind: .embedded, command: embed!.command, outputs: []))
                continue
            }
            let present = table.rows.compactMap { $0[index] }
            let numbers = present.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter(\.isFinite)
            if numbers.count == present.count && !present.isEmpty {
                let mean = numbers.reduce(0, +) / Double(numbers.count)
                let variance = numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)
                columns.append(Column(name: name, kind: .numeric, mean: mean, scale: variance > 0 ? variance.squareRoot() : 1, outputs: [name]))
                continue
            }
            let distinct = Set(present)
            if distinct.count <= maxCategories {
                let categories = distinct.sorted()
                columns.append(Column(name: name, kind: .categorical, categories: categories, outputs: categories.map { "\(name)=\($0)" }))
            } else {
                columns.append(Column(name: name, kind: .text, outputs: []))
            }
        }
        return TableEncoding(label: label, columns: columns)
    }

    /// Runs the embedder of every embedded column on `table` (`command` instead of the recorded one
    /// when given) and returns each row's vector by column name. A fresh fit learns the dimension
    /// here; an applied encoding refuses an embedder whose dimension differs from the fit's.
    public mutating func embed(_ table: RawTable, command: String? = nil) throws(EaseMLCIError) -> [String: [[Double]?]] {
        var embeddings: [String: [[Double]?]] = [:]
        for position in columns.indices where columns[position].kind == .embedded {
            let column = columns[position]
            guard let index = table.header.firstIndex(of: column.name) else {
                throw .invalidOption(option: "--encoding", message: "the table has no column `\(column.name)`, which the encoding embeds")
            }
            let (rows, dimensions) = try TextEmbedder(command: command ?? column.command ?? "").embed(table.rows.map { $0[index] }, column: column.name)
            if column.outputs.isEmpty {
                columns[position].outputs = (0..<dimensions).map { "\(column.name)[\($0)]" }
            } else if column.outputs.count != dimensions {
                throw .invalidOption(option: "--embedder", message: "the embedder gave \(dimensions) dimensions for `\(column.name)`; the encoding was fitted with \(column.outputs.count)")
            }
            embeddings[column.name] = rows
        }
        return embeddings
    }

    /// The encoded rows (NaN: missing), the labels (nil: missing, or no label column), and how many
    /// categorical cells held a category the fit never saw. `embeddings` are `embed(_:command:)`'s.
    public func encode(_ table: RawTable, embeddings: [String: [[Double]?]] = [:]) throws(EaseMLCIError) -> (rows: [[Double]], labels: [String?]?, unseen: Int) {
        var positions: [Int] = []
        for column in columns {
            guard let index = table.header.firstIndex(of: column.name) else {
                throw .invalidOption(option: "--encoding", message: "the table has no column `\(column.name)`, which the encoding was fitted with")
            }
            positions.append(index)
        }
        let labelIndex = table.header.firstIndex(of: label)
        var unseen = 0
        var rows: [[Double]] = []
        rows.reserveCapacity(table.rows.count)
        for (rowNumber, cells) in table.rows.enumerated() {
            var values: [Double] = []
            for (column, index) in zip(columns, positions) {
                let cell = cells[index]
                switch column.kind {
                case .numeric:
                    guard let cell else { values.append(.nan); continue }
                    guard let number = Double(cell.trimmingCharacters(in: .whitespaces)), number.isFinite else {
                        throw .invalidOption(option: "--input", message: "row \(rowNumber + 1), column `\(column.name)`: `\(cell)` is not a number, and the column is numeric")
                    }
                    values.append((number - column.mean!) / column.scale!)
                case .categorical:
                    let categories = column.categories!
                    guard let cell else { values.append(contentsOf: repeatElement(.nan, count: categories.count)); continue }
                    if !categories.contains(cell) { unseen += 1 }
                    values.append(contentsOf: categories.map { $0 == cell ? 1 : 0 })
                case .text:
                    continue
                case .embedded:
                    guard let vectors = embeddings[column.name] else {
                        throw .invalidOption(option: "--embed", message: "the column `\(column.name)` was not embedded")
                    }
                    values.append(contentsOf: vectors[rowNumber] ?? [Double](repeating: .nan, count: column.outputs.count))
                }
            }
            rows.append(values)
        }
        return (rows, labelIndex.map { index in table.rows.map { $0[index] } }, unseen)
    }

    /// A number as the features file writes it: a whole number without a fraction, others in their
    /// shortest round-trip spelling; empty for missing.
    static func text(_ value: Double) -> String {
        if value.isNaN { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
