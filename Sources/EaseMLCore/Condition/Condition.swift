/// A variable of the condition language (DESIGN §4).
public enum Variable: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    /// `n`: accuracy of the new model on the test sample, in [0, 1].
    case new = "n"
    /// `o`: accuracy of the old (last accepted) model on the same sample, in [0, 1].
    case old = "o"
    /// `d`: fraction of test points on which the two models' predictions differ, in [0, 1].
    case disagreement = "d"

    public static func < (lhs: Variable, rhs: Variable) -> Bool {
        lhs.sortKey < rhs.sortKey
    }

    private var sortKey: Int {
        switch self {
        case .new: 0
        case .old: 1
        case .disagreement: 2
        }
    }

    /// Whether estimating this variable needs labels (`d` compares predictions only).
    public var needsLabels: Bool { self != .disagreement }
}

/// One `c * v` term of a linear expression. A bare `v` has coefficient 1; `a - v` stores −1.
public struct Term: Sendable, Hashable {
    /// The signed coefficient, including the sign of a preceding `-`.
    public var coefficient: Double
    public var variable: Variable
    /// Where the term was written; `nil` for terms built in code.
    public var range: SourceRange?

    public init(coefficient: Double, variable: Variable, range: SourceRange? = nil) {
        self.coefficient = coefficient
        self.variable = variable
        self.range = range
    }

    /// Equality ignores source positions, so a parsed and a printed-then-reparsed term match.
    public static func == (lhs: Term, rhs: Term) -> Bool {
        lhs.coefficient == rhs.coefficient && lhs.variable == rhs.variable
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(coefficient)
        hasher.combine(variable)
    }
}

/// `Σ cᵢ·vᵢ`, in the order written.
public struct LinearExpression: Sendable, Hashable {
    public var terms: [Term]

    public init(terms: [Term]) {
        self.terms = terms
    }

    /// The coefficient of each variable after adding up repeated terms (`n + n` gives `n: 2`).
    /// Variables whose coefficients cancel to zero are dropped.
    public var coefficients: [Variable: Double] {
        var result: [Variable: Double] = [:]
        for term in terms { result[term.variable, default: 0] += term.coefficient }
        return result.filter { $0.value != 0 }
    }

    /// The distinct variables with a non-zero coefficient, in `n, o, d` order.
    public var variables: [Variable] { coefficients.keys.sorted() }
}

/// The comparison of a clause. `>=` and `<=` parse as `>` and `<`: with a tolerance the
/// boundary case is Unknown either way (DESIGN §5).
public enum Comparison: String, Sendable, Hashable, Codable {
    case greater = ">"
    case less = "<"
}

/// `EXP (> | <) c +/- ε`: one clause of a condition.
public struct Clause: Sendable, Hashable {
    public var expression: LinearExpression
    public var comparison: Comparison
    /// The constant `c` the expression is compared against.
    public var threshold: Double
    /// The tolerance ε > 0: half the width of the indifference zone (`statistics.md`).
    public var tolerance: Double
    /// The clause's text span; `nil` for clauses built in code.
    public var range: SourceRange?

    public init(
        expression: LinearExpression, comparison: Comparison, threshold: Double,
        tolerance: Double, range: SourceRange? = nil
    ) {
        self.expression = expression
        self.comparison = comparison
        self.threshold = threshold
        self.tolerance = tolerance
        self.range = range
    }

    public static func == (lhs: Clause, rhs: Clause) -> Bool {
        lhs.expression == rhs.expression && lhs.comparison == rhs.comparison
            && lhs.threshold == rhs.threshold && lhs.tolerance == rhs.tolerance
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(expression)
        hasher.combine(comparison)
        hasher.combine(threshold)
        hasher.combine(tolerance)
    }
}

/// `C /\ C /\ …`: a conjunction of clauses. It holds iff every clause holds.
public struct Condition: Sendable, Hashable {
    public var clauses: [Clause]

    public init(clauses: [Clause]) {
        self.clauses = clauses
    }
}
