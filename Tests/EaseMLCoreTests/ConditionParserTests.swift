import Testing
@testable import EaseMLCore

private func parseError(_ text: String) -> ConditionError? {
    do {
        _ = try ConditionParser.parse(text)
        return nil
    } catch {
        return error
    }
}

private func clause(
    _ terms: [(Double, Variable)], _ comparison: Comparison, _ threshold: Double, _ tolerance: Double
) -> Clause {
    Clause(
        expression: LinearExpression(terms: terms.map { Term(coefficient: $0.0, variable: $0.1) }),
        comparison: comparison, threshold: threshold, tolerance: tolerance)
}

// MARK: - Accepted conditions

@Test func parsesTheDifferenceOfAccuracies() throws {
    let condition = try ConditionParser.parse("n - o > 0.02 +/- 0.01")
    #expect(condition.clauses.count == 1)
    let only = try #require(condition.clauses.first)
    #expect(only.expression.terms.map(\.coefficient) == [1, -1])
    #expect(only.expression.terms.map(\.variable) == [.new, .old])
    #expect(only.comparison == .greater)
    #expect(only.threshold == 0.02)
    #expect(only.tolerance == 0.01)
}

@Test func parsesAConjunction() throws {
    let condition = try ConditionParser.parse("d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01")
    #expect(condition.clauses.count == 2)
    #expect(condition.clauses[0] == clause([(1, .disagreement)], .less, 0.1, 0.01))
    #expect(condition.clauses[1] == clause([(1, .new), (-1, .old)], .greater, 0.02, 0.01))
}

@Test func parsesAScaledOldAccuracy() throws {
    let condition = try ConditionParser.parse("n - 1.1 * o > 0.01 +/- 0.01")
    #expect(condition == Condition(clauses: [clause([(1, .new), (-1.1, .old)], .greater, 0.01, 0.01)]))
}

@Test func parsesBothProductOrders() throws {
    let condition = try ConditionParser.parse("o * 0.5 + 2 * n > 0.3 +/- 0.05")
    #expect(condition == Condition(clauses: [clause([(0.5, .old), (2, .new)], .greater, 0.3, 0.05)]))
    #expect(condition.clauses[0].expression.coefficients == [.old: 0.5, .new: 2])
}

@Test func constantTimesVariableEqualsVariableTimesConstant() throws {
    #expect(try ConditionParser.parse("2 * n > 0.5 +/- 0.1") == ConditionParser.parse("n * 2 > 0.5 +/- 0.1"))
    #expect(try ConditionParser.parse("n - 0.5 * o > 0 +/- 0.1") == ConditionParser.parse("n - o * 0.5 > 0 +/- 0.1"))
}

@Test func signsOnLeadingConstantsAndBetweenTerms() throws {
    let condition = try ConditionParser.parse("-0.5 * n + o - -2 * d - d * 3 > 0 +/- 0.1")
    #expect(condition.clauses[0].expression.terms.map(\.coefficient) == [-0.5, 1, 2, -3])
    #expect(condition.clauses[0].expression.terms.map(\.variable) == [.new, .old, .disagreement, .disagreement])
    let negated = try ConditionParser.parse("-n > -0.5 +/- 0.1")
    #expect(negated == Condition(clauses: [clause([(-1, .new)], .greater, -0.5, 0.1)]))
}

@Test func whitespaceAndNewlinesMayAppearAnywhereBetweenTokens() throws {
    let spaced = try ConditionParser.parse("\n\t d<0.1+/-0.01/\\n-o>0.02+/-0.01 \n")
    let broken = try ConditionParser.parse("d\n<\n0.1\n+/-\n0.01\n/\\\n\tn\n-\n\to\n>\n0.02\n+/-\n0.01")
    let canonical = try ConditionParser.parse("d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01")
    #expect(spaced == canonical)
    #expect(broken == canonical)
}

@Test(arguments: [
    "n - o >= 0.02 ± 0.01 and d <= 0.1 +/- 0.01",
    "n - o ≥ 0.02 +/- 0.01 && d ≤ 0.1 ± 0.01",
    "n − o > 0.02 +/- 0.01 ∧ d < 0.1 +/- 0.01",
    "n - o > 2e-2 +/- 1E-2 AND d < .1 +/- 1e-2",
])
func acceptsTheSpellingExtensions(text: String) throws {
    let expected = Condition(clauses: [
        clause([(1, .new), (-1, .old)], .greater, 0.02, 0.01), clause([(1, .disagreement)], .less, 0.1, 0.01),
    ])
    #expect(try ConditionParser.parse(text) == expected)
}

