import EaseMLData
import Foundation

/// A table as read from a user's file before any typing: a header and text cells, `nil` for a
/// missing cell (an empty CSV field, `NaN`/`NA`/`null`, a JSON `null` or an absent JSONL key).
///
/// CSV and TSV go through the one CSV layer (`CSVTokenizer`, comma or tab); JSON Lines is one object per line, keys in
/// order of first appearance across the file; numbers keep their JSON spelling, booleans become
/// `true`/`false`. Errors name the file and line.
public struct RawTable: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case csv, tsv, jsonl

        /// The format a path's extension names (`.jsonl`/`.ndjson`: JSON Lines; `.tsv`/`.tab`:
        /// tab-separated; anything else CSV).
        public static func of(_ path: String) -> Format {
            let lower = path.lowercased()
            if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonl }
            return lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") ? .tsv : .csv
        }
    }

    public var header: [String]
    public var rows: [[String?]]

    /// The spellings of a missing cell.
    static let missingSpellings: Set<String> = ["", "nan", "na", "n/a", "null", "none"]

    static func cell(_ text: String) -> String? {
        missingSpellings.contains(text.trimmingCharacters(in: .whitespaces).lowercased()) ? nil : text
    }

    public static func read(_ path: String, format: Format? = nil) throws(EaseMLCIError) -> RawTable {
        let data = try LabeledDataFile.contents(path)
        switch format ?? Format.of(path) {
        case .csv: return try csv(data, file: path, delimiter: 0x2C)
        case .tsv: return try csv(data, file: path, delimiter: 0x09)
        case .jsonl: return try jsonLines(data, file: path)
        }
    }

    static func csv(_ data: Data, file: String, delimiter: UInt8) throws(EaseMLCIError) -> RawTable {
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: data, file: file, delimiter: delimiter) } catch { throw .matrixFile(.malformedCSV(error)) }
        guard let first = records.first else { throw .invalidOption(option: "--input", message: "\(file) is empty: a header line and rows are needed") }
        var rows: [[String?]] = []
        for record in records.dropFirst() {
            guard record.fields.count == first.fields.count else {
                throw .invalidOption(option: "--input", message: "\(file):\(record.line): \(record.fields.count) fields, the header has \(first.fields.count)")
            }
            rows.append(record.fields.map(cell))
        }
        return RawTable(header: first.fields, rows: rows)
    }

    static func jsonLines(_ data: Data, file: String) throws(EaseMLCIError) -> RawTable {
        var header: [String] = []
        var index: [String: Int] = [:]
        var objects: [[Int: String?]] = []
        let text = String(decoding: data, as: UTF8.self)
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            guard let object = try? JSONDecoder().decode([String: Scalar].self, from: Data(trimmed.utf8)) else {
                throw .invalidOption(option: "--input", message: "\(file):\(number + 1): not a JSON object of numbers, strings, booleans or null on one line")
            }
            var row: [Int: String?] = [:]
            // JSON objects have no key order to keep: the header is sorted by first appearance, keys sorted within a line.
            for key in object.keys.sorted() {
                if index[key] == nil {
                    index[key] = header.count
                    header.append(key)
                }
                row[index[key]!] = .some(object[key]!.text)
            }
            objects.append(row)
        }
        guard !objects.isEmpty else { throw .invalidOption(option: "--input", message: "\(file) has no JSON objects") }
        return RawTable(header: header, rows: objects.map { object in header.indices.map { object[$0] ?? nil } })
    }

    /// One JSON value of a table cell.
    enum Scalar: Decodable {
        case missing, boolean(Bool), number(Double), string(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .missing }
            else if let value = try? container.decode(Bool.self) { self = .boolean(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else { self = .string(try container.decode(String.self)) }
        }

        var text: String? {
            switch self {
            case .missing: nil
            case .boolean(let value): value ? "true" : "false"
            case .number(let value): TableEncoding.text(value)
            case .string(let value): RawTable.cell(value)
            }
        }
    }
}
