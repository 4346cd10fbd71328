import EaseMLCore
import Foundation

/// Reads a one-dimensional `.npy` array of class labels (NumPy format versions 1–3).
///
/// Integer dtypes of any width and byte order are accepted, as are floats whose values are all
/// integral (a NaN or 2.5 is an error naming its index). Labels become their decimal text.
enum NumpyIntegerVector {
    static func read(_ bytes: [UInt8], file: String) throws(DataFileError) -> ClassColumn {
        guard bytes.count >= 10, bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw .file(file, .unsupportedFormat, "not a .npy file (missing the \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            guard bytes.count >= 12 else { throw .file(file, .unsupportedFormat, "truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        guard headerStart + headerLength <= bytes.count else { throw .file(file, .unsupportedFormat, "truncated .npy header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header), let shape = value(of: "shape", in: header) else {
            throw .file(file, .unsupportedFormat, "unreadable .npy header: \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if value(of: "fortran_order", in: header)?.hasPrefix("True") == true {
            let dims = shape.split(separator: ",").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard dims.count <= 1 else { throw .file(file, .unsupportedFormat, "Fortran-ordered matrices are not label vectors") }
        }
        let dims = shape.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard let first = dims.first, let count = Int(first), dims.dropFirst().allSatisfy({ $0 == "1" }) else {
            throw .file(file, .unsupportedFormat, "expected a one-dimensional array, got shape (\(shape))")
        }
        let type = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        guard type.count >= 3, let width = Int(type.dropFirst(2)), [1, 2, 4, 8].contains(width) else {
            throw .file(file, .unsupportedFormat, "unsupported dtype \(type): use integers")
        }
        let order = type.first!
        let kind = type.dropFirst().first!
        guard "iuf".contains(kind), kind != "f" || width >= 4 else {
            throw .file(file, .unsupportedFormat, "unsupported dtype \(type): use integers")
        }
        let dataStart = headerStart + headerLength
        guard bytes.count - dataStart >= count * width else {
            throw .file(file, .unsupportedFormat, "the file holds fewer than the \(count) values its header declares")
        }
        if count == 0 { throw .file(file, .empty, "the array is empty") }
        let bigEndian = order == ">"
        var interner = ClassInterner()
        var codes: [Int32] = []
        codes.reserveCapacity(count)
        for i in 0..<count {
            var raw: UInt64 = 0
            let base = dataStart + i * width
            for k in 0..<width {
                let byte = UInt64(bytes[base + (bigEndian ? width - 1 - k : k)])
                raw |= byte << (8 * UInt64(k))
            }
            let value: Int64
            switch kind {
            case "u":
                value = Int64(bitPattern: raw)
            case "i":
                let shift = UInt64(64 - 8 * width)
                value = Int64(bitPattern: raw << shift) >> Int64(shift)
            default:
                let double = width == 8 ? Double(bitPattern: raw) : Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
                guard double.isFinite, double == double.rounded(), abs(double) < 9e15 else {
                    let start = SourceLocationFactory.index(i)
                    throw DataFileError(kind: .missingLabel, diagnostic: .init(
                        file: file, range: .init(start: start, end: start),
                        message: "value \(double) at index \(i) is not an integral class label"))
                }
                value = Int64(double)
            }
            codes.append(interner.code(String(value)))
        }
        return ClassColumn(classes: interner.classes, codes: codes, ids: nil)
    }

    /// The text after `'key':` up to the next top-level comma (or the closing parenthesis of a tuple).
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var rest = header[range.upperBound...].drop { $0 == " " }
        if rest.first == "(" {
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[..<close])
        }
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return String(rest[..<end])
    }
}

/// Positions for binary files, where "line" means the element index (1-based).
enum SourceLocationFactory {
    static func index(_ i: Int) -> SourceLocation { .init(line: i + 1, column: 1, offset: i) }
}