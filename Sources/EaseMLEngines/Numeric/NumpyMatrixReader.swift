import EaseMLData

/// Reads a NumPy `.npy` array as a `Matrix`; the header is read and checked by `NumpyHeader`.
///
/// Accepted: arrays of 1 or 2 dimensions with dtype float32/float64 (`<f4`, `<f8`, big-endian too)
/// or signed/unsigned integers of 1, 2, 4 or 8 bytes. A 1-D array of length n becomes an n × 1
/// matrix. Every element must be finite. float32 values are widened to `Double` exactly.
public enum NumpyMatrixReader {
    public static func read(_ bytes: [UInt8], file: String) throws(MatrixFileError) -> Matrix {
        try bytes.withUnsafeBytes { raw in Result { () throws(MatrixFileError) in try read(raw, file: file) } }.get()
    }

    /// The array in the file's bytes (e.g. a `Data`'s, without copying them into an array first).
    public static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(MatrixFileError) -> Matrix {
        let header: NumpyHeader
        let rows: Int
        let columns: Int
        do {
            header = try NumpyHeader(parsing: bytes, file: file)
            (rows, columns) = try header.matrixShape(file: file)
        } catch {
            throw .numpyHeader(error)
        }
        let count = header.elementCount
        guard count > 0 else { throw .empty(file: file) }
        var firstNonFinite = -1
        let values = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if header.kind == .float && !header.isBigEndian {
                // Little-endian floats (the common case): whole words, no byte assembly.
                let start = header.dataOffset
                for i in 0..<count {
                    let value = header.itemSize == 4
                        ? Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4 * i, as: UInt32.self))))
                        : Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 8 * i, as: UInt64.self)))
                    buffer[i] = value
                    if !value.isFinite && firstNonFinite < 0 { firstNonFinite = i }
                }
            } else {
                for i in 0..<count {
                    let value = header.double(at: i, in: bytes)
                    buffer[i] = value
                    if !value.isFinite && firstNonFinite < 0 { firstNonFinite = i }
                }
            }
            initialized = count
        }
        guard firstNonFinite < 0 else {
            throw .nonFiniteNumpy(file: file, row: firstNonFinite / columns + 1, column: firstNonFinite % columns + 1)
        }
        return Matrix(rows: rows, columns: columns, values: values)
    }

    /// The bytes of a `.npy` version 1.0 file holding `matrix` as little-endian float64 (for tests and
    /// tools that hand matrices to NumPy).
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        var out = NumpyHeader.encoded(descr: "<f8", shape: [matrix.rows, matrix.columns])
        out.reserveCapacity(out.count + 8 * matrix.values.count)
        for v in matrix.values {
            let bits = v.bitPattern
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
        }
        return out
    }
}
