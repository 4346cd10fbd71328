import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

private let reader = ClassColumnReader()

private func read(_ text: String, file: String = "labels.csv") throws(DataFileError) -> ClassColumn {
    try reader.read(Data(text.utf8), file: file)
}

@Test func idLabelCSVWithHeaderKeepsIdsAndInternsClasses() throws {
    let column = try read("id,label\n7,cat\n8,dog\r\n9,cat\n\n")
    #expect(column.codes == [0, 1, 0])
    #expect(column.classes == ["cat", "dog"])
    #expect(column.ids.map { (0..<$0.count).map($0.id(at:)) } == ["7", "8", "9"])
}

@Test func onePerLineAndQuotedFields() throws {
    let plain = try read("label\n3\n1\n3\n", file: "y.txt")
    #expect(plain.ids == nil)
    #expect(plain.classes == ["3", "1"])
    #expect(plain.codes == [0, 1, 0])
    let quoted = try read("\"a,1\",\"x y\"\n\"a,2\",z\n")
    #expect(quoted.ids?.id(at: 0) == "a,1")
    #expect(quoted.label(at: 0) == "x y")
    #expect(quoted.label(at: 1) == "z")
}

@Test func realEmoContextLabelsLoad() throws {
    let url = try Fixtures.url("data/emocontext/labels.csv")
    let column = try reader.read(try Data(contentsOf: url), file: "labels.csv")
    #expect(column.count == 5509)
    #expect(Set(column.classes) == ["0", "1", "2", "3"])
    #expect(column.ids?.count == 5509)
}

@Test func jsonLinesWithIdsOrBareValues() throws {
    let objects = try read("{\"id\": \"a\", \"label\": 2}\n{\"id\": \"b\", \"prediction\": \"x\"}\n", file: "p.jsonl")
    #expect(objects.ids?.id(at: 1) == "b")
    #expect(objects.classes == ["2", "x"])
    let bare = try read("1\n\"two\"\n", file: "p.jsonl")
    #expect(bare.ids == nil)
    #expect(bare.classes == ["1", "two"])
}

/// A NumPy v1 file: magic, version, little-endian header length, header padded to 64 bytes.
private func npy(descr: String, values: [UInt8], count: Int, shape: String? = nil) -> Data {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(shape ?? "\(count),")), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
    bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
    bytes += Array(header.utf8) + values
    return Data(bytes)
}

@Test func numpyIntegerAndIntegralFloatVectors() throws {
    let int64 = npy(descr: "<i8", values: [2, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255], count: 2)
    let column = try reader.read(int64, file: "y.npy")
    #expect(column.classes == ["2", "-1"])
    let bigEndian = npy(descr: ">u2", values: [0, 5, 1, 0], count: 2)
    #expect(try reader.read(bigEndian, file: "y.npy").classes == ["5", "256"])
    let float = npy(descr: "<f8", values: Array(withUnsafeBytes(of: 3.0.bitPattern.littleEndian, Array.init)), count: 1)
    #expect(try reader.read(float, file: "y.npy").classes == ["3"])
    let nan = npy(descr: "<f8", values: Array(withUnsafeBytes(of: Double.nan.bitPattern.littleEndian, Array.init)), count: 1)
    #expect(throws: DataFileError.self) { try reader.read(nan, file: "y.npy") }
    let matrix = npy(descr: "<i1", values: [1, 2, 3, 4], count: 4, shape: "2, 2")
    #expect(throws: DataFileError.self) { try reader.read(matrix, file: "y.npy") }
    let column2D = npy(descr: "<i1", values: [1, 2], count: 2, shape: "2, 1")
    #expect(try reader.read(column2D, file: "y.npy").classes == ["1", "2"])
    let truncated = npy(descr: "<i8", values: [1, 0, 0], count: 1)
    #expect(throws: DataFileError.self) { try reader.read(truncated, file: "y.npy") }
}

@Test func badInputGetsPositionedErrors() {
    func failure(_ text: String, file: String = "labels.csv") -> DataFileError? {
        do { _ = try read(text, file: file); return nil } catch { return error }
    }
    let nan = failure("id,label\n1,a\n2,NaN\n")
    #expect(nan?.kind == .missingLabel)
    #expect(nan?.diagnostic.range.start.line == 3)
    #expect(nan?.diagnostic.range.start.column == 3)
    #expect(nan?.description.hasPrefix("labels.csv:3:3: error: missing label") == true)
    #expect(failure("")?.kind == .empty)
    #expect(failure("id,label\n\n")?.kind == .empty)
    let wide = failure("1,a\n2,b,c\n")
    #expect(wide?.kind == .malformedRow)
    #expect(wide?.diagnostic.range.start.line == 2)
    #expect(failure("1,\"a\n")?.kind == .malformedRow)
    #expect(failure("{\"id\": 1}\n", file: "x.jsonl")?.kind == .malformedRow)
    #expect(failure("{\"label\": null}\n", file: "x.jsonl")?.kind == .missingLabel)
    #expect(failure("not json\n", file: "x.jsonl")?.diagnostic.range.start.line == 1)
}
