import Testing
@testable import EaseMLData

@Test func quotesOnlyWhatTheTokenizerWouldMisread() {
    #expect(CSVWriter.field("plain") == "plain")
    #expect(CSVWriter.field("") == "")
    #expect(CSVWriter.field("New York, NY") == "\"New York, NY\"")
    #expect(CSVWriter.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSVWriter.field("two\nlines") == "\"two\nlines\"")
    #expect(CSVWriter.field("cr\rhere") == "\"cr\rhere\"")
    #expect(CSVWriter.field(" padded") == "\" padded\"")
    #expect(CSVWriter.field("tab\t") == "\"tab\t\"")
    #expect(CSVWriter.field("in side") == "in side")
    #expect(CSVWriter.line(["id", "label"]) == "id,label\n")
    #expect(CSVWriter.line(["1", "New York, NY"]) == "1,\"New York, NY\"\n")
    #expect(CSVWriter.line([""]) == "\"\"\n")
    #expect(CSVWriter.line(["", ""]) == ",\n")
    #expect(CSVWriter.text([["a"], ["b", "c"]]) == "a\nb,c\n")
}

/// SplitMix64: a small seeded generator, so a failing case can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Characters that stress the dialect: separators, quotes, line ends, spaces, non-ASCII.
private let alphabet: [Character] = [",", "\"", "\n", "\r", "\r\n", " ", "\t", "a", "b", "1", "é", "日", "\u{FEFF}", "x"]

@Test func randomFieldsRoundTripThroughWriterAndTokenizer() throws {
    var random = SplitMix64(state: 20_240_611)
    for trial in 0..<2000 {
        let recordCount = Int.random(in: 1...5, using: &random)
        let width = Int.random(in: 1...4, using: &random)
        let records: [[String]] = (0..<recordCount).map { _ in
            (0..<width).map { _ in
                String((0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            }
        }
        var text = CSVWriter.text(records)
        if Bool.random(using: &random) { text.removeLast() }  // no final line end
        let read = try tokenize(text)
        #expect(read.map(\.fields) == records, "trial \(trial): \(text.debugDescription)")
    }
}
