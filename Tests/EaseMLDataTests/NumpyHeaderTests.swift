import Testing
@testable import EaseMLData

/// A `.npy` file: magic, version, little-endian header length (2 bytes for 1.x, 4 after), header, data.
func npyFile(_ header: String, data: [UInt8] = [], major: UInt8 = 1, minor: UInt8 = 0, padded: Bool = true) -> [UInt8] {
    var text = header
    let prefix = major == 1 ? 10 : 12
    if padded {
        while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
    }
    let length = text.utf8.count
    var bytes = NumpyHeader.magic + [major, minor, UInt8(length & 0xFF), UInt8(length >> 8)]
    if major != 1 { bytes += [0, 0] }
    return bytes + Array(text.utf8) + data
}

func dict(descr: String = "'<i8'", fortran: String = "False", shape: String) -> String {
    "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
}

func parse(_ bytes: [UInt8]) throws(NumpyHeaderError) -> NumpyHeader {
    try bytes.withUnsafeBytes { raw in Result { () throws(NumpyHeaderError) in try NumpyHeader(parsing: raw, file: "x.npy") } }.get()
}

func failure(_ bytes: [UInt8]) -> NumpyHeaderError? {
    do { _ = try parse(bytes); return nil } catch { return error }
}

/// Every malformed header the readers must refuse, with the error kind `NumpyHeader` gives it.
/// Shared with the reader and command-line tests (which cannot see this target), so kept small.
let malformedHeaders: [(name: String, bytes: [UInt8], kind: NumpyHeaderError.Kind)] = [
    ("bad-magic", Array("NOTNUMPY-file".utf8), .notNumpy),
    ("version-4", npyFile(dict(shape: "(1,)"), data: [1, 0, 0, 0, 0, 0, 0, 0], major: 4), .unsupportedVersion),
    ("version-1-1", npyFile(dict(shape: "(1,)"), data: [1, 0, 0, 0, 0, 0, 0, 0], minor: 1), .unsupportedVersion),
    ("truncated-length", NumpyHeader.magic + [1], .truncatedHeader),
    ("truncated-header", Array(npyFile(dict(shape: "(1,)")).prefix(40)), .truncatedHeader),
    ("not-a-dict", npyFile("descr: <i8"), .malformedHeader),
    ("unclosed-dict", npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (1,)"), .malformedHeader),
    ("missing-shape", npyFile("{'descr': '<i8', 'fortran_order': False, }"), .missingKey),
    ("missing-descr", npyFile("{'fortran_order': False, 'shape': (1,), }"), .missingKey),
    ("extra-key", npyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), 'x': True, }"), .malformedHeader),
    ("complex-dtype", npyFile(dict(descr: "'<c16'", shape: "(1,)"), data: Array(repeating: 0, count: 16)), .unsupportedDType),
    ("half-dtype", npyFile(dict(descr: "'<f2'", shape: "(1,)"), data: [0, 0]), .unsupportedDType),
    ("string-dtype", npyFile(dict(descr: "'|S4'", shape: "(1,)"), data: [0, 0, 0, 0]), .unsupportedDType),
    ("structured-dtype", npyFile(dict(descr: "[('a', '<i4')]", shape: "(1,)"), data: [0, 0, 0, 0]), .unsupportedDType),
    ("fortran-matrix", npyFile(dict(descr: "'<f8'", fortran: "True", shape: "(2, 3)"), data: Array(repeating: 0, count: 48)), .fortranOrder),
    ("negative-dimension", npyFile(dict(shape: "(-1, 3)")), .negativeDimension),
    ("huge-dimension", npyFile(dict(shape: "(99999999999999999999,)")), .dimensionOverflow),
    ("overflowing-product", npyFile(dict(shape: "(4611686018427387904, 4)")), .dimensionOverflow),
    ("overflowing-bytes", npyFile(dict(shape: "(2305843009213693952,)")), .dimensionOverflow),
    ("short-data", npyFile(dict(shape: "(3,)"), data: Array(repeating: 0, count: 23)), .truncatedData),
]

@Test func everyMalformedHeaderIsATypedError() {
    for example in malformedHeaders {
        let error = failure(example.bytes)
        #expect(error?.kind == example.kind, "\(example.name): \(String(describing: error))")
        #expect(error?.description.hasPrefix("x.npy: error: ") == true, "\(example.name)")
    }
}

