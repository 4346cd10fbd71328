/// Parses the condition language of DESIGN §4 (paper Appendix A):
///
///     c   := floating point constant          v := n | o | d
///     EXP := v | c * v | v * c | EXP + EXP | EXP - EXP
///     C   := EXP (> | <) c +/- c              F := C | C /\ F
///
/// Accepted spellings beyond the grammar: `>=`/`≥` for `>`, `<=`/`≤` for `<`, `±` for `+/-`,
/// `and`/`&&`/`∧` for `/\`, a unary sign on a term, threshold or tolerance (`-0.5 * n`,
/// `> -0.02`), and whitespace (including newlines) between any two tokens.
public enum ConditionParser {
    /// Parses `text` into a condition, or throws a `ConditionError` pointing at the first problem.
    ///
    /// Besides syntax, the parser rejects conditions that make no sense: coefficients that are
    /// zero, not finite or larger than 100 in magnitude; thresholds outside the range the
    /// expression can take when every variable lies in [0, 1]; tolerances that are not positive
    /// or exceed half the width of that range.
    public static func parse(_ text: String) throws(ConditionError) -> Condition {
        var parser = try Parser(text)
        return try parser.parseCondition()
    }
}

/// The recursive-descent parser behind `ConditionParser`. It pulls tokens from the lexer one at
/// a time and looks one token ahead.
private struct Parser {
    private let text: String
    private var lexer: ConditionLexer
    private var current: ConditionToken
    private var previousEnd: SourceLocation

    init(_ text: String) throws(ConditionError) {
        self.text = text
        var lexer = ConditionLexer(text)
        self.current = try lexer.next()
        self.lexer = lexer
        self.previousEnd = SourceLocation(line: 1, column: 1, offset: 0)
    }

    // MARK: - Grammar

    /// `F := C | C /\ F`
    mutating func parseCondition() throws(ConditionError) -> Condition {
        if current.kind == .end {
            let origin = SourceLocation(line: 1, column: 1, offset: 0)
            throw ConditionError(
                .emptyCondition, "the condition is empty",
                at: SourceRange(start: origin, end: origin), in: text,
                hint: "write at least one clause, e.g. `n - o > 0.02 +/- 0.01`")
        }
        var clauses = [try parseClause()]
        while current.kind != .end {
            guard current.kind == .and else {
                if let error = forbidden(current) { throw error }
                throw error(
                    .trailingGarbage,
                    "unexpected \(current.quoted) after the end of the clause; clauses are joined with /\\",
                    at: current.range)
            }
            try advance()
            clauses.append(try parseClause())
        }
        return Condition(clauses: clauses)
    }

    /// `C := EXP (> | <) c +/- c`
    private mutating func parseClause() throws(ConditionError) -> Clause {
        let start = current.range.start
        let expression = try parseExpression()
        let expressionRange = SourceRange(start: start, end: previousEnd)
        let comparison: Comparison
        switch current.kind {
        case .greater: comparison = .greater
        case .less: comparison = .less
        default:
            if let error = forbidden(current) { throw error }
            throw error(
                .missingComparison,
                "expected a comparison (> or <) after the expression, found \(current.quoted)",
                at: current.range, hint: "a clause looks like `n - o > 0.02 +/- 0.01`")
        }
        let coefficients = expression.coefficients
        if coefficients.isEmpty {
            throw error(
                .noVariable, "the terms cancel out, so this clause has no variable; use at least one of n, o and d",
                at: expressionRange)
        }
        try advance()
        let bounds = AchievableRange(coefficients)

        let threshold = try parseConstant(role: "threshold")
        try check(threshold: threshold, comparison: comparison, within: bounds)

        switch current.kind {
        case .plusMinus: try advance()
        case .plus, .minus, .star:
            throw error(
                .nonConstantBound, "the threshold must be a single constant; arithmetic belongs on the left side",
                at: current.range)
        default:
            if let error = forbidden(current) { throw error }
            throw error(
                .missingTolerance,
                "expected +/- and a tolerance after the threshold \(threshold.text), found \(current.quoted)",
                at: current.range, hint: "every clause needs a tolerance, e.g. `\(threshold.text) +/- 0.01`")
        }

        let tolerance = try parseConstant(role: "tolerance")
        try check(tolerance: tolerance, within: bounds)
        switch current.kind {
        case .plus, .minus, .star:
            throw error(.nonConstantBound, "the tolerance must be a single constant", at: current.range)
        default: break
        }
        return Clause(
            expression: expression, comparison: comparison, threshold: threshold.value,
            tolerance: tolerance.value, range: SourceRange(start: start, end: previousEnd))
    }

