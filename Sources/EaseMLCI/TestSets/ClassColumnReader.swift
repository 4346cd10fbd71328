import EaseMLCore
import Foundation

/// Reads a column of class labels from the bytes of a file (DESIGN §9: bad input gets a clear,
/// positioned error). Formats, chosen by extension and then by content:
///
/// - CSV with two columns `id,label` (a header row is recognised when its first field is `id` or
///   its second is `label`, `prediction`, `class`, `y` or `target`); double-quoted fields allowed.
/// - One label per line (`.txt` or any single-column file); a first line `label`, `prediction` or
///   `class` is taken as a header.
/// - JSONL (`.jsonl`, `.ndjson`): one object per line with `id` and `label` (or `prediction`,
///   `class`), or one bare JSON string/number per line.
/// - `.npy`: a one-dimensional NumPy array of integers (any width, either byte order) or of
///   integral floats.
///
/// Empty labels and `nan`/`NaN`/`null` are errors. Blank lines are skipped.
public struct ClassColumnReader: Sendable {
    public init() {}

    private static let headerLabelNames: Set<String> = ["label", "labels", "prediction", "predictions", "class", "y", "target"]

    /// Parses `data`; `file` names the file in errors and chooses the format by its extension.
    public func read(_ data: Data, file: String) throws(DataFileError) -> ClassColumn {
        if data.isEmpty { throw .file(file, .empty, "the file is empty") }
        let lower = file.lowercased()
        if lower.hasSuffix(".npy") || data.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return try NumpyIntegerVector.read([UInt8](data), file: file)
        }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            return try readJSONLines([UInt8](data), file: file)
        }
        let result = data.withUnsafeBytes { raw in
            Result { () throws(DataFileError) in try readDelimited(raw.bindMemory(to: UInt8.self), file: file) }
        }
        return try result.get()
    }

    // MARK: CSV and one-per-line

    /// One pass over the bytes in place: no copy of the file and no allocation per line.
    private func readDelimited(_ buffer: UnsafeBufferPointer<UInt8>, file: String) throws(DataFileError) -> ClassColumn {
        var interner = ClassInterner()
        var codes: [Int32] = []
        var ids = ExampleIDs()
        var hasIDs: Bool?
        var lineNumber = 0
        var lineStart = 0
        var seenHeader = false
        let count = buffer.count
        codes.reserveCapacity(count / 4)
        guard let base = buffer.baseAddress else { throw .file(file, .empty, "the file is empty") }
        while lineStart < count {
            let lineEnd = memchr(base + lineStart, 0x0A, count - lineStart)
                .map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
            lineNumber += 1
            var contentEnd = lineEnd
            if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer { lineStart = lineEnd + 1 }
            if isBlank(buffer, lineStart, contentEnd) { continue }
            guard let fields = splitCSV(buffer, lineStart, contentEnd) else {
                throw positioned(file, buffer, lineStart, contentEnd, lineNumber, 1, .malformedRow, "unterminated quoted field")
            }
            if !seenHeader {
                seenHeader = true
                let first = String(decoding: buffer[fields.first.start..<fields.first.end], as: UTF8.self).lowercased()
                if fields.count == 2 {
                    let second = String(decoding: buffer[fields.second.start..<fields.second.end], as: UTF8.self).lowercased()
                    if first == "id" || Self.headerLabelNames.contains(second) { hasIDs = true; continue }
                }
                if fields.count == 1 && Self.headerLabelNames.contains(first) { hasIDs = false; continue }
            }
            let expectIDs = hasIDs ?? (fields.count == 2)
            if hasIDs == nil { hasIDs = expectIDs }
            guard fields.count == (expectIDs ? 2 : 1) else {
                throw positioned(file, buffer, lineStart, contentEnd, lineNumber, 1, .malformedRow,
                                 "expected \(expectIDs ? "2 fields (id,label)" : "1 field (a label)"), found \(fields.count)")
            }
            let labelField = expectIDs ? fields.second : fields.first
            if isMissing(buffer, labelField.start, labelField.end) {
                throw positioned(file, buffer, lineStart, contentEnd, lineNumber, labelField.start - lineStart + 1,
                                 .missingLabel, "missing label (empty, NaN or null)")
            }
            codes.append(interner.code(buffer, labelField.start, labelField.end))
            if expectIDs { ids.append(UnsafeBufferPointer(rebasing: buffer[fields.first.start..<fields.first.end])) }
        }
        if codes.isEmpty { throw .file(file, .empty, "the file has no labels") }
        return ClassColumn(classes: interner.classes, codes: codes, ids: hasIDs == true ? ids : nil)
    }

    private struct Field { var start: Int; var end: Int }

    /// The first two fields of a line and how many fields it has.
    private struct Fields {
        var first = Field(start: 0, end: 0)
        var second = Field(start: 0, end: 0)
        var count = 0

        mutating func append(_ field: Field) {
            if count == 0 { first = field } else if count == 1 { second = field }
            count += 1
        }
    }

    /// Splits one CSV line into field ranges (quotes stripped; doubled quotes are left in place,
    /// which only matters for ids and labels that contain quotes). `nil` if a quote is unterminated.
    private func splitCSV(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Fields? {
        var fields = Fields()
        var i = start
        while true {
            while i < end && (b[i] == 0x20 || b[i] == 0x09) { i += 1 }
            if i < end && b[i] == 0x22 {
                let open = i + 1
                var j = open
                while j < end {
                    if b[j] == 0x22 {
                        if j + 1 < end && b[j + 1] == 0x22 { j += 2; continue }
                        break
                    }
                    j += 1
                }
                guard j < end else { return nil }
                fields.append(Field(start: open, end: j))
                i = j + 1
                while i < end && b[i] != 0x2C { i += 1 }
            } else {
                var j = i
                while j < end && b[j] != 0x2C { j += 1 }
                var e = j
                while e > i && (b[e - 1] == 0x20 || b[e - 1] == 0x09) { e -= 1 }
                fields.append(Field(start: i, end: e))
                i = j
            }
            if i >= end { return fields }
            i += 1
        }
    }

    private func isBlank(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            if b[i] != 0x20 && b[i] != 0x09 { return false }
            i += 1
        }
        return true
    }

    private func isMissing(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        if length == 0 { return true }
        guard length == 3 || length == 4 else { return false }
        let text = String(decoding: b[start..<end], as: UTF8.self).lowercased()
        return text == "nan" || text == "null" || text == "none"
    }

    private func positioned<Bytes: RandomAccessCollection<UInt8>>(
        _ file: String, _ bytes: Bytes, _ lineStart: Int, _ lineEnd: Int, _ line: Int, _ column: Int,
        _ kind: DataFileError.Kind, _ message: String
    ) -> DataFileError where Bytes.Index == Int {
        let start = SourceLocation(line: line, column: column, offset: lineStart + column - 1)
        let sourceLine = String(decoding: bytes[lineStart..<min(lineEnd, lineStart + 200)], as: UTF8.self)
        return DataFileError(
            kind: kind,
            diagnostic: Diagnostic(file: file, range: SourceRange(start: start, end: start), message: message, sourceLine: sourceLine))
    }

    // MARK: JSONL

    private func readJSONLines(_ bytes: [UInt8], file: String) throws(DataFileError) -> ClassColumn {
        var interner = ClassInterner()
        var codes: [Int32] = []
        var ids = ExampleIDs()
        var hasIDs: Bool?
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            lineNumber += 1
            defer { lineStart = lineEnd + 1 }
            let line = bytes[lineStart..<lineEnd]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            func fail(_ kind: DataFileError.Kind, _ message: String) -> DataFileError {
                positioned(file, bytes, lineStart, lineEnd, lineNumber, 1, kind, message)
            }
            guard let value = try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed]) else {
                throw fail(.malformedRow, "not valid JSON")
            }
            var label: Any? = value
            var id: Any?
            if let object = value as? [String: Any] {
                id = object["id"]
                label = object["label"] ?? object["prediction"] ?? object["class"]
                guard label != nil else { throw fail(.malformedRow, "the object has no `label`, `prediction` or `class` key") }
            }
            if hasIDs == nil { hasIDs = id != nil }
            guard (id != nil) == hasIDs else { throw fail(.missingID, "some lines have an `id` and this one does not match") }
            let text: String
            switch label {
            case let string as String: text = string
            case let number as NSNumber where !number.doubleValue.isNaN: text = number.stringValue
            default: throw fail(.missingLabel, "missing label (null, NaN or not a string or number)")
            }
            if text.isEmpty || ["nan", "null", "none"].contains(text.lowercased()) {
                throw fail(.missingLabel, "missing label (empty, NaN or null)")
            }
            codes.append(interner.code(text))
            if let id { ids.append(Array("\(id)".utf8)) }
        }
        if codes.isEmpty { throw .file(file, .empty, "the file has no labels") }
        return ClassColumn(classes: interner.classes, codes: codes, ids: hasIDs == true ? ids : nil)
    }
}

