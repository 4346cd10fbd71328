import EaseMLData
import Foundation

/// The inputs file of a pick session: a CSV whose first column is the item id and whose other
/// columns are shown to the labeler (`pick next`, `pick run`), read by `CSVTokenizer` (fields may
/// be double-quoted and hold commas and line ends).
public struct PickInputs: Sendable {
    public var columns: [String]
    public var rows: [String: [String]]

    public static func load(_ path: String) throws(EaseMLCIError) -> PickInputs {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        var records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: data, file: path) } catch { throw .data(DataFileError(error)) }
        guard !records.isEmpty, records[0].fields.count >= 2 else {
            throw .invalidOption(option: "--inputs", message: "\(path): expected a CSV header `id,column,…`")
        }
        let header = records.removeFirst().fields
        var rows: [String: [String]] = [:]
        for record in records { rows[record.fields[0]] = Array(record.fields.dropFirst()) }
        return PickInputs(columns: Array(header.dropFirst()), rows: rows)
    }

    /// The shown values of one item (empty strings when the file does not have it).
    public func values(for id: String) -> [String] {
        let row = rows[id] ?? []
        return columns.indices.map { row.indices.contains($0) ? row[$0] : "" }
    }
}
