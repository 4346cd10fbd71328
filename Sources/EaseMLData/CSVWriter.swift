/// Writes CSV that `CSVTokenizer` reads back field for field: the one CSV writer of easeml-ci.
///
/// A field is quoted, its quotes doubled, when it holds a comma, a quote, CR or LF, or starts or
/// ends with a space or tab (which the tokenizer trims from unquoted fields) or starts with a byte
/// order mark; otherwise it is written as it is. Records end with LF.
public enum CSVWriter {
    /// `text` as a field of a record.
    public static func field(_ text: String) -> String {
        guard needsQuotes(text) else { return text }
        var out = "\""
        for character in text.unicodeScalars {
            if character == "\"" { out += "\"\"" } else { out.unicodeScalars.append(character) }
        }
        return out + "\""
    }

    /// One record: the fields separated by commas, then LF. A record of one empty field is written
    /// `""`, since an empty line is not a record.
    public static func line<S: Sequence>(_ fields: S) -> String where S.Element: StringProtocol {
        var out = ""
        var count = 0
        for value in fields {
            if count > 0 { out += "," }
            out += field(String(value))
            count += 1
        }
        return (count == 1 && out.isEmpty ? "\"\"" : out) + "\n"
    }

    /// Several records.
    public static func text<S: Sequence>(_ records: S) -> String where S.Element: Sequence, S.Element.Element: StringProtocol {
        var out = ""
        for record in records { out += line(record) }
        return out
    }

    private static func needsQuotes(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return true }
        // A byte order mark opening the file would be skipped by the tokenizer; inside quotes it is kept.
        if first == 0xEF && utf8.starts(with: [0xEF, 0xBB, 0xBF]) { return true }
        return utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    }
}
