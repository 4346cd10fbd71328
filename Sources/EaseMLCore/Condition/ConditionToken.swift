/// One token of the condition language, as produced by `ConditionLexer`.
struct ConditionToken: Sendable, Hashable {
    /// What a token is. Spelling variants (`>=`, `±`, `and`, …) are folded into one kind.
    enum Kind: Sendable, Hashable {
        /// A floating-point constant such as `0.02`, `.5` or `5e-3`, without a sign.
        case number(Double)
        /// A name: a variable (`n`, `o`, `d`) or a misspelling of one.
        case identifier(String)
        /// `+`
        case plus
        /// `-` (or the Unicode minus sign `−`)
        case minus
        /// `*`
        case star
        /// `/` on its own (division, which the language rejects)
        case slash
        /// `>` or `>=` (or `≥`)
        case greater
        /// `<` or `<=` (or `≤`)
        case less
        /// `=` or `==` (which the language rejects)
        case equals
        /// `+/-` or `±`
        case plusMinus
        /// `/\`, `and`, `&&` or `∧`
        case and
        /// `\/`, `or`, `||` or `∨` (disjunction, which the language rejects)
        case or
        /// `(`
        case leftParen
        /// `)`
        case rightParen
        /// The end of the text.
        case end
    }

    /// The kind of token.
    var kind: Kind
    /// Where the token was written; an empty range at the end of the text for `.end`.
    var range: SourceRange
    /// The token exactly as written.
    var text: String

    /// Whether this is `>` or `<`.
    var isComparison: Bool { kind == .greater || kind == .less }

    /// How the token is named in a message, e.g. `` `acc` `` or `end of input`.
    var quoted: String { kind == .end ? "end of input" : "`\(text)`" }
}
