/// The header of a NumPy `.npy` file: the one `.npy` header reader of easeml-ci.
///
/// Reads format versions 1.0, 2.0 and 3.0 and checks everything a reader relies on before it
/// allocates anything: the magic, the version, the dictionary literal with exactly the keys
/// `descr`, `fortran_order` and `shape`, the dtype (signed or unsigned integers of 1, 2, 4 or 8
/// bytes, float32 or float64, either byte order), the order (Fortran order only where it is the
/// same layout as C order: at most one dimension above 1), every dimension (a non-negative
/// integer), that the array's byte size fits in an `Int`, and that the file holds that many bytes
/// after the header. Each failure is a `NumpyHeaderError`, never a trap, so a hostile or
/// corrupt file cannot crash the tool.
public struct NumpyHeader: Sendable, Hashable {
    /// What the elements are.
    public enum ScalarKind: Sendable, Hashable {
        case signedInteger, unsignedInteger, float
    }

    /// The format's major version (1, 2 or 3).
    public var majorVersion: Int
    /// The dtype as written, e.g. `<f8`.
    public var descr: String
    public var kind: ScalarKind
    /// Bytes per element.
    public var itemSize: Int
    public var isBigEndian: Bool
    public var fortranOrder: Bool
    public var shape: [Int]
    /// The product of `shape` (1 for a scalar's empty shape).
    public var elementCount: Int
    /// Where the data starts in the file.
    public var dataOffset: Int

