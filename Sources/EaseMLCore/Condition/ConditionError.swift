/// A condition that could not be parsed or that makes no sense, with a diagnostic pointing at
/// the offending part of the text.
public struct ConditionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The distinct problems a condition can have; each has its own message.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The text is empty or only whitespace.
        case emptyCondition
        /// A character that is not part of any token, e.g. `#`.
        case unexpectedCharacter
        /// A number that is written wrongly, e.g. `1.2.3` or `1e`.
        case malformedNumber
        /// A number too large to represent, e.g. `1e999`.
        case nonFiniteNumber
        /// The text ends where more was expected, e.g. `n > 0.02 +/-`.
        case unexpectedEndOfInput
        /// A token that does not fit where it stands, e.g. `n + > 0.1`.
        case unexpectedToken
        /// Text after a complete clause that does not start another clause with `/\`.
        case trailingGarbage
        /// `/` on its own: the language has no division.
        case division
        /// `\/`, `or` or `||`: the language has no disjunction.
        case disjunction
        /// `(` or `)`: the language has no parentheses.
        case parentheses
        /// `=` or `==`: only `>` and `<` compare.
        case equality
        /// An expression that is not followed by `>` or `<`.
        case missingComparison
        /// A threshold that is not followed by `+/- tolerance`.
        case missingTolerance
        /// A tolerance of zero or less.
        case nonPositiveTolerance
        /// A tolerance wider than half the range the expression can take.
        case toleranceTooLarge
        /// A name other than `n`, `o` and `d`.
        case unknownVariable
        /// `v * v`: a product of two variables is not linear.
        case productOfVariables
        /// `c * c`: a product of two constants.
        case productOfConstants
        /// A constant on the left side that multiplies no variable, e.g. `n + 0.5`.
        case constantTerm
        /// A clause whose left side has no variable, e.g. `0.5 > 0.2 +/- 0.1` or `n - n > …`.
        case noVariable
        /// A variable or arithmetic where the threshold or tolerance constant belongs.
        case nonConstantBound
        /// A coefficient of zero, e.g. `0 * n`.
        case zeroCoefficient
        /// A coefficient whose magnitude exceeds 100.
        case coefficientOutOfRange
        /// A threshold outside the expression's achievable range on the side that makes the
        /// clause impossible, e.g. `n > 1.5`.
        case clauseNeverHolds
        /// A threshold outside the expression's achievable range on the side that makes the
        /// clause always true, e.g. `n < 1.5`.
        case clauseAlwaysHolds
    }

    /// Which problem this is.
    public var kind: Kind
    /// Where the problem is and what it is; `sourceLine` holds the offending line of the
    /// condition text and `file` is `nil`.
    public var diagnostic: Diagnostic

    /// An error of `kind` described by `diagnostic`.
    public init(kind: Kind, diagnostic: Diagnostic) {
        self.kind = kind
        self.diagnostic = diagnostic
    }

    /// The rendered diagnostic: `line:column: error: message`, the source line and a caret.
    public var description: String { diagnostic.description }

    /// An error pointing at `range` of the condition `text`.
    init(_ kind: Kind, _ message: String, at range: SourceRange, in text: String, hint: String? = nil) {
        let diagnostic = Diagnostic(
            range: range, message: message,
            sourceLine: Self.line(range.start.line, of: text), hint: hint)
        self.init(kind: kind, diagnostic: diagnostic)
    }

    /// Line `number` (1-based) of `text`, without its line terminator.
    static func line(_ number: Int, of text: String) -> String {
        var current = 1
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if current == number { break }
                current += 1
            } else if current == number {
                scalars.append(scalar)
            }
        }
        if scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

extension ConditionError: DiagnosticProviding {}