    /// `EXP := TERM | EXP + TERM | EXP - TERM`
    private mutating func parseExpression() throws(ConditionError) -> LinearExpression {
        var terms = [try parseTerm(sign: 1, isFirst: true)]
        while true {
            switch current.kind {
            case .plus:
                try advance()
                terms.append(try parseTerm(sign: 1, isFirst: false))
            case .minus:
                try advance()
                terms.append(try parseTerm(sign: -1, isFirst: false))
            default:
                return LinearExpression(terms: terms)
            }
        }
    }

    /// `TERM := [+|-] (v | c * v | v * c)`; `sign` is that of the preceding binary operator.
    private mutating func parseTerm(sign: Double, isFirst: Bool) throws(ConditionError) -> Term {
        let start = current.range.start
        var sign = sign
        if current.kind == .plus || current.kind == .minus {
            if current.kind == .minus { sign = -sign }
            try advance()
        }
        let term: Term
        switch current.kind {
        case .number(let value):
            let constant = current
            try advance()
            let constantRange = SourceRange(start: start, end: constant.range.end)
            guard current.kind == .star else {
                throw loneConstant(constant, isFirst: isFirst, range: constantRange)
            }
            try check(coefficient: sign * value, spelled: constant.text, at: constantRange)
            try advance()
            switch current.kind {
            case .identifier:
                let variable = try variable(current)
                try advance()
                term = Term(
                    coefficient: sign * value, variable: variable,
                    range: SourceRange(start: start, end: previousEnd))
            case .number:
                throw error(
                    .productOfConstants,
                    "a product of two constants is not a term; multiply it out and write `c * v`",
                    at: SourceRange(start: start, end: current.range.end))
            default:
                throw unexpected(current, expected: "a variable (n, o or d) after `*`")
            }
        case .identifier:
            let variable = try variable(current)
            try advance()
            guard current.kind == .star else {
                term = Term(coefficient: sign, variable: variable, range: SourceRange(start: start, end: previousEnd))
                break
            }
            try advance()
            let constant = try parseFactor(after: start)
            try check(coefficient: sign * constant.value, spelled: constant.text, at: constant.range)
            term = Term(
                coefficient: sign * constant.value, variable: variable,
                range: SourceRange(start: start, end: previousEnd))
        default:
            throw unexpected(current, expected: "a term (n, o, d or `c * v`)")
        }
        if current.kind == .star {
            try advance()
            switch current.kind {
            case .identifier:
                throw try nonLinear(from: start)
            case .number:
                throw error(
                    .productOfConstants,
                    "a product of two constants is not a term; multiply them out and write `c * v`",
                    at: SourceRange(start: start, end: current.range.end))
            default:
                throw unexpected(current, expected: "a term after `*`")
            }
        }
        return term
    }

    /// The factor after `v *`: a signed constant, or a variable (which makes a non-linear product).
    private mutating func parseFactor(after start: SourceLocation) throws(ConditionError) -> Constant {
        if case .identifier = current.kind {
            throw try nonLinear(from: start)
        }
        return try parseConstant(role: "coefficient")
    }

