import EaseMLCore
import EaseMLData
@testable import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

/// Ids past 4 GiB of bytes: their ends are kept modulo 2^bits with a list of wraps; tested with a
/// 3-bit width so that ids of every length cross many wraps, against the 32-bit layout.
@Test func exampleIDsKeepTheirBytesAcrossOffsetWraps() {
    let texts = ["abc", "defg", "", "123456789", "x", "12345678", "", "日本語のid", "yz"]
    var narrow = ExampleIDs(offsetBits: 3)
    var wide = ExampleIDs()
    for text in texts {
        narrow.append(Array(text.utf8))
        wide.append(Array(text.utf8))
    }
    #expect((0..<texts.count).map(narrow.id(at:)) == texts)
    #expect((0..<texts.count).map(wide.id(at:)) == texts)
    #expect(narrow == wide)
    var lengths = ExampleIDs(offsetBits: 3)
    lengths.append(lengths: texts.map(\.utf8.count), bytes: Array(texts.joined().utf8))
    #expect(lengths == wide)
    var other = wide
    other.append(Array("z".utf8))
    #expect(other != wide && other != narrow)
}

/// The streamed scoring path (the labels opened chunk by chunk beside the parse, the prediction
/// file memory-mapped) gives exactly what the simple path gives — the whole file read, the whole
/// label column opened, joined by id — on random files: in the set's order, shuffled, with a
/// quoted id, without ids, and with the errors of a missing, an unknown and a repeated id.
@Test func streamedScoringEqualsTheSimplePathOnRandomFiles() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = try SealingKey.parse(SealingKey.generateText(), source: "test")
    var generator = SeededGenerator(seed: 20261204)
    let count = 1_000
    var ids = ExampleIDs()
    let names = (0..<count).map { i in i == 500 ? "q\"uoted,\(i)" : "ex-\(Int.random(in: 0..<1_000_000, using: &generator))-\(i)" }
    for name in names { ids.append(Array(name.utf8)) }
    let classes = ["cat", "dog", "bird"]
    let labels = ClassColumn(classes: classes, codes: (0..<count).map { _ in Int32.random(in: 0..<3, using: &generator) }, ids: ids)
    let ledger = try Ledger.open(at: folder.appendingPathComponent("ledger.sqlite").path, create: true)
    ledger.authenticate(with: key.ledgerKey)
    try registerSealedSet("set", try SealedLabels.seal(labels, testSetID: "set", key: key, rowsPerChunk: 64), in: ledger, size: count)

    func csv(_ rows: [(String, String)], header: Bool = true) -> String {
        (header ? "id,prediction\n" : "") + rows.map { CSVWriter.line([$0.0, $0.1]) }.joined()
    }
    let predicted = (0..<count).map { _ in ["cat", "dog", "bird", "fish"][Int.random(in: 0..<4, using: &generator)] }
    let inOrder = Array(zip(names, predicted))
    var shuffled = inOrder
    shuffled.shuffle(using: &generator)
    var missing = inOrder
    missing.remove(at: 700)
    var unknown = inOrder
    unknown[300].0 = "not-in-the-set"
    var repeated = shuffled
    repeated[10].0 = repeated[11].0
    let files: [(String, String)] = [
        ("in-order.csv", csv(inOrder)),
        ("shuffled.csv", csv(shuffled)),
        ("tail-swapped.csv", csv(Array(inOrder.dropLast(2)) + [inOrder[count - 1], inOrder[count - 2]])),
        ("no-ids.txt", "prediction\n" + predicted.joined(separator: "\n") + "\n"),
        ("missing.csv", csv(missing)),
        ("unknown.csv", csv(unknown)),
        ("repeated.csv", csv(repeated)),
        ("longer.csv", csv(inOrder + [("extra", "cat")])),
    ]
    let openedLabels = try SealedLabels.open(testSetID: "set", ledger: ledger, key: key)
    #expect(openedLabels == labels)
    func outcome(_ body: () throws -> [Int32]) -> String {
        do { return "\(try body())" } catch { return "error: \(error)" }
    }
    for (name, text) in files {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let simple = outcome {
            let column = try ClassColumnReader().read(try Data(contentsOf: URL(fileURLWithPath: path)), file: path)
            return try PredictionAlignment.align(column, to: openedLabels, file: path)
        }
        let streamed = outcome {
            let read = try PredictionAlignment.readAligned(path, testSetID: "set", ledger: ledger, key: key)
            #expect(read.labels == labels.codes, "\(name)")
            return read.predictions
        }
        #expect(streamed == simple, "\(name)")
        let fails = ["missing.csv", "unknown.csv", "repeated.csv", "longer.csv"].contains(name)
        #expect(simple.hasPrefix("error: ") == fails, "\(name): \(simple.prefix(200))")
    }
    // The in-order file is the shuffled one's verdict: same codes, label for label.
    let inOrderPath = folder.appendingPathComponent("in-order.csv").path
    let shuffledPath = folder.appendingPathComponent("shuffled.csv").path
    #expect(try PredictionAlignment.readAligned(inOrderPath, testSetID: "set", ledger: ledger, key: key).predictions
        == PredictionAlignment.readAligned(shuffledPath, testSetID: "set", ledger: ledger, key: key).predictions)
    // Only the in-order file is read without its ids being stored.
    let set = try SealedLabels.Stream(testSetID: "set", ledger: ledger, key: key, keepIDs: false)
    #expect(try ClassColumnReader().read(contentsOf: inOrderPath, expected: set.matches)?.inExpectedOrder == true)
    let again = try SealedLabels.Stream(testSetID: "set", ledger: ledger, key: key, keepIDs: false)
    let reread = try #require(try ClassColumnReader().read(contentsOf: shuffledPath, expected: again.matches))
    #expect(!reread.inExpectedOrder && reread.column.ids?.count == count)
    #expect(try ClassColumnReader().read(contentsOf: folder.appendingPathComponent("absent.csv").path) == nil)
}

