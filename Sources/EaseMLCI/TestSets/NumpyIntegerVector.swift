import EaseMLCore
import EaseMLData

/// Reads a one-dimensional `.npy` array of class labels; the header is read and checked by
/// `NumpyHeader` (shape `(n,)` or `(n, 1)`).
///
/// Integer dtypes of any width and byte order are accepted, as are floats whose values are all
/// integral (a NaN or 2.5 is an error naming its index). Labels become their decimal text.
enum NumpyIntegerVector {
    static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(DataFileError) -> ClassColumn {
        let header: NumpyHeader
        let count: Int
        do {
            header = try NumpyHeader(parsing: bytes, file: file)
            count = try header.vectorLength(file: file)
        } catch {
            throw DataFileError(error)
        }
        if count == 0 { throw .file(file, .empty, "the array is empty") }
        var interner = ClassInterner()
        var codes: [Int32] = []
        codes.reserveCapacity(count)
        for i in 0..<count {
            guard header.kind == .float else {
                codes.append(interner.code(header.integerText(at: i, in: bytes)))
                continue
            }
            let double = header.double(at: i, in: bytes)
            guard double.isFinite, double == double.rounded(), abs(double) < 9e15 else {
                let start = SourceLocationFactory.index(i)
                throw DataFileError(kind: .missingLabel, diagnostic: .init(
                    file: file, range: .init(start: start, end: start),
                    message: "value \(double) at index \(i) is not an integral class label"))
            }
            codes.append(interner.code(String(Int64(double))))
        }
        return ClassColumn(classes: interner.classes, codes: codes, ids: nil)
    }
}

/// Positions for binary files, where "line" means the element index (1-based).
enum SourceLocationFactory {
    static func index(_ i: Int) -> SourceLocation { .init(line: i + 1, column: 1, offset: i) }
}
