/// The canonical text of a condition: clauses joined by ` /\ `, e.g.
/// `d < 0.1 +/- 0.01 /\ n - o > 0.02 +/- 0.01`. `ConditionParser.parse` reads it back to an
/// equal condition.
extension Condition: CustomStringConvertible {
    /// The clauses' canonical texts joined by ` /\ `.
    public var description: String {
        clauses.map(\.description).joined(separator: " /\\ ")
    }
}

/// The canonical text of a clause, e.g. `n - 1.1 * o > 0.01 +/- 0.01`.
extension Clause: CustomStringConvertible {
    /// `expression comparison threshold +/- tolerance`, with numbers in their shortest form.
    public var description: String {
        "\(expression) \(comparison.rawValue) \(threshold.conditionText) +/- \(tolerance.conditionText)"
    }
}

/// The canonical text of an expression: `v` for coefficient 1, `-v` / `- v` for −1 and `c * v`
/// otherwise, e.g. `-0.5 * n + o - 2 * d`. An expression without terms prints as `0`.
extension LinearExpression: CustomStringConvertible {
    /// The terms in the order written, joined by ` + ` and ` - `.
    public var description: String {
        guard let first = terms.first else { return "0" }
        var text = Self.body(first, magnitude: first.coefficient)
        for term in terms.dropFirst() {
            let negative = term.coefficient < 0 || (term.coefficient == 0 && term.coefficient.sign == .minus)
            text += negative ? " - " : " + "
            text += Self.body(term, magnitude: abs(term.coefficient))
        }
        return text
    }

    /// `v`, `-v` or `c * v` for a coefficient already stripped of a binary operator's sign.
    private static func body(_ term: Term, magnitude coefficient: Double) -> String {
        switch coefficient {
        case 1: term.variable.rawValue
        case -1: "-\(term.variable.rawValue)"
        default: "\(coefficient.conditionText) * \(term.variable.rawValue)"
        }
    }
}

extension Double {
    /// The shortest text that reads back as this value, without a trailing `.0` (`2`, `0.02`,
    /// `1e-05`).
    var conditionText: String {
        let text = "\(self)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