/// Registration's repeated-id check gives the same answer in one pass and in the four passes of
/// sets above 4M ids (one per quarter of the hash range).
@Test func repeatedIDsAreFoundInOneAndInFourPasses() {
    var generator = SeededGenerator(seed: 7)
    var unique = ExampleIDs()
    let names = (0..<5_000).map { "id-\($0)-\(UInt32.random(in: 0...UInt32.max, using: &generator))" }
    for name in names { unique.append(Array(name.utf8)) }
    var twice = unique
    twice.append(Array(names[1234].utf8))
    for i in 0..<100 { twice.append(Array("more-\(i)".utf8)) }
    for passes in [1, 4] {
        #expect(TestSetRegistration.repeatedID(in: unique, passes: passes) == nil)
        #expect(TestSetRegistration.repeatedID(in: twice, passes: passes) == 5_000)
    }
}

/// An accepted model's codes are stored one byte per example when they fit, four bytes otherwise
/// (more than 256 classes, or a predicted class the set lacks, whose code is negative); either
/// form, and the four-byte form every earlier version stored, decodes to the same codes.
@Test func storedPredictionsRoundTripInBothForms() {
    let small: [Int32] = [0, 3, 255, 7, 0]
    let smallStored = PredictionAlignment.encode(small)
    #expect(smallStored.count == small.count)
    #expect(PredictionAlignment.decode(smallStored, count: small.count) == small)
    let legacy = small.withUnsafeBufferPointer { Data(buffer: $0) }
    #expect(PredictionAlignment.decode(legacy, count: small.count) == small)
    let wide: [Int32] = [0, 256, 3]
    #expect(PredictionAlignment.encode(wide).count == 4 * wide.count)
    #expect(PredictionAlignment.decode(PredictionAlignment.encode(wide), count: wide.count) == wide)
    let unknown: [Int32] = [1, PredictionAlignment.unknownClassCode("platypus"), 2]
    #expect(PredictionAlignment.encode(unknown).count == 4 * unknown.count)
    #expect(PredictionAlignment.decode(PredictionAlignment.encode(unknown), count: unknown.count) == unknown)
    // A row of another size is not read as this set's.
    #expect(PredictionAlignment.decode(smallStored, count: small.count + 1) == nil)
    // The model's id does not depend on the stored form.
    #expect(PredictionAlignment.modelHash(small) == legacy.withUnsafeBytes { ContentHash.ofBytes($0) })
}

/// The gate tallies an accepted model's stored codes in place (no decoded copy): in both stored
/// forms (and the four-byte form of earlier versions) the counts are those of the decoded codes,
/// and bytes that fit neither form are a length mismatch.
@Test func storedPredictionsTallyInPlaceAsDecoded() throws {
    var generator = SeededGenerator(seed: 42)
    let count = 5_000
    let labels = (0..<count).map { _ in Int32.random(in: 0..<7, using: &generator) }
    let new = labels.map { Bool.random(using: &generator) ? $0 : Int32.random(in: 0..<7, using: &generator) }
    let narrow = labels.map { Int32.random(in: 0..<4, using: &generator) == 0 ? Int32.random(in: 0..<200, using: &generator) : $0 }
    var wide = narrow
    wide[17] = 300
    wide[18] = PredictionAlignment.unknownClassCode("platypus")
    for old in [narrow, wide] {
        let expected = try EvaluationCounts.tally(new: new, old: old, labels: labels)
        #expect(try PredictionAlignment.tally(new: new, stored: PredictionAlignment.encode(old), labels: labels) == expected)
        let legacy = old.withUnsafeBufferPointer { Data(buffer: $0) }
        #expect(try PredictionAlignment.tally(new: new, stored: legacy, labels: labels) == expected)
        // Read at an offset inside a larger buffer (a slice of a row), the counts are the same.
        let sliced = (Data([9, 9, 9]) + legacy).dropFirst(3)
        #expect(try PredictionAlignment.tally(new: new, stored: sliced, labels: labels) == expected)
    }
    #expect(try EvaluationCounts.tally(new: new, old: narrow, labels: labels).oldCorrect! > count / 2)
    #expect(throws: DecisionError.lengthMismatch(new: count, old: count + 1, labels: count)) {
        try PredictionAlignment.tally(new: new, stored: Data(count: count + 1), labels: labels)
    }
}
