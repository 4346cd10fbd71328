import EaseMLCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits CSV bytes into records and fields in place: the one CSV reader of easeml-ci.
///
/// The dialect (RFC 4180, plus the leniencies below), the same for every CSV file the tool reads:
/// - Fields are separated by commas (or tabs, for tab-separated files: `delimiter`), records by LF
///   or CRLF; the last record may lack a line end.
///   A lone CR is not a line end. A UTF-8 byte order mark at the start of the file is skipped.
/// - A field that starts with a double quote (after optional spaces) runs to the matching quote and
///   may hold commas, CR, LF and doubled quotes `""` (each one quote). Only spaces and tabs may
///   follow the closing quote before the next comma or line end; anything else is an error, as is
///   a quote that is never closed.
/// - Spaces and tabs around an unquoted field are not part of it (`1, 2` is `1` and `2`, which is
///   what people who type CSV by hand mean); a quoted field keeps every character between its
///   quotes, so a value with surrounding spaces survives when quoted (`CSVWriter` quotes it). A
///   quote inside an unquoted field is an ordinary character.
/// - Blank lines (empty, or only spaces and tabs) are not records and are skipped wherever they
///   are. A record of one empty field is therefore written `""`.
///
/// Why bytes and offsets: prediction files have tens of millions of lines. The tokenizer works over
/// an `UnsafeBufferPointer<UInt8>` (a memory-mapped or read file), finds line ends with `memchr`,
/// and keeps the current record's fields as byte ranges in one reused buffer, so an unquoted line
/// costs no allocation; the caller copies out only what it keeps.
///
///     var csv = CSVTokenizer(bytes, file: "labels.csv")
///     while try csv.next() {
///         let label = csv.string(csv.fields[1])   // csv.line is the record's 1-based line
///     }
///
/// The bytes must stay valid while the tokenizer is used. A copy of a tokenizer shares its field
/// buffer with the original: use one tokenizer at a time.
public struct CSVTokenizer {
    /// The bytes being read.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The file's name, for error positions.
    public let file: String
    private let storage = CSVFieldBuffer(capacity: 16)
    @usableFromInline private(set) var fieldPointer: UnsafeMutablePointer<CSVField>
    private var fieldCapacity: Int
    @usableFromInline private(set) var fieldCount = 0

    /// The fields of the current record (valid until the next call of `next()`).
    @inlinable
    public var fields: UnsafeBufferPointer<CSVField> { UnsafeBufferPointer(start: fieldPointer, count: fieldCount) }
    /// The 1-based line on which the current record starts.
    public private(set) var line = 0
    /// The byte offset of the current record's first byte.
    public private(set) var recordStart = 0
    /// The byte offset just past the current record's last field (before its line end).
    public private(set) var recordEnd = 0
    /// The offset of the next unread byte, and the line it is on.
    private var position: Int
    private var nextLine = 1

    /// The field separator: a comma, or a tab for tab-separated files (`init(_:file:delimiter:)`).
    public let delimiter: UInt8
    /// Whether tabs around an unquoted field are trimmed (not when the tab is the separator).
    private let trimsTabs: Bool

    /// A tokenizer of `bytes`; `delimiter` is `,` (CSV, the default) or a tab (TSV: tabs then
    /// separate fields and are never trimmed; every other rule is the same).
    public init(_ bytes: UnsafeBufferPointer<UInt8>, file: String, delimiter: UInt8 = 0x2C) {
        precondition(delimiter == 0x2C || delimiter == 0x09, "the delimiter is a comma or a tab")
        self.delimiter = delimiter
        trimsTabs = delimiter != 0x09
        self.bytes = bytes
        self.file = file
        fieldPointer = storage.pointer
        fieldCapacity = storage.capacity
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        position = bytes.count >= 3 && bytes[0] == bom[0] && bytes[1] == bom[1] && bytes[2] == bom[2] ? 3 : 0
    }

    /// Moves to the next record; `false` at the end of the bytes.
    public mutating func next() throws(CSVError) -> Bool {
        fieldCount = 0
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        if plainRecord(base, count) { return true }
        while position < count {
            let start = position
            var lineEnd = Self.find(0x0A, base, from: start, to: count)
            var contentEnd = lineEnd > start && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
            if Self.isBlank(base, start, contentEnd) {
                position = lineEnd + 1
                nextLine += 1
                continue
            }
            line = nextLine
            recordStart = start
            var i = start
            while true {
                while i < contentEnd && (base[i] == 0x20 || (base[i] == 0x09 && trimsTabs)) { i += 1 }
                if i < contentEnd && base[i] == 0x22 {
                    let open = i
                    var j = open + 1
                    var escaped = false
                    var close: Int
                    while true {
                        close = Self.find(0x22, base, from: j, to: count)
                        guard close < count else {
                            throw error(.unterminatedQuote, at: open, "unterminated quoted field: no closing quote before the end of the file")
                        }
                        guard close + 1 < count && base[close + 1] == 0x22 else { break }
                        escaped = true
                        j = close + 2
                    }
                    if close > lineEnd {
                        // The field holds line ends: the record goes on to the line of the closing quote.
                        nextLine += Self.lineFeeds(base, from: lineEnd, to: close)
                        lineEnd = Self.find(0x0A, base, from: close + 1, to: count)
                        contentEnd = lineEnd > close + 1 && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
                    }
                    append(CSVField(start: open + 1, end: close, isQuoted: true, hasEscapedQuotes: escaped))
                    i = close + 1
                    while i < contentEnd && (base[i] == 0x20 || (base[i] == 0x09 && trimsTabs)) { i += 1 }
                    if i < contentEnd && base[i] != delimiter {
                        throw error(.textAfterClosingQuote, at: i, "text after the closing quote of a field; quote the whole field and double the quotes inside it")
                    }
                } else {
                    var j = i
                    while j < contentEnd && base[j] != delimiter { j += 1 }
                    var e = j
                    while e > i && (base[e - 1] == 0x20 || (base[e - 1] == 0x09 && trimsTabs)) { e -= 1 }
                    append(CSVField(start: i, end: e, isQuoted: false, hasEscapedQuotes: false))
                    i = j
                }
                if i >= contentEnd { break }
                i += 1
            }
            recordEnd = contentEnd
            position = lineEnd + 1
            nextLine += 1
            return true
        }
        return false
    }