@Test func fillsSourceRangesOfTermsAndClauses() throws {
    let condition = try ConditionParser.parse("n - 1.1 * o > 0.01 +/- 0.01 /\\\n  d < 0.1 +/- 0.01")
    let first = condition.clauses[0]
    #expect(first.range?.start == SourceLocation(line: 1, column: 1, offset: 0))
    #expect(first.range?.end == SourceLocation(line: 1, column: 28, offset: 27))
    #expect(first.expression.terms[0].range?.start.column == 1)
    #expect(first.expression.terms[0].range?.end.column == 2)
    #expect(first.expression.terms[1].range?.start.column == 5)
    #expect(first.expression.terms[1].range?.end.column == 12)
    let second = condition.clauses[1]
    #expect(second.range?.start == SourceLocation(line: 2, column: 3, offset: 33))
    #expect(second.expression.terms[0].range?.start.line == 2)
}

@Test func acceptsBoundaryThresholdsAndTolerances() throws {
    #expect(try ConditionParser.parse("n > 1 +/- 0.5").clauses[0].threshold == 1)
    #expect(try ConditionParser.parse("n - o < -1 +/- 1").clauses[0].tolerance == 1)
    #expect(try ConditionParser.parse("100 * n + 100 * o > 199 +/- 0.1").clauses.count == 1)
}

// MARK: - Rejected conditions

/// A rejected condition: the expected kind and where its caret must point.
struct ConditionRejection: Sendable, CustomTestStringConvertible {
    var text: String
    var kind: ConditionError.Kind
    var line: Int
    var column: Int
    var testDescription: String { "\(kind): \(text.debugDescription)" }

    init(_ text: String, _ kind: ConditionError.Kind, _ line: Int, _ column: Int) {
        self.text = text
        self.kind = kind
        self.line = line
        self.column = column
    }
}

