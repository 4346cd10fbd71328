import EaseMLTestSupport
import EaseMLData
import Foundation

/// `.npy` files with a broken header, each with the `NumpyHeaderError` kind it must produce, for
/// the reader tests and the command-line tests (`NumpyHeaderTests` checks the header reader alone).
enum MalformedNumpyFiles {
    struct Example: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var kind: NumpyHeaderError.Kind
        var description: String { name }
    }

    /// A `.npy` file: magic, version, header length (2 bytes for 1.x, 4 after), padded header, data.
    static func file(_ header: String, data: [UInt8] = [], major: UInt8 = 1, minor: UInt8 = 0) -> [UInt8] {
        var text = header
        let prefix = major == 1 ? 10 : 12
        while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        let length = text.utf8.count
        var bytes = NumpyHeader.magic + [major, minor, UInt8(length & 0xFF), UInt8(length >> 8)]
        if major != 1 { bytes += [0, 0] }
        return bytes + Array(text.utf8) + data
    }

    static func header(descr: String = "'<i8'", fortran: String = "False", shape: String) -> String {
        "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
    }

    static let examples: [Example] = [
        Example(name: "bad-magic", bytes: Array("NOTNUMPY-file".utf8), kind: .notNumpy),
        Example(name: "version-4", bytes: file(header(shape: "(1,)"), data: [1, 0, 0, 0, 0, 0, 0, 0], major: 4), kind: .unsupportedVersion),
        Example(name: "truncated-header", bytes: Array(file(header(shape: "(1,)")).prefix(40)), kind: .truncatedHeader),
        Example(name: "not-a-dict", bytes: file("descr: <i8"), kind: .malformedHeader),
        Example(name: "missing-shape", bytes: file("{'descr': '<i8', 'fortran_order': False, }"), kind: .missingKey),
        Example(name: "unknown-dtype", bytes: file(header(descr: "'<c16'", shape: "(1,)"), data: Array(repeating: 0, count: 16)), kind: .unsupportedDType),
        Example(
            name: "fortran-matrix", bytes: file(header(descr: "'<f8'", fortran: "True", shape: "(2, 3)"), data: Array(repeating: 0, count: 48)),
            kind: .fortranOrder),
        Example(name: "negative-dimension", bytes: file(header(shape: "(-1, 3)")), kind: .negativeDimension),
        Example(name: "overflowing-shape", bytes: file(header(shape: "(4611686018427387904, 4)")), kind: .dimensionOverflow),
        Example(name: "short-data", bytes: file(header(shape: "(3,)"), data: Array(repeating: 0, count: 23)), kind: .truncatedData),
        Example(name: "three-dimensional", bytes: file(header(descr: "'|i1'", shape: "(2, 2, 2)"), data: Array(repeating: 1, count: 8)), kind: .unsupportedShape),
    ]

    /// A valid little-endian float64 file of shape (rows, columns) holding 0, 1, 2, …
    static func floats(rows: Int, columns: Int) -> [UInt8] {
        var bytes = NumpyHeader.encoded(descr: "<f8", shape: [rows, columns])
        for v in 0..<(rows * columns) { withUnsafeBytes(of: Double(v % 3).bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    /// A valid int64 label vector.
    static func labels(_ values: [Int64]) -> [UInt8] {
        var bytes = NumpyHeader.encoded(descr: "<i8", shape: [values.count])
        for v in values { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        return bytes
    }
}
