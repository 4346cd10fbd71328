import Foundation

/// The JSON every command prints for `--json`: pretty-printed, keys sorted, dates in ISO 8601,
/// infinities and NaN as the strings `"inf"`, `"-inf"` and `"nan"` (JSON has no numbers for them).
public enum ReportJSON {
    /// The text of `value`. The reports are plain Codable values whose only encoding failure
    /// would be a non-finite number, which the strategy above turns into a string.
    public static func text<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}