    /// The common record, in one pass: a nonblank line of plain fields (no quote, space, tab or CR
    /// anywhere in it, so nothing to trim or unquote). Any other line is left, untouched, to the
    /// general path of `next()`, which reads it from its start.
    @inline(__always)
    private mutating func plainRecord(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let start = position
        var i = start
        var fieldStart = start
        while i < count {
            let b = base[i]
            if b == delimiter {
                append(CSVField(start: fieldStart, end: i, isQuoted: false, hasEscapedQuotes: false))
                fieldStart = i + 1
            } else if b == 0x0A {
                break
            } else if b <= 0x22 && (b == 0x20 || b == 0x09 || b == 0x0D || b == 0x22) {
                fieldCount = 0
                return false
            }
            i += 1
        }
        guard i > start else { return false }
        append(CSVField(start: fieldStart, end: i, isQuoted: false, hasEscapedQuotes: false))
        line = nextLine
        recordStart = start
        recordEnd = i
        position = i + 1
        nextLine += 1
        return true
    }

    /// The field's text, with each `""` of a quoted field turned into `"`.
    public func string(_ field: CSVField) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
        guard field.hasEscapedQuotes else { return String(decoding: raw, as: UTF8.self) }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(raw.count)
        var k = 0
        while k < raw.count {
            unescaped.append(raw[k])
            k += raw[k] == 0x22 ? 2 : 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Every field of the current record as text.
    public func strings() -> [String] { fields.map(string) }

    /// The field's content bytes as they are in the file (quotes still doubled).
    @inlinable
    public func rawBytes(_ field: CSVField) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])
    }

    // MARK: Positions

    /// A diagnostic pointing at byte `offset` of a line of the current record (or any earlier
    /// byte): `file:line:column`, with the line's text for the caret. Columns count Unicode scalars.
    public func diagnostic(at offset: Int, _ message: String, hint: String? = nil) -> Diagnostic {
        let start = location(of: offset)
        return Diagnostic(
            file: file, range: SourceRange(start: start, end: start), message: message, sourceLine: sourceLine(around: offset), hint: hint)
    }

    /// The line and column of byte `offset` (counting from the current record when it is in it).
    public func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        guard let base = bytes.baseAddress else { return SourceLocation(line: 1, column: 1, offset: 0) }
        let lineNumber = offset >= recordStart && line > 0
            ? line + Self.lineFeeds(base, from: recordStart, to: offset)
            : 1 + Self.lineFeeds(base, from: 0, to: offset)
        let lineStart = startOfLine(offset)
        var column = 1
        for k in lineStart..<offset where base[k] & 0xC0 != 0x80 { column += 1 }
        return SourceLocation(line: lineNumber, column: column, offset: offset)
    }

    /// The text of the line holding `offset`, or nil when it is too long to show usefully.
    private func sourceLine(around offset: Int) -> String? {
        let offset = max(0, min(offset, bytes.count))
        let lineStart = startOfLine(offset)
        guard let base = bytes.baseAddress, offset - lineStart <= 1000 else { return nil }
        var end = Self.find(0x0A, base, from: offset, to: min(bytes.count, lineStart + 1000))
        if end > lineStart && base[end - 1] == 0x0D { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self)
    }

    private func startOfLine(_ offset: Int) -> Int {
        var k = offset
        while k > 0 && bytes[k - 1] != 0x0A { k -= 1 }
        return k
    }

    private func error(_ kind: CSVError.Kind, at offset: Int, _ message: String) -> CSVError {
        CSVError(kind: kind, diagnostic: diagnostic(at: offset, message))
    }

    // MARK: Scanning

    @inline(__always)
    private mutating func append(_ field: CSVField) {
        if fieldCount == fieldCapacity {
            storage.grow()
            fieldPointer = storage.pointer
            fieldCapacity = storage.capacity
        }
        fieldPointer[fieldCount] = field
        fieldCount += 1
    }

    /// The offset of the first `byte` in `from..<to`, or `to`.
    @inline(__always)
    private static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let found = memchr(base + from, Int32(byte), to - from) else { return to }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
    }

    private static func lineFeeds(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var n = 0
        var k = find(0x0A, base, from: from, to: to)
        while k < to {
            n += 1
            k = find(0x0A, base, from: k + 1, to: to)
        }
        return n
    }

    @inline(__always)
    private static func isBlank(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end {
            if base[k] != 0x20 && base[k] != 0x09 { return false }
            k += 1
        }
        return true
    }
}