/// Maps label bytes to dense class codes: a direct table for one-byte labels (digit classes), a
/// short linear table next (most tasks have few classes), a dictionary beyond it.
struct ClassInterner {
    private(set) var classes: [String] = []
    private var classBytes: [[UInt8]] = []
    private var index: [String: Int32] = [:]
    private var oneByte = [Int32](repeating: -1, count: 256)

    mutating func code(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
        let length = end - start
        if length == 1 {
            let known = oneByte[Int(b[start])]
            if known >= 0 { return known }
        }
        if classBytes.count <= 64, let field = b.baseAddress.map({ $0 + start }) {
            for i in classBytes.indices where classBytes[i].count == length {
                let equal = classBytes[i].withUnsafeBufferPointer { known in
                    var k = 0
                    while k < length && known[k] == field[k] { k += 1 }
                    return k == length
                }
                if equal { return Int32(i) }
            }
        }
        return code(String(decoding: b[start..<end], as: UTF8.self))
    }

    mutating func code(_ text: String) -> Int32 {
        if let existing = index[text] { return existing }
        let new = Int32(classes.count)
        classes.append(text)
        classBytes.append(Array(text.utf8))
        index[text] = new
        if classBytes[classBytes.count - 1].count == 1 { oneByte[Int(classBytes[classBytes.count - 1][0])] = new }
        return new
    }
}
