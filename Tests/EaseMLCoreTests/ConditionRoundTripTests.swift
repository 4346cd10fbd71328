import Testing
@testable import EaseMLCore

@Test(arguments: [
    ("n - o > 0.02 +/- 0.01", "n - o > 0.02 +/- 0.01"),
    ("d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01", "d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01"),
    ("n - 1.1 * o > 0.01 +/- 0.01", "n - 1.1 * o > 0.01 +/- 0.01"),
    ("o * 0.5 + 2 * n > 0.3 +/- 0.05", "0.5 * o + 2 * n > 0.3 +/- 0.05"),
    ("  n-o>=2e-2 ± 1E-2 and d<=.1+/-.01 ", "n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01"),
    ("-n > -0.5 +/- 0.1", "-n > -0.5 +/- 0.1"),
    ("-0.5 * n + o - -2 * d > 0 +/- 0.1", "-0.5 * n + o + 2 * d > 0 +/- 0.1"),
    ("n - 1 * o + d * 1 > 0.25 +/- 0.125", "n - o + d > 0.25 +/- 0.125"),
    ("n > 1e-5 +/- 5e-7", "n > 1e-05 +/- 5e-07"),
    ("n * 2.0 > 1.0 +/- 0.5", "2 * n > 1 +/- 0.5"),
])
func printsTheCanonicalText(source: String, canonical: String) throws {
    let condition = try ConditionParser.parse(source)
    #expect(condition.description == canonical)
    #expect(try ConditionParser.parse(condition.description) == condition)
}

@Test func printsConditionsBuiltInCode() {
    let clause = Clause(
        expression: LinearExpression(terms: [
            Term(coefficient: -1, variable: .old), Term(coefficient: -0.25, variable: .disagreement),
            Term(coefficient: 3, variable: .new),
        ]),
        comparison: .less, threshold: 0.5, tolerance: 0.05)
    #expect(clause.description == "-o - 0.25 * d + 3 * n < 0.5 +/- 0.05")
    #expect(clause.expression.description == "-o - 0.25 * d + 3 * n")
    #expect(LinearExpression(terms: []).description == "0")
    #expect(Condition(clauses: [clause, clause]).description == "\(clause) /\\ \(clause)")
}

@Test func printedNumbersAreShortestRoundTripping() {
    #expect(0.02.conditionText == "0.02")
    #expect(2.0.conditionText == "2")
    #expect((-0.5).conditionText == "-0.5")
    #expect((0.1 + 0.2).conditionText == "0.30000000000000004")
    #expect(1e-5.conditionText == "1e-05")
    #expect(Double("0.30000000000000004") == 0.1 + 0.2)
}

@Test(arguments: [
    "n > 0.5 +/- 0.1",
    "o < 0.9 +/- 0.05",
    "d < 0.1 +/- 0.01",
    "n - o > 0 +/- 0.01",
    "n - o > -0.02 +/- 0.01",
    "o - n < 0.05 +/- 0.01",
    "0.3 * n + 0.7 * o > 0.5 +/- 0.1",
    "n - 1.1 * o > 0.01 +/- 0.01 /\\ d < 0.2 +/- 0.05 /\\ n > 0.8 +/- 0.02",
    "n + o + d > 1.5 +/- 0.5",
    "n + n + n > 2 +/- 0.1",
    "n - o + o > 0.5 +/- 0.1",
    "99.5 * n - 100 * o < 3.25 +/- 0.75",
    "n * 0.001 > 0.0005 +/- 0.0001",
    "-2 * d > -1 +/- 0.5",
    "n - 0.1 * o - 0.2 * d > 0.12345678901234 +/- 0.000001",
    "n - o > 0.02 +/- 0.01 /\\ n - o > 0.02 +/- 0.01",
])
func roundTrips(source: String) throws {
    let condition = try ConditionParser.parse(source)
    let printed = condition.description
    let reparsed = try ConditionParser.parse(printed)
    #expect(reparsed == condition)
    #expect(reparsed.description == printed)
    #expect(reparsed.clauses.count == condition.clauses.count)
}