    /// A constant with an optional sign: a threshold, a tolerance or a trailing coefficient.
    private mutating func parseConstant(role: String) throws(ConditionError) -> Constant {
        let start = current.range.start
        var sign = 1.0
        if current.kind == .plus || current.kind == .minus {
            if current.kind == .minus { sign = -1 }
            try advance()
        }
        switch current.kind {
        case .number(let value):
            let spelling = current.text
            try advance()
            let range = SourceRange(start: start, end: previousEnd)
            let written = (sign < 0 ? "-" : "") + spelling
            return Constant(value: sign * value, text: written, range: range)
        case .identifier(let name) where role != "coefficient":
            throw error(
                .nonConstantBound,
                "the \(role) must be a constant, not `\(name)`; variables belong on the left side of the comparison",
                at: current.range, hint: "e.g. write `n - o > 0.02 +/- 0.01` rather than `n > o + 0.02 +/- 0.01`")
        default:
            throw unexpected(current, expected: "the \(role) (a constant)")
        }
    }

    // MARK: - Meaning checks

    private func check(coefficient: Double, spelled text: String, at range: SourceRange) throws(ConditionError) {
        guard coefficient.isFinite else {
            throw error(.nonFiniteNumber, "the constant `\(text)` is not a finite number", at: range)
        }
        guard coefficient != 0 else {
            throw error(.zeroCoefficient, "a coefficient of 0 removes its variable; leave the term out", at: range)
        }
        guard abs(coefficient) <= AchievableRange.maximumCoefficient else {
            throw error(
                .coefficientOutOfRange,
                "the coefficient \(coefficient.conditionText) is outside the sensible range [-100, 100]",
                at: range)
        }
    }

    private func check(
        threshold: Constant, comparison: Comparison, within bounds: AchievableRange
    ) throws(ConditionError) {
        guard threshold.value.isFinite else {
            throw error(
                .nonFiniteNumber, "the threshold `\(threshold.text)` is not a finite number", at: threshold.range)
        }
        let above = threshold.value > bounds.upper
        guard above || threshold.value < bounds.lower else { return }
        let never = (comparison == .greater) == above
        let verdict = never ? "can never hold" : "always holds"
        throw error(
            never ? .clauseNeverHolds : .clauseAlwaysHolds,
            "this clause \(verdict): the expression lies in \(bounds) but the threshold is \(threshold.text)",
            at: threshold.range, hint: "each of n, o and d lies in [0, 1]")
    }

    private func check(tolerance: Constant, within bounds: AchievableRange) throws(ConditionError) {
        guard tolerance.value.isFinite else {
            throw error(
                .nonFiniteNumber, "the tolerance `\(tolerance.text)` is not a finite number", at: tolerance.range)
        }
        guard tolerance.value > 0 else {
            let value = tolerance.value == 0 ? "0" : tolerance.value.conditionText
            let written = tolerance.text == value ? value : "\(tolerance.text) (that is, \(value))"
            throw error(
                .nonPositiveTolerance, "the tolerance must be greater than 0, but it is \(written)",
                at: tolerance.range)
        }
        let limit = (bounds.upper - bounds.lower) / 2
        guard tolerance.value <= limit else {
            throw error(
                .toleranceTooLarge,
                "the tolerance \(tolerance.text) is more than half the width of the expression's range "
                    + "\(bounds); at most \(limit.conditionText) makes sense",
                at: tolerance.range)
        }
    }

    // MARK: - Tokens and errors

    private mutating func advance() throws(ConditionError) {
        previousEnd = current.range.end
        current = try lexer.next()
    }

    private func variable(_ token: ConditionToken) throws(ConditionError) -> Variable {
        guard case .identifier(let name) = token.kind else {
            throw unexpected(token, expected: "a variable (n, o or d)")
        }
        if let variable = Variable(rawValue: name) { return variable }
        throw error(
            .unknownVariable,
            "unknown variable `\(name)`; the variables are n (accuracy of the new model), "
                + "o (accuracy of the old model) and d (fraction of differing predictions)",
            at: token.range, hint: Self.aliasHint(for: name))
    }

