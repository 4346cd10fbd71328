import Foundation

/// The inputs file of a pick session: a CSV whose first column is the item id and whose other
/// columns are shown to the labeler (`pick next`, `pick run`). Fields may be double-quoted.
public struct PickInputs: Sendable {
    public var columns: [String]
    public var rows: [String: [String]]

    public static func load(_ path: String) throws(EaseMLCIError) -> PickInputs {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        var lines = text.split(whereSeparator: \.isNewline).map { split(String($0)) }
        guard !lines.isEmpty, lines[0].count >= 2 else {
            throw .invalidOption(option: "--inputs", message: "\(path): expected a CSV header `id,column,…`")
        }
        let header = lines.removeFirst()
        var rows: [String: [String]] = [:]
        for line in lines where !line.isEmpty { rows[line[0]] = Array(line.dropFirst()) }
        return PickInputs(columns: Array(header.dropFirst()), rows: rows)
    }

    /// The shown values of one item (empty strings when the file does not have it).
    public func values(for id: String) -> [String] {
        let row = rows[id] ?? []
        return columns.indices.map { row.indices.contains($0) ? row[$0] : "" }
    }

    /// One CSV line into fields (RFC 4180 quotes).
    static func split(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(line).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}