@Test func messagesSayWhatIsWrong() {
    #expect(failure(malformedHeaders[0].bytes)?.message == "not a .npy file (missing the \\x93NUMPY magic)")
    #expect(failure(npyFile(dict(shape: "(-1, 3)")))?.message == "the shape (-1, 3) has a negative dimension -1")
    #expect(failure(npyFile(dict(shape: "(3,)"), data: Array(repeating: 0, count: 23)))?.message
        == "the file holds fewer than the 3 values its header declares (23 of 24 data bytes)")
    #expect(failure(npyFile(dict(descr: "'<c16'", shape: "(1,)")))?.message == "unsupported dtype '<c16': use integers, float32 or float64")
}

@Test func versionsOneTwoAndThreeAndTheirLayouts() throws {
    for major: UInt8 in [1, 2, 3] {
        let header = try parse(npyFile(dict(descr: "'<u2'", shape: "(2, 1)"), data: [5, 0, 0, 1], major: major))
        #expect(header.majorVersion == Int(major))
        #expect(header.shape == [2, 1] && header.elementCount == 2 && header.itemSize == 2)
        #expect(header.dataOffset % 64 == 0)
        #expect(try header.vectorLength(file: "x.npy") == 2)
    }
    // Python 2 longs, double quotes, no trailing comma, no padding.
    let loose = try parse(npyFile("{\"descr\": \"|u1\", \"fortran_order\": True, \"shape\": (3L,)}", data: [1, 2, 3], padded: false))
    #expect(loose.shape == [3] && loose.fortranOrder)
    // Fortran order is the same layout as C order when at most one dimension exceeds 1.
    #expect(try parse(npyFile(dict(descr: "'<f8'", fortran: "True", shape: "(1, 2)"), data: Array(repeating: 0, count: 16))).shape == [1, 2])
}

@Test func shapesTheReadersTake() throws {
    let cube = try parse(npyFile(dict(descr: "'|i1'", shape: "(2, 2, 2)"), data: Array(repeating: 0, count: 8)))
    #expect(throws: NumpyHeaderError(.unsupportedShape, file: "x.npy", "expected a 1-D or 2-D array, got shape (2, 2, 2)")) {
        try cube.matrixShape(file: "x.npy")
    }
    #expect(throws: NumpyHeaderError(.unsupportedShape, file: "x.npy", "expected a one-dimensional array, got shape (2, 2, 2)")) {
        try cube.vectorLength(file: "x.npy")
    }
    let scalar = try parse(npyFile(dict(descr: "'|i1'", shape: "()"), data: [7]))
    #expect(scalar.elementCount == 1)
    #expect(throws: NumpyHeaderError.self) { try scalar.vectorLength(file: "x.npy") }
    let empty = try parse(npyFile(dict(shape: "(0, 5)")))
    #expect(try empty.matrixShape(file: "x.npy") == (0, 5))
}

@Test func elementsInEitherByteOrder() throws {
    let big = npyFile(dict(descr: "'>u2'", shape: "(2,)"), data: [0, 5, 1, 0])
    try big.withUnsafeBytes { raw in
        let header = try NumpyHeader(parsing: raw, file: "b.npy")
        #expect(header.isBigEndian)
        #expect(header.integerText(at: 0, in: raw) == "5" && header.integerText(at: 1, in: raw) == "256")
    }
    let signed = npyFile(dict(descr: "'>i4'", shape: "(1,)"), data: [0xFF, 0xFF, 0xFF, 0xFE])
    try signed.withUnsafeBytes { raw in
        let header = try NumpyHeader(parsing: raw, file: "s.npy")
        #expect(header.integerText(at: 0, in: raw) == "-2" && header.double(at: 0, in: raw) == -2)
    }
    var floats: [UInt8] = []
    for v: Float in [1.5, -0.25] { withUnsafeBytes(of: v.bitPattern.littleEndian) { floats += $0 } }
    let f4 = npyFile(dict(descr: "'<f4'", shape: "(2,)"), data: floats)
    try f4.withUnsafeBytes { raw in
        let header = try NumpyHeader(parsing: raw, file: "f.npy")
        #expect(header.double(at: 0, in: raw) == 1.5 && header.double(at: 1, in: raw) == -0.25)
    }
}

@Test func encodedHeadersReadBack() throws {
    let bytes = NumpyHeader.encoded(descr: "<f8", shape: [3, 2]) + Array(repeating: 0, count: 48)
    let header = try parse(bytes)
    #expect(header.shape == [3, 2] && header.kind == .float && header.itemSize == 8 && !header.fortranOrder)
    #expect(header.dataOffset % 64 == 0 && header.dataOffset == bytes.count - 48)
}
