/// A tiny canonical JSON writer for event payloads: object keys sorted (by UTF-16 code units, as
/// in RFC 8785), no whitespace, strings escaped the same way every time, integers only (no
/// floating point, whose printing varies). The same value always gives the same bytes, so the hash
/// chain can be recomputed by any tool that re-serializes the payload canonically.
public enum CanonicalJSON {
    /// A JSON value the ledger writes into events.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case bool(Bool)
        case null
        case array([Value])
        case object([String: Value])
    }

    /// The canonical text of `value`.
    public static func encode(_ value: Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    /// The canonical text of an object.
    public static func encode(_ object: [String: Value]) -> String {
        encode(.object(object))
    }

    private static func write(_ value: Value, into out: inout String) {
        switch value {
        case let .string(s): writeString(s, into: &out)
        case let .integer(i): out += String(i)
        case let .bool(b): out += b ? "true" : "false"
        case .null: out += "null"
        case let .array(items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (n, key) in keys.enumerated() {
                if n > 0 { out += "," }
                writeString(key, into: &out)
                out += ":"
                write(members[key]!, into: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
