import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLData

/// Every record of `text` as (line, fields).
func tokenize(_ text: String, file: String = "t.csv") throws(CSVError) -> [CSVRecord] {
    try CSVTokenizer.records(in: text, file: file)
}

private struct Case: Sendable, CustomStringConvertible {
    var input: String
    var records: [[String]]
    var lines: [Int]
    var description: String { input.debugDescription }
}

private let cases: [Case] = [
    Case(input: "a,b\n1,2\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    Case(input: "a,b\n1,2", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    Case(input: "a,b\r\n1,2\r\n", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    Case(input: "a,b\r\n1,2", records: [["a", "b"], ["1", "2"]], lines: [1, 2]),
    Case(input: "id,city\n1,\"New York, NY\"\n", records: [["id", "city"], ["1", "New York, NY"]], lines: [1, 2]),
    Case(input: "\"say \"\"hi\"\"\",x\n", records: [["say \"hi\"", "x"]], lines: [1]),
    Case(input: "\"\"\"\"\n", records: [["\""]], lines: [1]),
    Case(input: "1,\"two\nlines\",3\n4,5,6\n", records: [["1", "two\nlines", "3"], ["4", "5", "6"]], lines: [1, 3]),
    Case(input: "1,\"cr\r\nlf\"\r\n2,x\r\n", records: [["1", "cr\r\nlf"], ["2", "x"]], lines: [1, 3]),
    Case(input: ",,\n", records: [["", "", ""]], lines: [1]),
    Case(input: "a,\n,b\n", records: [["a", ""], ["", "b"]], lines: [1, 2]),
    Case(input: "\"\"\n", records: [[""]], lines: [1]),
    Case(input: "\"\",\"\"\n", records: [["", ""]], lines: [1]),
    Case(input: "\n\na\n\n  \t\nb\n\n", records: [["a"], ["b"]], lines: [3, 6]),
    Case(input: "  a  , b\t,\" c \" ,\td\n", records: [["a", "b", " c ", "d"]], lines: [1]),
    Case(input: "ab\"c,d\n", records: [["ab\"c", "d"]], lines: [1]),
    Case(input: "\u{FEFF}id,label\n1,x\n", records: [["id", "label"], ["1", "x"]], lines: [1, 2]),
    Case(input: "é,\"ü,ß\"\n", records: [["é", "ü,ß"]], lines: [1]),
    Case(input: "a\rb,c\n", records: [["a\rb", "c"]], lines: [1]),
    Case(input: "\"a\n\nb\"\n", records: [["a\n\nb"]], lines: [1]),
    Case(input: "", records: [], lines: []),
]

@Test(arguments: cases)
private func trickyInputs(_ example: Case) throws {
    let records = try tokenize(example.input)
    #expect(records.map(\.fields) == example.records)
    #expect(records.map(\.line) == example.lines)
}

@Test func unterminatedQuoteIsPositionedAtTheOpeningQuote() {
    do {
        _ = try tokenize("id,label\n1,ok\n2,\"open\n3,x\n", file: "p.csv")
        Issue.record("no error")
    } catch {
        #expect(error.kind == .unterminatedQuote)
        #expect(error.diagnostic.range.start.line == 3)
        #expect(error.diagnostic.range.start.column == 3)
        #expect(error.description.hasPrefix("p.csv:3:3: error: unterminated quoted field"))
        #expect(error.description.contains("\n  2,\"open\n    ^"))
    }
}

@Test func unterminatedQuoteAfterAMultiLineFieldCountsLinesAndScalars() {
    do {
        _ = try tokenize("\"a\nb\",ü,\"c\n", file: "p.csv")
        Issue.record("no error")
    } catch {
        #expect(error.kind == .unterminatedQuote)
        #expect(error.diagnostic.range.start.line == 2)
        // `b",ü,"`: the quote is the sixth character (ü is two bytes, one column).
        #expect(error.diagnostic.range.start.column == 6)
    }
}

@Test func textAfterAClosingQuoteIsAnError() {
    do {
        _ = try tokenize("a,\"b\"c,d\n", file: "p.csv")
        Issue.record("no error")
    } catch {
        #expect(error.kind == .textAfterClosingQuote)
        #expect(error.diagnostic.range.start.line == 1)
        #expect(error.diagnostic.range.start.column == 6)
    }
}

@Test func fieldsAreByteRangesAndOnlyEscapedOnesAreCopied() throws {
    let text = Array("x,\"a\"\"b\",  c \n".utf8)
    try text.withUnsafeBufferPointer { (buffer) throws(CSVError) in
        var csv = CSVTokenizer(buffer, file: "t.csv")
        #expect(try csv.next())
        #expect(csv.fields.count == 3)
        #expect(csv.fields[0] == CSVField(start: 0, end: 1, isQuoted: false, hasEscapedQuotes: false))
        #expect(csv.fields[1].isQuoted && csv.fields[1].hasEscapedQuotes)
        #expect(String(decoding: csv.rawBytes(csv.fields[1]), as: UTF8.self) == "a\"\"b")
        #expect(csv.string(csv.fields[1]) == "a\"b")
        #expect(csv.string(csv.fields[2]) == "c")
        #expect(csv.recordStart == 0 && csv.line == 1)
        #expect(try !csv.next())
    }
}

@Test func diagnosticsPointAtAFieldOfTheCurrentRecord() throws {
    let text = Array("id,label\n7,ok\n8,NaN\n".utf8)
    try text.withUnsafeBufferPointer { (buffer) throws(CSVError) in
        var csv = CSVTokenizer(buffer, file: "l.csv")
        while try csv.next() { if csv.line == 3 { break } }
        let diagnostic = csv.diagnostic(at: csv.fields[1].start, "missing label")
        #expect(diagnostic.description == "l.csv:3:3: error: missing label\n  8,NaN\n    ^")
    }
}

@Test func recordsStopAtTheLimit() throws {
    let records = try CSVTokenizer.records(in: "a,b,c\n1,2,3\n4,5,6\n", file: "t.csv", limit: 1)
    #expect(records == [CSVRecord(line: 1, fields: ["a", "b", "c"])])
}

/// Tab-separated files: the tab separates fields and is never trimmed (an empty field between two
/// tabs stays a field), spaces around unquoted fields still are, quotes work as in CSV, and a comma
/// is an ordinary character.
@Test func tabSeparatedRecordsKeepEmptyFieldsAndCommas() throws {
    let text = "a\tb\tc\n1\t\t3\n \"x\ty\"\t2, 3 \t z\n"
    let records = try CSVTokenizer.records(in: Data(text.utf8), file: "t.tsv", delimiter: 0x09)
    #expect(records.map(\.fields) == [["a", "b", "c"], ["1", "", "3"], ["x\ty", "2, 3", "z"]])
    #expect(records.map(\.line) == [1, 2, 3])
    // Text after a closing quote is still an error, with its place.
    #expect(throws: CSVError.self) { try CSVTokenizer.records(in: Data("\"a\"b\tc\n".utf8), file: "t.tsv", delimiter: 0x09) }
    // The same bytes read as CSV: one field per line, tabs trimmed at the ends only.
    #expect(try CSVTokenizer.records(in: Data("1\t\t3\n".utf8), file: "t.csv").map(\.fields) == [["1\t\t3"]])
}

/// The one-pass path for plain lines (no quote, space, tab or CR) gives what the general path
/// gives: random files of plain and other lines (blank, spaced, quoted, CRLF, a lone CR, a quote
/// inside a field, empty fields, no final line end) are read as they are and with a space added
/// before every line end, which sends every line down the general path (a trailing space of an
/// unquoted field is trimmed, and the added space of a quoted one is after its closing quote).
@Test func plainLinesReadInOnePassEqualTheGeneralPath() throws {
    var generator = SeededGenerator(seed: 20261204)
    let pieces = ["1", "22", "abc", "", "é", "x\"y", "-7.5", "\"q,\"\"r\"", " s ", "t\tu", "v\rw"]
    for round in 0..<200 {
        var lines: [String] = []
        for _ in 0..<Int.random(in: 1...30, using: &generator) {
            let fields = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                // Mostly plain fields, as in a prediction file.
                Bool.random(using: &generator) || Bool.random(using: &generator)
                    ? ["1", "22", "abc", "", "é", "x\"y", "-7.5"].randomElement(using: &generator)!
                    : pieces.randomElement(using: &generator)!
            }
            lines.append(Int.random(in: 0..<12, using: &generator) == 0 ? "" : fields.joined(separator: ","))
        }
        let ending = round % 3 == 0 ? "\r\n" : "\n"
        let text = lines.joined(separator: ending) + (round % 5 == 0 ? "" : ending)
        let general = lines.map { $0 + " " }.joined(separator: ending)
            + (round % 5 == 0 ? "" : ending)
        let fast: [CSVRecord]
        do { fast = try tokenize(text) } catch {
            #expect(throws: CSVError.self) { try tokenize(general) }
            continue
        }
        let slow = try tokenize(general)
        #expect(fast.map(\.fields) == slow.map(\.fields), "\(text.debugDescription)")
        #expect(fast.map(\.line) == slow.map(\.line), "\(text.debugDescription)")
    }
    // A plain record's positions: its start, the end of its last field, its line.
    let text = Array("id,label\n\n12,cat\n7,".utf8)
    try text.withUnsafeBufferPointer { (buffer) throws(CSVError) in
        var csv = CSVTokenizer(buffer, file: "t.csv")
        #expect(try csv.next() && csv.recordStart == 0 && csv.recordEnd == 8 && csv.line == 1)
        #expect(try csv.next() && csv.recordStart == 10 && csv.recordEnd == 16 && csv.line == 3)
        #expect(csv.fields[1] == CSVField(start: 13, end: 16, isQuoted: false, hasEscapedQuotes: false))
        #expect(try csv.next() && csv.recordStart == 17 && csv.recordEnd == 19 && csv.line == 4)
        #expect(csv.strings() == ["7", ""])
        #expect(try !csv.next())
    }
}
