/// The Python dictionary literal of a `.npy` header, e.g.
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, read strictly: string keys; values
/// that are strings, `True`/`False` or tuples of integers (a Python 2 `L` suffix is allowed).
///
/// Integers are kept as their sign and digits (`Dimension`), not converted, so that a negative or
/// oversized dimension becomes a precise error of `NumpyHeader` instead of a trap here.
struct NumpyDictionaryLiteral {
    enum Value {
        case string(String)
        case bool(Bool)
        case tuple([Dimension])
        /// Any other literal (a list, a number), kept as text for the error message.
        case other(String)
    }

    /// An integer as written: `value` is nil when its digits do not fit in an `Int`.
    struct Dimension {
        var negative: Bool
        var value: Int?
        var text: String
    }

    private(set) var entries: [String: Value] = [:]

    /// Parses `text`; the error message says what is wrong where.
    init(_ text: [UInt8]) throws(ParseError) {
        var scanner = Scanner(bytes: text)
        scanner.skipSpaces()
        try scanner.expect(UInt8(ascii: "{"))
        while true {
            scanner.skipSpaces()
            if scanner.consume(UInt8(ascii: "}")) { break }
            let key = try scanner.string()
            scanner.skipSpaces()
            try scanner.expect(UInt8(ascii: ":"))
            scanner.skipSpaces()
            let value = try scanner.value()
            guard entries.updateValue(value, forKey: key) == nil else { throw ParseError(message: "the key '\(key)' appears twice") }
            scanner.skipSpaces()
            if scanner.consume(UInt8(ascii: ",")) { continue }
            try scanner.expect(UInt8(ascii: "}"))
            break
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw ParseError(message: "text after the closing brace") }
    }

    struct ParseError: Error {
        var message: String
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func skipSpaces() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x00].contains(bytes[index]) { index += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func expect(_ byte: UInt8) throws(ParseError) {
            guard consume(byte) else {
                let found = index < bytes.count ? "'\(String(decoding: [bytes[index]], as: UTF8.self))'" : "the end"
                throw ParseError(message: "expected '\(String(decoding: [byte], as: UTF8.self))', found \(found)")
            }
        }

        mutating func string() throws(ParseError) -> String {
            guard index < bytes.count, bytes[index] == 0x27 || bytes[index] == 0x22 else { throw ParseError(message: "expected a quoted key or string") }
            let quote = bytes[index]
            let start = index + 1
            var end = start
            while end < bytes.count && bytes[end] != quote { end += 1 }
            guard end < bytes.count else { throw ParseError(message: "unterminated string") }
            index = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        mutating func value() throws(ParseError) -> Value {
            guard index < bytes.count else { throw ParseError(message: "a key without a value") }
            switch bytes[index] {
            case 0x27, 0x22: return .string(try string())
            case UInt8(ascii: "("): return .tuple(try tuple())
            default:
                if word("True") { return .bool(true) }
                if word("False") { return .bool(false) }
                // Up to the next comma or brace outside brackets (a structured dtype's list).
                let start = index
                var depth = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    if depth == 0 && (byte == 0x2C || byte == 0x7D) { break }
                    if byte == 0x5B || byte == 0x28 { depth += 1 }
                    if byte == 0x5D || byte == 0x29 { depth -= 1 }
                    index += 1
                }
                guard index > start else { throw ParseError(message: "a key without a value") }
                return .other(String(decoding: bytes[start..<index], as: UTF8.self))
            }
        }

        private mutating func word(_ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            guard bytes.count - index >= utf8.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else { return false }
            index += utf8.count
            return true
        }

        private mutating func tuple() throws(ParseError) -> [Dimension] {
            try expect(UInt8(ascii: "("))
            var items: [Dimension] = []
            while true {
                skipSpaces()
                if consume(UInt8(ascii: ")")) { return items }
                items.append(try integer())
                skipSpaces()
                if consume(UInt8(ascii: ",")) { continue }
                try expect(UInt8(ascii: ")"))
                return items
            }
        }

        private mutating func integer() throws(ParseError) -> Dimension {
            let start = index
            let negative = consume(UInt8(ascii: "-"))
            if !negative { _ = consume(UInt8(ascii: "+")) }
            let digitsStart = index
            var value: Int? = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if let current = value {
                    let (times, o1) = current.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(Int(bytes[index] - 0x30))
                    value = o1 || o2 ? nil : sum
                }
                index += 1
            }
            guard index > digitsStart else { throw ParseError(message: "expected an integer in the shape") }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            _ = consume(UInt8(ascii: "L"))
            return Dimension(negative: negative, value: value, text: text)
        }
    }
}
