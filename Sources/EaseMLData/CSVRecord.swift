import Foundation

/// One record read whole, for small files (ids, labels typed by a person, score matrices): its
/// 1-based line and its fields as text. Large files use `CSVTokenizer` directly, which copies
/// nothing.
public struct CSVRecord: Sendable, Hashable {
    public var line: Int
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }
}

extension CSVTokenizer {
    /// Every record of `data` (at most `limit`), read with the one CSV dialect (`CSVTokenizer`).
    public static func records(in data: Data, file: String, limit: Int = .max) throws(CSVError) -> [CSVRecord] {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(CSVError) -> [CSVRecord] in
                var csv = CSVTokenizer(raw.bindMemory(to: UInt8.self), file: file)
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

    /// Runs `body` with a tokenizer over `data`'s bytes, which stay valid during the call.
    public static func withTokenizer<R, E: Error>(
        over data: Data, file: String, _ body: (inout CSVTokenizer) throws(E) -> R
    ) throws(E) -> R {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(E) -> R in
                var csv = CSVTokenizer(raw.bindMemory(to: UInt8.self), file: file)
                return try body(&csv)
            }
        }
        return try result.get()
    }
}
