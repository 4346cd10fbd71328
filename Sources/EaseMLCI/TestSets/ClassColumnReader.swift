import EaseMLCore
import EaseMLData
import Foundation

/// Reads a column of class labels from the bytes of a file (DESIGN §9: bad input gets a clear,
/// positioned error). Formats, chosen by extension and then by content:
///
/// - CSV with two columns `id,label` (a header row is recognised when its first field is `id` or
///   its second is `label`, `prediction`, `class`, `y` or `target`), read by `CSVTokenizer`:
///   double-quoted fields (`"New York, NY"`), LF or CRLF.
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
        if lower.hasSuffix(".npy") || data.starts(with: NumpyHeader.magic) {
            let result = data.withUnsafeBytes { raw in
                Result { () throws(DataFileError) in try NumpyIntegerVector.read(raw, file: file) }
            }
            return try result.get()
        }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
            return try readJSONLines([UInt8](data), file: file)
        }
        let result = data.withUnsafeBytes { raw in
            Result { () throws(DataFileError) in try readDelimited(raw.bindMemory(to: UInt8.self), file: file)! }
        }
        return try result.get()
    }

    /// A column read with `expected` ids (`read(contentsOf:file:expected:)`).
    public struct Read {
        public var column: ClassColumn
        /// True when the file named exactly the expected ids, in their order: `column.ids` is then
        /// nil (they are the expected ones, not stored twice).
        public var inExpectedOrder: Bool
    }

    /// Reads the file at `path` in one forward pass over a memory map that gives back the pages it
    /// has passed, so a file of any size costs its column, not its bytes (a pipe or device is read
    /// whole). `expected(i, bytes)` says whether row `i`'s id is the `i`-th expected id (the test
    /// set's, in its order): while every row's id is, no id is stored; at the first row whose id is
    /// not, the file is read again keeping its ids. Nil when the file cannot be opened.
    public func read(
        contentsOf path: String, file: String? = nil, expected: ((Int, UnsafeBufferPointer<UInt8>) -> Bool)? = nil
    ) throws(DataFileError) -> Read? {
        let name = file ?? path
        let lower = name.lowercased()
        guard !lower.hasSuffix(".npy"), !lower.hasSuffix(".jsonl"), !lower.hasSuffix(".ndjson"), let mapped = MappedFile.open(path) else {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return Read(column: try read(data, file: name), inExpectedOrder: false)
        }
        if mapped.bytes.isEmpty { throw .file(name, .empty, "the file is empty") }
        if mapped.bytes.starts(with: NumpyHeader.magic) {
            return Read(column: try read(Data(buffer: mapped.bytes), file: name), inExpectedOrder: false)
        }
        if let expected, var column = try readDelimited(mapped.bytes, file: name, expected: expected, release: mapped.release(before:)) {
            column.ids = nil
            return Read(column: column, inExpectedOrder: true)
        }
        guard let reread = MappedFile.open(path) else { return nil }
        return Read(column: try readDelimited(reread.bytes, file: name, expected: nil, release: reread.release(before:))!, inExpectedOrder: false)
    }

    // MARK: CSV and one-per-line

    /// One pass over the bytes in place: the tokenizer allocates nothing per line, and a label is
    /// interned from its bytes (copied only for a new class or a label with doubled quotes).
    ///
    /// With `expected`, ids that match it are not stored, and nil is returned at the first row
    /// whose id does not (the caller reads again without it); `release` is told every 2^16 rows
    /// where the current record starts.
    private func readDelimited(
        _ buffer: UnsafeBufferPointer<UInt8>, file: String, expected: ((Int, UnsafeBufferPointer<UInt8>) -> Bool)? = nil,
        release: ((Int) -> Void)? = nil
    ) throws(DataFileError) -> ClassColumn? {
        var interner = ClassInterner()
        var codes: [Int32] = []
        var ids = ExampleIDs()
        var hasIDs: Bool?
        var seenHeader = false
        codes.reserveCapacity(buffer.count / 4)
        var csv = CSVTokenizer(buffer, file: file)
        // The closures bound once: an `if let` of an optional closure per row retains and releases
        // its context every row (a tenth of a 10M-row parse).
        let checksIDs = expected != nil, releases = release != nil
        let expected = expected ?? { _, _ in true }
        let release = release ?? { _ in }
        while true {
            if releases, codes.count & 0xFFFF == 0 { release(csv.recordStart) }
            do { guard try csv.next() else { break } } catch { throw DataFileError(error) }
            let count = csv.fields.count
            let first = csv.fields[0]
            if !seenHeader {
                seenHeader = true
                let firstText = csv.string(first).lowercased()
                if count == 2 {
                    let second = csv.string(csv.fields[1]).lowercased()
                    if firstText == "id" || Self.headerLabelNames.contains(second) { hasIDs = true; continue }
                }
                if count == 1 && Self.headerLabelNames.contains(firstText) { hasIDs = false; continue }
            }
            let expectIDs = hasIDs ?? (count == 2)
            if hasIDs == nil { hasIDs = expectIDs }
            guard count == (expectIDs ? 2 : 1) else {
                throw DataFileError(kind: .malformedRow, diagnostic: csv.diagnostic(
                    at: csv.recordStart, "expected \(expectIDs ? "2 fields (id,label)" : "1 field (a label)"), found \(count)"))
            }
            let label = expectIDs ? csv.fields[1] : first
            if isMissing(buffer, label.start, label.end) {
                throw DataFileError(kind: .missingLabel, diagnostic: csv.diagnostic(at: label.start, "missing label (empty, NaN or null)"))
            }
            if expectIDs {
                if checksIDs {
                    let row = codes.count
                    if first.hasEscapedQuotes {
                        var text = csv.string(first)
                        guard text.withUTF8({ expected(row, $0) }) else { return nil }
                    } else {
                        guard expected(row, csv.rawBytes(first)) else { return nil }
                    }
                } else if first.hasEscapedQuotes {
                    ids.append(csv.string(first).utf8)
                } else {
                    ids.append(csv.rawBytes(first))
                }
            } else if checksIDs {
                return nil
            }
            codes.append(label.hasEscapedQuotes ? interner.code(csv.string(label)) : interner.code(buffer, label.start, label.end))
        }
        if codes.isEmpty { throw .file(file, .empty, "the file has no labels") }
        return ClassColumn(classes: interner.classes, codes: codes, ids: hasIDs == true ? ids : nil)
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
