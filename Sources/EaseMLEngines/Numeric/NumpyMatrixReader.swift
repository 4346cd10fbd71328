/// Reads a NumPy `.npy` array (format versions 1–3) as a `Matrix`.
///
/// Accepted: C-ordered (`fortran_order: False`) arrays of 1 or 2 dimensions with dtype float32/float64
/// (`<f4`, `<f8`, big-endian too) or signed/unsigned integers of 1, 2, 4 or 8 bytes. A 1-D array of
/// length n becomes an n × 1 matrix. Every element must be finite. float32 values are widened to
/// `Double` exactly.
public enum NumpyMatrixReader {
    public static func read(_ bytes: [UInt8], file: String) throws(MatrixFileError) -> Matrix {
        try bytes.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<UInt8>) throws(MatrixFileError) in
            try read(UnsafeRawBufferPointer(buffer), file: file)
        }
    }

    /// The array in the file's bytes (e.g. a `Data`'s, without copying them into an array first).
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(MatrixFileError) -> Matrix {
        let bytes = bytes.bindMemory(to: UInt8.self)
        func fail(_ reason: String) -> MatrixFileError { .unsupportedNumpy(file: file, reason: reason) }
        guard bytes.count >= 10, bytes.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw fail("not a .npy file (missing the \\x93NUMPY magic)")
        }
        let headerStart = bytes[6] == 1 ? 10 : 12
        guard bytes.count >= headerStart else { throw fail("truncated .npy header") }
        let headerLength = bytes[6] == 1
            ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        guard headerStart + headerLength <= bytes.count else { throw fail("truncated .npy header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header), let shapeText = value(of: "shape", in: header) else {
            throw fail("unreadable .npy header")
        }
        if value(of: "fortran_order", in: header)?.hasPrefix("True") == true {
            throw fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
        }
        let dims = shapeText.trimmingPrefixSuffix("() ").split(separator: ",")
            .map { $0.filter { $0 != " " } }.filter { !$0.isEmpty }.compactMap { Int($0) }
        guard dims.count == 1 || dims.count == 2 else { throw fail("expected a 1-D or 2-D array, got shape (\(shapeText))") }
        let rows = dims[0]
        let columns = dims.count == 2 ? dims[1] : 1
        let type = descr.trimmingPrefixSuffix("'\" ")
        guard type.count >= 3, let width = Int(type.dropFirst(2)), [1, 2, 4, 8].contains(width) else {
            throw fail("unsupported dtype \(type): use float32, float64 or integers")
        }
        let order = type.first!
        let kind = type.dropFirst().first!
        guard "iuf".contains(kind), kind != "f" || width >= 4 else {
            throw fail("unsupported dtype \(type): use float32, float64 or integers")
        }
        let dataStart = headerStart + headerLength
        let count = rows * columns
        guard bytes.count - dataStart >= count * width else {
            throw fail("the file holds fewer than the \(count) values its header declares")
        }
        guard count > 0 else { throw .empty(file: file) }
        let bigEndian = order == ">"
        if kind == "f", !bigEndian {
            // Little-endian floats (the common case): whole words, no byte assembly, no zero-filling.
            let raw = UnsafeRawBufferPointer(bytes)
            var firstNonFinite = -1
            let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count {
                    let value = width == 4
                        ? Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 4 * i, as: UInt32.self))))
                        : Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + 8 * i, as: UInt64.self)))
                    buffer[i] = value
                    if !value.isFinite && firstNonFinite < 0 { firstNonFinite = i }
                }
                initialized = count
            }
            guard firstNonFinite < 0 else {
                throw .nonFiniteNumpy(file: file, row: firstNonFinite / columns + 1, column: firstNonFinite % columns + 1)
            }
            return Matrix(rows: rows, columns: columns, values: values)
        }
        var values = [Double](repeating: 0, count: count)
        do {
            let buffer = bytes
            for i in 0..<count {
                var raw: UInt64 = 0
                let base = dataStart + i * width
                for k in 0..<width {
                    raw |= UInt64(buffer[base + (bigEndian ? width - 1 - k : k)]) << (8 * UInt64(k))
                }
                let value: Double
                switch (kind, width) {
                case ("f", 4): value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
                case ("f", _): value = Double(bitPattern: raw)
                case ("u", _): value = Double(raw)
                default:
                    let shift = UInt64(64 - 8 * width)
                    value = Double(Int64(bitPattern: raw << shift) >> shift)
                }
                guard value.isFinite else { throw .nonFiniteNumpy(file: file, row: i / columns + 1, column: i % columns + 1) }
                values[i] = value
            }
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// The text after `'key':` up to the next top-level comma (a tuple counts as one value).
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        if rest.first == "(" {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        if let end = rest.firstIndex(where: { $0 == "," || $0 == "}" }) { rest = rest[..<end] }
        return String(rest).trimmingPrefixSuffix(" ")
    }

    /// The bytes of a `.npy` version 1.0 file holding `matrix` as little-endian float64 (for tests and
    /// tools that hand matrices to NumPy).
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(matrix.rows), \(matrix.columns)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        out.append(UInt8(header.utf8.count & 0xFF))
        out.append(UInt8(header.utf8.count >> 8))
        out.append(contentsOf: header.utf8)
        for v in matrix.values {
            let bits = v.bitPattern
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
        }
        return out
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    fileprivate func trimmingPrefixSuffix(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