private let rejections: [ConditionRejection] = [
    ConditionRejection("n / 2 > 0.1 +/- 0.01", .division, 1, 3),
    ConditionRejection("n > 0.1 +/- 0.01 / 2", .division, 1, 18),
    ConditionRejection("n ÷ 2 > 0.1 +/- 0.01", .division, 1, 3),
    ConditionRejection("n - o > 0.02 +/- 0.01 \\/ d < 0.1 +/- 0.01", .disjunction, 1, 23),
    ConditionRejection("n > 0.1 +/- 0.01 or o > 0.1 +/- 0.01", .disjunction, 1, 18),
    ConditionRejection("n > 0.1 +/- 0.01 || o > 0.1 +/- 0.01", .disjunction, 1, 18),
    ConditionRejection("n - o > 0.02", .missingTolerance, 1, 13),
    ConditionRejection("n - o > 0.02 /\\ d < 0.1 +/- 0.01", .missingTolerance, 1, 14),
    ConditionRejection("n > 0.5 0.1", .missingTolerance, 1, 9),
    ConditionRejection("n > 0.5 +/- 0", .nonPositiveTolerance, 1, 13),
    ConditionRejection("n > 0.5 +/- -0.01", .nonPositiveTolerance, 1, 13),
    ConditionRejection("n > 0.5 +/- 1e-400", .nonPositiveTolerance, 1, 13),
    ConditionRejection("n > 0.5 +/- 0.6", .toleranceTooLarge, 1, 13),
    ConditionRejection("n - o > 0 +/- 1.5", .toleranceTooLarge, 1, 15),
    ConditionRejection("n > 1.5 +/- 0.01", .clauseNeverHolds, 1, 5),
    ConditionRejection("n - o < -1.2 +/- 0.01", .clauseNeverHolds, 1, 9),
    ConditionRejection("n < 1.5 +/- 0.01", .clauseAlwaysHolds, 1, 5),
    ConditionRejection("n - o > -1.2 +/- 0.01", .clauseAlwaysHolds, 1, 9),
    ConditionRejection("2 * n - o > 2.5 +/- 0.01", .clauseNeverHolds, 1, 13),
    ConditionRejection("150 * n > 0.1 +/- 0.1", .coefficientOutOfRange, 1, 1),
    ConditionRejection("o - n * -101 > 0.1 +/- 0.1", .coefficientOutOfRange, 1, 9),
    ConditionRejection("0 * n > 0.1 +/- 0.1", .zeroCoefficient, 1, 1),
    ConditionRejection("n - o * 0 > 0.1 +/- 0.1", .zeroCoefficient, 1, 9),
    ConditionRejection("1e999 * n > 0.1 +/- 0.1", .nonFiniteNumber, 1, 1),
    ConditionRejection("n > 1e999 +/- 0.1", .nonFiniteNumber, 1, 5),
    ConditionRejection("n > 0.5 +/- 1e999", .nonFiniteNumber, 1, 13),
    ConditionRejection("n - acc > 0.02 +/- 0.01", .unknownVariable, 1, 5),
    ConditionRejection("x > 0.1 +/- 0.01", .unknownVariable, 1, 1),
    ConditionRejection("n - 2 * old > 0 +/- 0.01", .unknownVariable, 1, 9),
    ConditionRejection("n * o > 0.1 +/- 0.01", .productOfVariables, 1, 1),
    ConditionRejection("o - 2 * n * d > 0.1 +/- 0.01", .productOfVariables, 1, 5),
    ConditionRejection("2 * 3 > 0.1 +/- 0.01", .productOfConstants, 1, 1),
    ConditionRejection("n + 2 * n * 3 > 0.1 +/- 0.01", .productOfConstants, 1, 5),
    ConditionRejection("n - o", .missingComparison, 1, 6),
    ConditionRejection("n - o 0.02 +/- 0.01", .missingComparison, 1, 7),
    ConditionRejection("n o > 0.02 +/- 0.01", .missingComparison, 1, 3),
    ConditionRejection("", .emptyCondition, 1, 1),
    ConditionRejection("  \n\t ", .emptyCondition, 1, 1),
    ConditionRejection("n # o > 0.1 +/- 0.01", .unexpectedCharacter, 1, 3),
    ConditionRejection("n > 0.1 +/- 0.01 $", .unexpectedCharacter, 1, 18),
    ConditionRejection("n - o >", .unexpectedEndOfInput, 1, 8),
    ConditionRejection("n > 0.1 +/-", .unexpectedEndOfInput, 1, 12),
    ConditionRejection("n > 0.1 +/- 0.01 /\\", .unexpectedEndOfInput, 1, 20),
    ConditionRejection("n -", .unexpectedEndOfInput, 1, 4),
    ConditionRejection("n > 0.1 +/- 0.01 o", .trailingGarbage, 1, 18),
    ConditionRejection("n > 0.1 +/- 0.01 +/- 0.02", .trailingGarbage, 1, 18),
    ConditionRejection("n > 1.2.3 +/- 0.1", .malformedNumber, 1, 5),
    ConditionRejection("n > 1e +/- 0.1", .malformedNumber, 1, 5),
    ConditionRejection("0.5 > 0.2 +/- 0.1", .noVariable, 1, 1),
    ConditionRejection("n - n > 0 +/- 0.1", .noVariable, 1, 1),
    ConditionRejection("(n - o) > 0.02 +/- 0.01", .parentheses, 1, 1),
    ConditionRejection("n - (o) > 0.02 +/- 0.01", .parentheses, 1, 5),
    ConditionRejection("n - o) > 0.02 +/- 0.01", .parentheses, 1, 6),
    ConditionRejection("n = 0.5 +/- 0.1", .equality, 1, 3),
    ConditionRejection("n == 0.5 +/- 0.1", .equality, 1, 3),
    ConditionRejection("n + 0.5 > 0.1 +/- 0.1", .constantTerm, 1, 5),
    ConditionRejection("n > o +/- 0.1", .nonConstantBound, 1, 5),
    ConditionRejection("n > 0.1 + 0.1 +/- 0.1", .nonConstantBound, 1, 9),
    ConditionRejection("n > 0.1 +/- 0.01 * 2", .nonConstantBound, 1, 18),
    ConditionRejection("n + > 0.1 +/- 0.1", .unexpectedToken, 1, 5),
    ConditionRejection("0.5 n > 0.1 +/- 0.1", .unexpectedToken, 1, 5),
    ConditionRejection("/\\ n > 0.1 +/- 0.1", .unexpectedToken, 1, 1),
    ConditionRejection("d < 0.1 +/- 0.01 /\\\n  n / 2 > 0.02 +/- 0.01", .division, 2, 5),
    ConditionRejection("n - o > 0.02 +/- 0.01\n/\\ d < 0.1", .missingTolerance, 2, 11),
    ConditionRejection("n > 0.1 +/- 0.01 /\\\n\to > 2 +/- 0.01", .clauseNeverHolds, 2, 6),
    ConditionRejection("n > 0.1 +/- 0.01 /\\\r\nacc > 0.1 +/- 0.01", .unknownVariable, 2, 1),
    ConditionRejection("n >\n\n  0.1 +/- 0.01 \\/ o > 0.1 +/- 0.01", .disjunction, 3, 16),
]

