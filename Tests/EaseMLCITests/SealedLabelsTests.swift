@testable import EaseMLLedger
import EaseMLTestSupport
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

/// Sets are sealed in chunks (a header, then rows), each in its own ledger row. A column read back
/// chunk by chunk is the column registered, with and without ids, for chunk sizes that divide the
/// rows and ones that do not.
@Test func chunkedLabelsRoundTripThroughARealLedger() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = try SealingKey.parse(SealingKey.generateText(), source: "test")
    var ids = ExampleIDs()
    for i in 0..<10 { ids.append(Array("ex-\(i)\(i % 3 == 0 ? "-日本" : "")".utf8)) }
    let codes: [Int32] = [0, 2, 1, 0, 1, 1, 2, 0, 0, 2]
    for (index, (column, rows)) in [
        (ClassColumn(classes: ["cat", "dog", "ü"], codes: codes, ids: ids), 3),
        (ClassColumn(classes: ["cat", "dog", "ü"], codes: codes, ids: nil), 5),
        (ClassColumn(classes: ["cat", "dog", "ü"], codes: codes, ids: ids), 100),
        (ClassColumn(classes: ["only"], codes: [], ids: nil), 4),
    ].enumerated() {
        let ledger = try Ledger.open(at: folder.appendingPathComponent("l\(index).sqlite").path, create: true)
        ledger.authenticate(with: key.ledgerKey)
        let id = "set\(index)"
        let sealed = try SealedLabels.seal(column, testSetID: id, key: key, rowsPerChunk: rows)
        #expect(sealed.chunks.count == (column.count + rows - 1) / rows)
        try registerSealedSet(id, sealed, in: ledger, size: column.count)
        #expect(try SealedLabels.open(testSetID: id, ledger: ledger, key: key) == column)
    }
}

/// The attacks on chunks, by someone who edits the SQLite file (dropping the append-only
/// triggers) but has no key: a chunk moved to another position, one taken from another set, one
/// removed, one flipped — each is refused when the labels are opened, never read as labels.
@Test func tamperedChunksAreRefused() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = try SealingKey.parse(SealingKey.generateText(), source: "test")
    let column = ClassColumn(classes: ["a", "b"], codes: [0, 1, 1, 0, 1, 0, 0], ids: nil)
    func fresh(_ name: String) throws -> Ledger {
        let ledger = try Ledger.open(at: folder.appendingPathComponent(name).path, create: true)
        ledger.authenticate(with: key.ledgerKey)
        try registerSealedSet("s", try SealedLabels.seal(column, testSetID: "s", key: key, rowsPerChunk: 2), in: ledger, size: column.count)
        let other = ClassColumn(classes: ["a", "b"], codes: [1, 1, 1, 1, 1, 1, 1], ids: nil)
        try registerSealedSet("t", try SealedLabels.seal(other, testSetID: "t", key: key, rowsPerChunk: 2), in: ledger, size: other.count)
        try ledger.database.execute("DROP TRIGGER test_set_labels_no_update; DROP TRIGGER test_set_labels_no_delete")
        return ledger
    }
    func opened(_ ledger: Ledger) -> String {
        // Both ways of reading the chunks must refuse alike: kept whole (`open`), and streamed,
        // where chunk k + 1 is opened and decoded on another thread while k is read.
        let streamed: String
        do {
            let column = try SealedLabels.Stream(testSetID: "s", ledger: ledger, key: key, keepIDs: false).finish()
            streamed = column.codes == [0, 1, 1, 0, 1, 0, 0] ? "opened" : "wrong codes \(column.codes)"
        } catch {
            streamed = "\(error)"
        }
        do {
            _ = try SealedLabels.open(testSetID: "s", ledger: ledger, key: key)
            #expect(streamed == "opened")
            return "opened"
        } catch {
            #expect(streamed == "\(error)")
            return "\(error)"
        }
    }
    #expect(opened(try fresh("honest.sqlite")) == "opened")
    let swapped = try fresh("swapped.sqlite")
    try swapped.database.execute("""
        UPDATE test_set_labels SET chunk = 99 WHERE test_set_id = 's' AND chunk = 1;
        UPDATE test_set_labels SET chunk = 1 WHERE test_set_id = 's' AND chunk = 2;
        UPDATE test_set_labels SET chunk = 2 WHERE test_set_id = 's' AND chunk = 99;
        """)
    #expect(opened(swapped).contains("labels:s:1/4"), "\(opened(swapped))")
    let foreign = try fresh("foreign.sqlite")
    try foreign.database.execute("""
        UPDATE test_set_labels SET sealed = (SELECT sealed FROM test_set_labels WHERE test_set_id = 't' AND chunk = 3)
        WHERE test_set_id = 's' AND chunk = 3
        """)
    #expect(opened(foreign).contains("labels:s:3/4"), "\(opened(foreign))")
    let removed = try fresh("removed.sqlite")
    try removed.database.execute("DELETE FROM test_set_labels WHERE test_set_id = 's' AND chunk = 4")
    #expect(opened(removed).contains("chunk 4 of 4 is missing"), "\(opened(removed))")
    // A full `ledger verify` sees it too (the register event vouched for every chunk's row).
    #expect(try removed.verify().problems.contains { "\($0)".contains("test_set_labels") })
    #expect(try fresh("audited.sqlite").verify().isClean)
    let headless = try fresh("headless.sqlite")
    try headless.database.execute("DELETE FROM test_set_labels WHERE test_set_id = 's' AND chunk = 0")
    #expect(opened(headless).contains("missing (no chunk 0)"), "\(opened(headless))")
    let flipped = try fresh("flipped.sqlite")
    try flipped.database.execute("UPDATE test_set_labels SET sealed = zeroblob(length(sealed)) WHERE test_set_id = 's' AND chunk = 2")
    #expect(opened(flipped).contains("labels:s:2/4"), "\(opened(flipped))")
}

func registerSealedSet(_ id: String, _ sealed: (header: Data, chunks: [Data]), in ledger: Ledger, size: Int) throws {
    let new = NewTestSet(
        id: id, name: id, size: size, classes: ["a"], steps: 1, adaptivity: .full, reliability: 0.9, condition: "n > 0.5 +/- 0.1",
        plannedSize: 0, sealedLabels: sealed.header)
    try ledger.registerTestSet(new, chunkCount: sealed.chunks.count) { sealed.chunks[$0 - 1] }
}