    /// The first six bytes of every `.npy` file.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Whether `bytes` start like a `.npy` file.
    public static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && zip(bytes, magic).allSatisfy { $0 == $1 }
    }

    /// Reads and checks the header at the start of `bytes`, the whole file.
    public init(parsing bytes: UnsafeRawBufferPointer, file: String) throws(NumpyHeaderError) {
        func fail(_ kind: NumpyHeaderError.Kind, _ message: String) -> NumpyHeaderError {
            NumpyHeaderError(kind, file: file, message)
        }
        guard Self.hasMagic(bytes) else { throw fail(.notNumpy, "not a .npy file (missing the \\x93NUMPY magic)") }
        guard bytes.count >= 8 else { throw fail(.truncatedHeader, "truncated .npy header (the file ends after the magic)") }
        let major = Int(bytes[6])
        let minor = Int(bytes[7])
        guard (1...3).contains(major), minor == 0 else {
            throw fail(.unsupportedVersion, "unsupported .npy format version \(major).\(minor) (1.0, 2.0 and 3.0 are read)")
        }
        // Version 1 has a 2-byte header length, later versions a 4-byte one (both little-endian).
        let lengthBytes = major == 1 ? 2 : 4
        let headerStart = 8 + lengthBytes
        guard bytes.count >= headerStart else { throw fail(.truncatedHeader, "truncated .npy header (no header length)") }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(bytes[8 + k]) << (8 * k) }
        guard bytes.count - headerStart >= headerLength else {
            throw fail(.truncatedHeader, "truncated .npy header: it declares \(headerLength) bytes, the file has \(bytes.count - headerStart) after the length")
        }
        let text = Array(bytes[headerStart..<(headerStart + headerLength)])
        let dictionary: NumpyDictionaryLiteral
        do { dictionary = try NumpyDictionaryLiteral(text) } catch {
            throw fail(.malformedHeader, "unreadable .npy header (\(error.message)): \(Self.shown(text))")
        }
        for key in ["descr", "fortran_order", "shape"] where dictionary.entries[key] == nil {
            throw fail(.missingKey, "the .npy header has no '\(key)': \(Self.shown(text))")
        }
        if let extra = dictionary.entries.keys.sorted().first(where: { !["descr", "fortran_order", "shape"].contains($0) }) {
            throw fail(.malformedHeader, "unexpected key '\(extra)' in the .npy header (only descr, fortran_order and shape)")
        }
        guard case .string(let descr) = dictionary.entries["descr"] else {
            throw fail(.unsupportedDType, "unsupported dtype (a structured array): use integers, float32 or float64")
        }
        guard case .bool(let fortranOrder) = dictionary.entries["fortran_order"] else {
            throw fail(.malformedHeader, "'fortran_order' must be True or False")
        }
        guard case .tuple(let dimensions) = dictionary.entries["shape"] else {
            throw fail(.malformedHeader, "'shape' must be a tuple of integers")
        }
        let shapeText = "(" + dimensions.map(\.text).joined(separator: ", ") + (dimensions.count == 1 ? ",)" : ")")
        var shape: [Int] = []
        for dimension in dimensions {
            if dimension.negative && dimension.value != 0 {
                throw fail(.negativeDimension, "the shape \(shapeText) has a negative dimension \(dimension.text)")
            }
            guard let value = dimension.value else {
                throw fail(.dimensionOverflow, "the shape \(shapeText) has a dimension too large to address (\(dimension.text))")
            }
            shape.append(value)
        }
        let (kind, itemSize, bigEndian) = try Self.dtype(descr, fail)
        if fortranOrder && shape.filter({ $0 > 1 }).count > 1 {
            throw fail(.fortranOrder, "Fortran-ordered arrays of shape \(shapeText) are not supported; save with np.ascontiguousarray")
        }
        var elements = 1
        var overflow = false
        for value in shape {
            let (product, o) = elements.multipliedReportingOverflow(by: value)
            elements = product
            overflow = overflow || o
        }
        let (byteCount, o) = elements.multipliedReportingOverflow(by: itemSize)
        guard !overflow, !o else {
            throw fail(.dimensionOverflow, "the shape \(shapeText) of \(itemSize)-byte elements is too large to address")
        }
        let dataOffset = headerStart + headerLength
        guard bytes.count - dataOffset >= byteCount else {
            throw fail(.truncatedData, "the file holds fewer than the \(elements) values its header declares (\(bytes.count - dataOffset) of \(byteCount) data bytes)")
        }
        self.majorVersion = major
        self.descr = descr
        self.kind = kind
        self.itemSize = itemSize
        self.isBigEndian = bigEndian
        self.fortranOrder = fortranOrder
        self.shape = shape
        self.elementCount = elements
        self.dataOffset = dataOffset
    }

    /// `descr` as kind, width and byte order: `<`, `>`, `=` (native: little-endian on every
    /// platform easeml-ci builds for) or `|` (one-byte types).
    private static func dtype(
        _ descr: String, _ fail: (NumpyHeaderError.Kind, String) -> NumpyHeaderError
    ) throws(NumpyHeaderError) -> (ScalarKind, Int, Bool) {
        let unsupported = fail(.unsupportedDType, "unsupported dtype '\(descr)': use integers, float32 or float64")
        let utf8 = Array(descr.utf8)
        guard utf8.count >= 3, let width = Int(String(decoding: utf8[2...], as: UTF8.self)) else { throw unsupported }
        let kind: ScalarKind
        switch utf8[1] {
        case UInt8(ascii: "i"): kind = .signedInteger
        case UInt8(ascii: "u"): kind = .unsignedInteger
        case UInt8(ascii: "f"): kind = .float
        default: throw unsupported
        }
        guard kind == .float ? (width == 4 || width == 8) : [1, 2, 4, 8].contains(width) else { throw unsupported }
        switch utf8[0] {
        case UInt8(ascii: "<"), UInt8(ascii: "="): return (kind, width, false)
        case UInt8(ascii: ">"): return (kind, width, true)
        case UInt8(ascii: "|") where width == 1: return (kind, width, false)
        default: throw unsupported
        }
    }

    private static func shown(_ text: [UInt8]) -> String {
        var shown = String(decoding: text.prefix(200), as: UTF8.self)
        while let last = shown.last, last.isWhitespace { shown.removeLast() }
        return shown
    }

    /// The shape in Python's notation: `(3,)`, `(2, 4)`.
    public var shapeText: String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    // MARK: What a reader takes

    /// The length of a vector: shape `(n,)`, or `(n, 1)` (a column), else `.unsupportedShape`.
    public func vectorLength(file: String) throws(NumpyHeaderError) -> Int {
        guard let first = shape.first, shape.dropFirst().allSatisfy({ $0 == 1 }) else {
            throw NumpyHeaderError(.unsupportedShape, file: file, "expected a one-dimensional array, got shape \(shapeText)")
        }
        return first
    }

    /// The rows and columns of a matrix: shape `(rows, columns)`, or `(n,)` read as n × 1.
    public func matrixShape(file: String) throws(NumpyHeaderError) -> (rows: Int, columns: Int) {
        switch shape.count {
        case 1: return (shape[0], 1)
        case 2: return (shape[0], shape[1])
        default: throw NumpyHeaderError(.unsupportedShape, file: file, "expected a 1-D or 2-D array, got shape \(shapeText)")
        }
    }

    // MARK: Elements

    /// Element `i`'s bytes as an unsigned integer in native order (the low `itemSize` bytes).
    /// `bytes` is the file the header was read from, so `i < elementCount` is in range.
    @inlinable
    public func bits(at i: Int, in bytes: UnsafeRawBufferPointer) -> UInt64 {
        let offset = dataOffset + i * itemSize
        let value: UInt64
        switch itemSize {
        case 1: return UInt64(bytes[offset])
        case 2: value = UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian)
        case 4: value = UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
        default: value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
        }
        guard isBigEndian else { return value }
        return value.byteSwapped >> UInt64(64 - 8 * itemSize)
    }

    /// Element `i` as a `Double` (exact for floats and for integers up to 2⁵³).
    @inlinable
    public func double(at i: Int, in bytes: UnsafeRawBufferPointer) -> Double {
        let raw = bits(at: i, in: bytes)
        switch kind {
        case .float: return itemSize == 4 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw))) : Double(bitPattern: raw)
        case .unsignedInteger: return Double(raw)
        case .signedInteger: return Double(signExtended(raw))
        }
    }

    /// Element `i` of an integer array as its decimal text.
    public func integerText(at i: Int, in bytes: UnsafeRawBufferPointer) -> String {
        let raw = bits(at: i, in: bytes)
        return kind == .unsignedInteger ? String(raw) : String(signExtended(raw))
    }

    @inlinable
    func signExtended(_ raw: UInt64) -> Int64 {
        let shift = UInt64(64 - 8 * itemSize)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    // MARK: Writing

    /// The bytes of a version 1.0 header for `descr` and `shape`, padded to 64 bytes as NumPy does.
    public static func encoded(descr: String, fortranOrder: Bool = false, shape: [Int]) -> [UInt8] {
        let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = header.utf8.count
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    }
}
