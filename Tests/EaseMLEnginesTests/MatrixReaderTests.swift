import Foundation
import Testing
@testable import EaseMLEngines

@Test func csvWithHeaderSplitsOffTheLabelsColumn() throws {
    let data = try CSVMatrixReader.readLabeled("a,label,b\n1,x,2\n3.5,y,-4\n0,x,1e2\n", file: "t.csv")
    #expect(data.features == Matrix(rowArrays: [[1, 2], [3.5, -4], [0, 100]]))
    #expect(data.labels == [0, 1, 0])
    #expect(data.classNames == ["x", "y"])
}

@Test func csvWithoutHeaderIsAllData() throws {
    let (matrix, header) = try CSVMatrixReader.readMatrix("1,2\r\n3,4\r\n\n", file: "t.csv")
    #expect(header.isEmpty)
    #expect(matrix == Matrix(rowArrays: [[1, 2], [3, 4]]))
    let labeled = try CSVMatrixReader.readLabeled("1,2,0\n3,4,1.0\n", file: "t.csv", labels: .last)
    #expect(labeled.labels == [0, 1] && labeled.classNames == ["0", "1"])
}

@Test func csvErrorsArePositioned() {
    #expect(throws: MatrixFileError.notANumber(file: "t.csv", line: 3, column: 2, field: "NaN")) {
        try CSVMatrixReader.readLabeled("a,b,label\n1,2,0\n1,NaN,1\n", file: "t.csv")
    }
    #expect(throws: MatrixFileError.notANumber(file: "t.csv", line: 2, column: 1, field: "abc")) {
        try CSVMatrixReader.readMatrix("a,b\nabc,2\n", file: "t.csv")
    }
    #expect(throws: MatrixFileError.raggedRow(file: "t.csv", line: 3, expected: 2, found: 3)) {
        try CSVMatrixReader.readMatrix("1,2\n3,4\n5,6,7\n", file: "t.csv")
    }
    #expect(throws: MatrixFileError.missingColumn(file: "t.csv", name: "label", available: ["a", "b"])) {
        try CSVMatrixReader.readLabeled("a,b\nx,2\n", file: "t.csv")
    }
    #expect(MatrixFileError.notANumber(file: "t.csv", line: 3, column: 2, field: "NaN").description == "t.csv:3:2: error: `NaN` is not a finite number")
}

@Test func npyFloat64RoundTripsAndFloat32Widens() throws {
    let matrix = Matrix(rowArrays: [[1, -2.5, 3], [0.1, 1e300, -0]])
    #expect(try NumpyMatrixReader.read(NumpyMatrixReader.encode(matrix), file: "m.npy") == matrix)
    // A hand-made float32 file of shape (2, 2): values 1.5, -2, 0.25, 8.
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
    for v: Float in [1.5, -2, 0.25, 8] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    #expect(try NumpyMatrixReader.read(bytes, file: "f.npy") == Matrix(rowArrays: [[1.5, -2], [0.25, 8]]))
    // Integer vector (int64, shape (3,)) becomes a 3 × 1 matrix.
    var intHeader = "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }"
    while (10 + intHeader.utf8.count + 1) % 64 != 0 { intHeader += " " }
    intHeader += "\n"
    var ints: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(intHeader.utf8.count), 0] + Array(intHeader.utf8)
    for v: Int64 in [7, -1, 0] { withUnsafeBytes(of: v.littleEndian) { ints.append(contentsOf: $0) } }
    #expect(try NumpyMatrixReader.read(ints, file: "i.npy") == Matrix(rowArrays: [[7], [-1], [0]]))
    // Truncation and NaN are refused.
    #expect(throws: MatrixFileError.self) { try NumpyMatrixReader.read(Array(bytes.dropLast(1)), file: "f.npy") }
    let nan = NumpyMatrixReader.encode(Matrix(rowArrays: [[1, .nan]]))
    #expect(throws: MatrixFileError.nonFiniteNumpy(file: "n.npy", row: 1, column: 2)) { try NumpyMatrixReader.read(nan, file: "n.npy") }
}
