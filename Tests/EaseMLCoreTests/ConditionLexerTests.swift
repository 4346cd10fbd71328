import Testing
@testable import EaseMLCore

private func kinds(_ text: String) throws -> [ConditionToken.Kind] {
    try ConditionLexer.tokenize(text).map(\.kind)
}

private func lexError(_ text: String) -> ConditionError? {
    do {
        _ = try ConditionLexer.tokenize(text)
        return nil
    } catch {
        return error
    }
}

@Test func lexesTheFirstExample() throws {
    #expect(try kinds("n - o > 0.02 +/- 0.01") == [
        .identifier("n"), .minus, .identifier("o"), .greater, .number(0.02), .plusMinus, .number(0.01), .end,
    ])
}

@Test func lexesConjunctionsProductsAndLess() throws {
    #expect(try kinds("d<0.1+/-0.01/\\1.1*o") == [
        .identifier("d"), .less, .number(0.1), .plusMinus, .number(0.01), .and, .number(1.1), .star,
        .identifier("o"), .end,
    ])
}

@Test(arguments: [
    ("1", 1.0), ("0.02", 0.02), (".5", 0.5), ("5e-3", 0.005), ("1E+2", 100.0), ("2.", 2.0),
    ("12.75e1", 127.5), ("007", 7.0), ("1e0", 1.0),
])
func lexesNumbers(text: String, value: Double) throws {
    #expect(try kinds(text) == [.number(value), .end])
}

@Test func foldsTheSpellingExtensions() throws {
    #expect(try kinds(">= > ≥") == [.greater, .greater, .greater, .end])
    #expect(try kinds("<= < ≤") == [.less, .less, .less, .end])
    #expect(try kinds("+/- ±") == [.plusMinus, .plusMinus, .end])
    #expect(try kinds("/\\ and AND && ∧") == [.and, .and, .and, .and, .and, .end])
    #expect(try kinds("\\/ or || ∨") == [.or, .or, .or, .or, .end])
    #expect(try kinds("= == / ÷ ( ) − -") == [
        .equals, .equals, .slash, .slash, .leftParen, .rightParen, .minus, .minus, .end,
    ])
}

@Test func plusFollowedBySlashWithoutMinusIsPlusThenSlash() throws {
    #expect(try kinds("+/ 2") == [.plus, .slash, .number(2), .end])
}

@Test func identifiersAreWholeWords() throws {
    #expect(try kinds("acc new_model n2 andy") == [
        .identifier("acc"), .identifier("new_model"), .identifier("n2"), .identifier("andy"), .end,
    ])
    #expect(try kinds("2n") == [.number(2), .identifier("n"), .end])
}

@Test func tracksLinesColumnsAndOffsetsInUnicodeScalars() throws {
    let tokens = try ConditionLexer.tokenize("n ± 1\n\t o >= 2")
    let starts = tokens.map { [$0.range.start.line, $0.range.start.column, $0.range.start.offset] }
    #expect(starts == [[1, 1, 0], [1, 3, 2], [1, 5, 4], [2, 3, 8], [2, 5, 10], [2, 8, 13], [2, 9, 14]])
    #expect(tokens.map(\.text) == ["n", "±", "1", "o", ">=", "2", ""])
    #expect(tokens[4].range.end == SourceLocation(line: 2, column: 7, offset: 12))
}

@Test func theEndTokenRepeats() throws {
    var lexer = ConditionLexer("n")
    #expect(try lexer.next().kind == .identifier("n"))
    #expect(try lexer.next().kind == .end)
    #expect(try lexer.next().kind == .end)
}

@Test(arguments: [
    ("1.2.3", 1, "1.2.3"), ("n > 1e +/- 1", 5, "1e"), ("1e+", 1, "1e+"), ("2E-x", 1, "2E-"),
    ("1e5.2", 1, "1e5.2"), ("..5", 1, ".."),
])
func rejectsMalformedNumbers(text: String, column: Int, spelling: String) throws {
    let error = try #require(lexError(text))
    #expect(error.kind == (spelling == ".." ? .unexpectedCharacter : .malformedNumber))
    #expect(error.diagnostic.range.start.column == column)
    if spelling != ".." {
        #expect(error.diagnostic.message.contains("`\(spelling)`"))
        #expect(error.diagnostic.range.length == spelling.unicodeScalars.count)
    }
}

@Test(arguments: [("n # o", 3), ("n & o", 3), ("n | o", 3), ("\\", 1), ("n ! o", 3), ("x\u{1}", 2)])
func rejectsUnexpectedCharacters(text: String, column: Int) throws {
    let error = try #require(lexError(text))
    #expect(error.kind == .unexpectedCharacter)
    #expect(error.diagnostic.range.start == SourceLocation(line: 1, column: column, offset: column - 1))
    #expect(error.diagnostic.message.hasPrefix("unexpected character"))
}

@Test func controlCharactersAreNamedByCodePoint() throws {
    let error = try #require(lexError("n\u{1}"))
    #expect(error.diagnostic.message.contains("U+1"))
}

@Test func aLoneBackslashSuggestsTheConjunction() throws {
    let error = try #require(lexError("n > 0 +/- 0.1 \\ o"))
    #expect(error.diagnostic.hint?.contains("/\\") == true)
}
