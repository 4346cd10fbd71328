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