@Test(arguments: rejections)
func rejectsWithKindAndPosition(rejection: ConditionRejection) throws {
    let error = try #require(parseError(rejection.text))
    #expect(error.kind == rejection.kind)
    #expect(error.diagnostic.range.start.line == rejection.line)
    #expect(error.diagnostic.range.start.column == rejection.column)
    #expect(error.diagnostic.file == nil)
    #expect(!error.diagnostic.message.isEmpty)
    let lines = rejection.text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    let offending = try #require(lines.dropFirst(rejection.line - 1).first)
    let expectedLine = String(String.UnicodeScalarView(offending.last == "\r" ? offending.dropLast() : offending))
    #expect(error.diagnostic.sourceLine == expectedLine)
    let caret = "\n  " + String(repeating: " ", count: rejection.column - 1) + "^"
    #expect(error.description.contains(caret))
    #expect(error.description.hasPrefix("\(rejection.line):\(rejection.column): error: "))
    #expect(error.description == error.diagnostic.description)
}

@Test func everyKindIsCoveredByARejectionTest() {
    let covered = Set(rejections.map(\.kind))
    #expect(covered == Set(ConditionError.Kind.allCases))
}

@Test func kindsHaveDistinctMessages() throws {
    var messagesByKind: [ConditionError.Kind: String] = [:]
    for rejection in rejections {
        let error = try #require(parseError(rejection.text))
        messagesByKind[error.kind] = error.diagnostic.message
    }
    #expect(Set(messagesByKind.values).count == messagesByKind.count)
}

@Test func divisionAndDisjunctionMessages() throws {
    let division = try #require(parseError("n / 2 > 0.1 +/- 0.01"))
    #expect(division.diagnostic.message.hasPrefix("division is not part of the condition language"))
    let disjunction = try #require(parseError("n > 0.1 +/- 0.01 or o > 0.1 +/- 0.01"))
    let expected = "disjunction is not supported; a condition is a conjunction (/\\) of clauses"
    #expect(disjunction.diagnostic.message == expected)
}

@Test func theRenderedDiagnosticDrawsTheCaretUnderTheOffendingToken() throws {
    let error = try #require(parseError("n - acc > 0.02 +/- 0.01"))
    #expect(error.description.hasPrefix("1:5: error: unknown variable `acc`"))
    #expect(error.description.contains("\n  n - acc > 0.02 +/- 0.01\n      ^~~"))
}

@Test func unknownVariablesListTheVariablesAndSuggestAliases() throws {
    let plain = try #require(parseError("x > 0.1 +/- 0.01"))
    #expect(plain.diagnostic.message.contains("n ("))
    #expect(plain.diagnostic.message.contains("o ("))
    #expect(plain.diagnostic.message.contains("d ("))
    #expect(plain.diagnostic.hint == nil)
    #expect(try #require(parseError("new - o > 0 +/- 0.01")).diagnostic.hint == "did you mean `n`?")
    #expect(try #require(parseError("n - old > 0 +/- 0.01")).diagnostic.hint == "did you mean `o`?")
    #expect(try #require(parseError("diff < 0.1 +/- 0.01")).diagnostic.hint == "did you mean `d`?")
    #expect(try #require(parseError("N > 0.1 +/- 0.01")).diagnostic.hint?.contains("`n`") == true)
    let accuracy = try #require(parseError("accuracy > 0.8 +/- 0.01"))
    #expect(accuracy.diagnostic.hint?.contains("`n`") == true)
    #expect(accuracy.diagnostic.hint?.contains("`o`") == true)
}

@Test func outOfRangeThresholdsNameTheRange() throws {
    let never = try #require(parseError("n > 1.5 +/- 0.01"))
    #expect(never.diagnostic.message.contains("can never hold"))
    #expect(never.diagnostic.message.contains("[0, 1]"))
    let always = try #require(parseError("n - o > -1.2 +/- 0.01"))
    #expect(always.diagnostic.message.contains("always holds"))
    #expect(always.diagnostic.message.contains("[-1, 1]"))
    let tolerance = try #require(parseError("n > 0.5 +/- 0.6"))
    #expect(tolerance.diagnostic.message.contains("0.5"))
}

@Test func theCaretOfAMultiLineErrorIsOnItsOwnLine() throws {
    let error = try #require(parseError("d < 0.1 +/- 0.01 /\\\n  n / 2 > 0.02 +/- 0.01"))
    #expect(error.description.hasPrefix("2:5: error: division"))
    #expect(error.description.contains("\n    n / 2 > 0.02 +/- 0.01\n      ^"))
}