    /// A suggestion for a name that users commonly write instead of `n`, `o` or `d`.
    private static func aliasHint(for name: String) -> String? {
        let folded = name.lowercased().filter { $0.isLetter }
        if let variable = Variable(rawValue: folded) {
            return "variables are written in lower case: did you mean `\(variable.rawValue)`?"
        }
        let aliases: [String: String] = [
            "new": "n", "newaccuracy": "n", "newacc": "n", "accnew": "n", "newmodel": "n",
            "candidate": "n", "current": "n", "model": "n",
            "old": "o", "oldaccuracy": "o", "oldacc": "o", "accold": "o", "oldmodel": "o",
            "baseline": "o", "previous": "o", "prev": "o", "reference": "o",
            "diff": "d", "difference": "d", "disagreement": "d", "disagree": "d", "changed": "d",
            "delta": "d",
        ]
        if let letter = aliases[folded] { return "did you mean `\(letter)`?" }
        if ["accuracy", "acc"].contains(folded) {
            return "write `n` for the accuracy of the new model and `o` for that of the old model"
        }
        return nil
    }

    /// The error for `… * v` at the current token, a variable: a product that is not linear.
    private func nonLinear(from start: SourceLocation) throws(ConditionError) -> ConditionError {
        _ = try variable(current)
        return error(
            .productOfVariables,
            "a product of two variables is not linear; the condition must be linear in n, o and d",
            at: SourceRange(start: start, end: current.range.end))
    }

    /// A constant that does not multiply a variable.
    private func loneConstant(_ constant: ConditionToken, isFirst: Bool, range: SourceRange) -> ConditionError {
        if case .identifier(let name) = current.kind {
            return error(
                .unexpectedToken, "expected `*` between the constant \(constant.text) and `\(name)`",
                at: current.range, hint: "write `\(constant.text) * \(name)`")
        }
        if isFirst && current.isComparison {
            return error(
                .noVariable, "this clause has no variable; its left side must use at least one of n, o and d",
                at: range)
        }
        return error(
            .constantTerm,
            "a constant on its own is not a term; multiply it with a variable (`c * v`) or move it into the threshold",
            at: range)
    }

    /// The dedicated error for a token the language forbids outright, if `token` is one.
    private func forbidden(_ token: ConditionToken) -> ConditionError? {
        switch token.kind {
        case .slash:
            error(
                .division, "division is not part of the condition language; multiply by a constant instead",
                at: token.range, hint: "write `0.5 * n` rather than `n / 2`")
        case .or:
            error(
                .disjunction, "disjunction is not supported; a condition is a conjunction (/\\) of clauses",
                at: token.range)
        case .leftParen, .rightParen:
            error(
                .parentheses,
                "parentheses are not part of the condition language; write a sum of terms like `n - 1.1 * o`",
                at: token.range)
        case .equals:
            error(
                .equality,
                "\(token.quoted) is not a comparison of the condition language; only > and < are allowed",
                at: token.range, hint: "with a tolerance, >= and <= mean the same as > and <")
        default:
            nil
        }
    }

    /// The error for a token where `expected` should be.
    private func unexpected(_ token: ConditionToken, expected: String) -> ConditionError {
        if let error = forbidden(token) { return error }
        if token.kind == .end {
            return error(.unexpectedEndOfInput, "unexpected end of input; expected \(expected)", at: token.range)
        }
        return error(.unexpectedToken, "expected \(expected), found \(token.quoted)", at: token.range)
    }

    private func error(
        _ kind: ConditionError.Kind, _ message: String, at range: SourceRange, hint: String? = nil
    ) -> ConditionError {
        ConditionError(kind, message, at: range, in: text, hint: hint)
    }
}

/// A constant as written: its signed value, its spelling and where it is.
private struct Constant {
    var value: Double
    var text: String
    var range: SourceRange
}

/// `[Σ min(0, cᵢ), Σ max(0, cᵢ)]`: the values a linear expression can take when every variable
/// lies in [0, 1].
private struct AchievableRange: CustomStringConvertible {
    static let maximumCoefficient = 100.0

    var lower: Double
    var upper: Double

    init(_ coefficients: [Variable: Double]) {
        lower = coefficients.values.reduce(0) { $0 + min(0, $1) }
        upper = coefficients.values.reduce(0) { $0 + max(0, $1) }
    }

    var description: String { "[\(lower.conditionText), \(upper.conditionText)]" }
}
