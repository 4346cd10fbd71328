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
        let bytes = [UInt8](data)
        if bytes.isEmpty { throw .file(file, .empty, "the file is empty") }
        let lower = file.lowercased()
        if lower.hasSuffix(".npy") || bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return try NumpyIntegerVector.read(bytes, file: file)
        }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            return try readJSONLines(bytes, file: file)
        }
        return try readDelimited(bytes, file: file)
    }

    // MARK: CSV and one-per-line

    private func readDelimited(_ bytes: [UInt8], file: String) throws(DataFileError) -> ClassColumn {
        var interner = ClassInterner()
        var codes: [Int32] = []
        var ids = ExampleIDs()
        var hasIDs: Bool?
        var lineNumber = 0
        var lineStart = 0
        var seenHeader = false
        codes.reserveCapacity(bytes.count / 4)
        var error: DataFileError?
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            while lineStart < count, error == nil {
                var lineEnd = lineStart
                while lineEnd < count && buffer[lineEnd] != 0x0A { lineEnd += 1 }
                lineNumber += 1
                var contentEnd = lineEnd
                if contentEnd > lineStart && buffer[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                defer { lineStart = lineEnd + 1 }
                if isBlank(buffer, lineStart, contentEnd) { continue }
                let fields = splitCSV(buffer, lineStart, contentEnd)
                guard let fields else {
                    error = positioned(file, bytes, lineStart, contentEnd, lineNumber, 1, .malformedRow, "unterminated quoted field")
                    return
                }
                if !seenHeader {
                    seenHeader = true
                    let names = fields.map { String(decoding: buffer[$0.start..<$0.end], as: UTF8.self).lowercased() }
                    if names.count == 2 && (names[0] == "id" || Self.headerLabelNames.contains(names[1])) { hasIDs = true; continue }
                    if names.count == 1 && Self.headerLabelNames.contains(names[0]) { hasIDs = false; continue }
                }
                let expectIDs = hasIDs ?? (fields.count == 2)
                if hasIDs == nil { hasIDs = expectIDs }
                guard fields.count == (expectIDs ? 2 : 1) else {
                    error = positioned(file, bytes, lineStart, contentEnd, lineNumber, 1, .malformedRow,
                                       "expected \(expectIDs ? "2 fields (id,label)" : "1 field (a label)"), found \(fields.count)")
                    return
                }
                let labelField = fields[expectIDs ? 1 : 0]
                if isMissing(buffer, labelField.start, labelField.end) {
                    error = positioned(file, bytes, lineStart, contentEnd, lineNumber, labelField.start - lineStart + 1,
                                       .missingLabel, "missing label (empty, NaN or null)")
                    return
                }
                codes.append(interner.code(buffer, labelField.start, labelField.end))
                if expectIDs { ids.append(UnsafeBufferPointer(rebasing: buffer[fields[0].start..<fields[0].end])) }
            }
        }
        if let error { throw error }
        if codes.isEmpty { throw .file(file, .empty, "the file has no labels") }
        return ClassColumn(classes: interner.classes, codes: codes, ids: hasIDs == true ? ids : nil)
    }

    private struct Field { var start: Int; var end: Int }

    /// Splits one CSV line into field ranges (quotes stripped; doubled quotes are left in place,
    /// which only matters for ids and labels that contain quotes). `nil` if a quote is unterminated.
    private func splitCSV(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> [Field]? {
        var fields: [Field] = []
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

    private func positioned(
        _ file: String, _ bytes: [UInt8], _ lineStart: Int, _ lineEnd: Int, _ line: Int, _ column: Int,
        _ kind: DataFileError.Kind, _ message: String
    ) -> DataFileError {
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

/// Maps label bytes to dense class codes; a short linear table first (most tasks have few
/// classes), a dictionary beyond it.
struct ClassInterner {
    private(set) var classes: [String] = []
    private var classBytes: [[UInt8]] = []
    private var index: [String: Int32] = [:]

    mutating func code(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32 {
        let length = end - start
        if classBytes.count <= 64 {
            for (i, known) in classBytes.enumerated() where known.count == length {
                var equal = true
                var k = 0
                while k < length {
                    if known[k] != b[start + k] { equal = false; break }
                    k += 1
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
        return new
    }
}
