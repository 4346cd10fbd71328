import EaseMLData
import Foundation

/// Reads the labels a person gives acquired pool rows (`easeml-ci improve apply`): a CSV of
/// `row,label` records, `row` the 0-based data row of the pool file and `label` a class of the
/// training file. A header record (`row,label`) is optional; errors name the 1-based line.
public enum PoolLabelsFile {
    public static func read(_ path: String) throws(EaseMLCIError) -> [(row: Int, label: String)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: data, file: path) } catch { throw .data(DataFileError(error)) }
        var result: [(row: Int, label: String)] = []
        for (index, record) in records.enumerated() {
            if index == 0 && record.fields.first?.lowercased() == "row" { continue }
            let fields = record.fields
            guard fields.count == 2, let row = Int(fields[0]), row >= 0, !fields[1].isEmpty else {
                throw .improvement(message: "\(path):\(record.line): expected `row,label` (a pool row number and its label)")
            }
            result.append((row, fields[1]))
        }
        guard !result.isEmpty else { throw .improvement(message: "\(path) holds no labels") }
        return result
    }
}
