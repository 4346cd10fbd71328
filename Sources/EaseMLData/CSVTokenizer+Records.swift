import Foundation

extension CSVTokenizer {
    /// Every record of `data` (at most `limit`), read with the one CSV dialect (`CSVTokenizer`).
    public static func records(in data: Data, file: String, limit: Int = .max, delimiter: UInt8 = 0x2C) throws(CSVError) -> [CSVRecord] {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(CSVError) -> [CSVRecord] in
                var csv = CSVTokenizer(raw.bindMemory(to: UInt8.self), file: file, delimiter: delimiter)
                var records: [CSVRecord] = []
                while records.count < limit, try csv.next() { records.append(CSVRecord(line: csv.line, fields: csv.strings())) }
                return records
            }
        }
        return try result.get()
    }

    /// Every record of `text` (at most `limit`).
    public static func records(in text: String, file: String, limit: Int = .max) throws(CSVError) -> [CSVRecord] {
        try records(in: Data(text.utf8), file: file, limit: limit)
    }
}
