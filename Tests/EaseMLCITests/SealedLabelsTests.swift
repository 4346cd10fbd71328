import Foundation
import Testing
@testable import EaseMLCI

@Test func sealedLabelsRoundTripWithAndWithoutIDs() throws {
    var ids = ExampleIDs()
    for id in ["a", "", "ex-3", "日本"] { ids.append(Array(id.utf8)) }
    for column in [
        ClassColumn(classes: ["cat", "dog", "ü"], codes: [0, 2, 1, 0], ids: ids),
        ClassColumn(classes: ["1"], codes: [0, 0, 0], ids: nil),
    ] {
        let decoded = try #require(SealedLabels.decode(SealedLabels(column).encoded()))
        #expect(decoded.column == column)
    }
}

@Test func sealedLabelsRejectTruncatedOrCorruptRecords() {
    let encoded = SealedLabels(ClassColumn(classes: ["a", "b"], codes: [0, 1, 1], ids: nil)).encoded()
    #expect(SealedLabels.decode(encoded.dropLast()) == nil)
    #expect(SealedLabels.decode(encoded + [0]) == nil)
    var badCode = encoded
    badCode[badCode.count - 2] = 7
    #expect(SealedLabels.decode(badCode) == nil)
    #expect(SealedLabels.decode(Data("EMLSEAL9".utf8)) == nil)
}

@Test func sealedLabelsStillReadTheEarlierJSONRecord() throws {
    let codes = [Int32(1), 0].withUnsafeBufferPointer { Data(buffer: $0) }.base64EncodedString()
    let ids = Data("xy".utf8).base64EncodedString()
    let json = #"{"classes":["p","q"],"codes":"\#(codes)","idBytes":"\#(ids)","idOffsets":[0,1,2]}"#
    let decoded = try #require(SealedLabels.decode(Data(json.utf8)))
    #expect(decoded.column.classes == ["p", "q"])
    #expect(decoded.column.codes == [1, 0])
    #expect(decoded.column.ids.map { [$0.id(at: 0), $0.id(at: 1)] } == ["x", "y"])
}
