/// A hand-written lexer for the condition language.
///
/// It works on Unicode scalars and tracks 1-based lines and columns and 0-based offsets, exactly
/// as `SourceLocation` counts them. Whitespace (including tabs and newlines) may appear between
/// any two tokens. Tokens are produced on demand, so that the parser reports the earliest problem.
struct ConditionLexer: Sendable {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1

    /// A lexer positioned at the start of `text`.
    init(_ text: String) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
    }

    /// All tokens of `text`, ending with an `.end` token.
    static func tokenize(_ text: String) throws(ConditionError) -> [ConditionToken] {
        var lexer = ConditionLexer(text)
        var tokens: [ConditionToken] = []
        repeat {
            tokens.append(try lexer.next())
        } while tokens.last?.kind != .end
        return tokens
    }

    /// The current position.
    var location: SourceLocation { SourceLocation(line: line, column: column, offset: index) }

    /// The next token; `.end` once the text is exhausted (and again on every later call).
    mutating func next() throws(ConditionError) -> ConditionToken {
        skipWhitespace()
        let start = location
        guard let scalar = peek() else { return token(.end, from: start) }
        if isDigit(scalar) || (scalar == "." && peek(1).map(isDigit) == true) {
            return try number(from: start)
        }
        if scalar.properties.isAlphabetic || scalar == "_" {
            return identifier(from: start)
        }
        advance()
        switch scalar {
        case "+":
            if peek() == "/" && peek(1) == "-" {
                advance(2)
                return token(.plusMinus, from: start)
            }
            return token(.plus, from: start)
        case "-", "\u{2212}": return token(.minus, from: start)
        case "*": return token(.star, from: start)
        case "/":
            if peek() == "\\" {
                advance()
                return token(.and, from: start)
            }
            return token(.slash, from: start)
        case "\\":
            if peek() == "/" {
                advance()
                return token(.or, from: start)
            }
            throw unexpected(scalar, at: start, hint: "a conjunction is written /\\")
        case ">", "<":
            if peek() == "=" { advance() }
            return token(scalar == ">" ? .greater : .less, from: start)
        case "\u{2265}": return token(.greater, from: start)
        case "\u{2264}": return token(.less, from: start)
        case "=":
            if peek() == "=" { advance() }
            return token(.equals, from: start)
        case "\u{00B1}": return token(.plusMinus, from: start)
        case "\u{2227}": return token(.and, from: start)
        case "\u{2228}": return token(.or, from: start)
        case "\u{00F7}": return token(.slash, from: start)
        case "&":
            if peek() == "&" {
                advance()
                return token(.and, from: start)
            }
            throw unexpected(scalar, at: start, hint: "a conjunction is written /\\, && or and")
        case "|":
            if peek() == "|" {
                advance()
                return token(.or, from: start)
            }
            throw unexpected(scalar, at: start, hint: nil)
        case "(": return token(.leftParen, from: start)
        case ")": return token(.rightParen, from: start)
        default: throw unexpected(scalar, at: start, hint: nil)
        }
    }

    // MARK: - Numbers and names

    /// `digits [. digits] [(e|E) [+|-] digits]` or `. digits [exponent]`.
    private mutating func number(from start: SourceLocation) throws(ConditionError) -> ConditionToken {
        skipDigits()
        if peek() == "." {
            advance()
            skipDigits()
        }
        if peek() == "." { throw malformedNumber(from: start, reason: "it has more than one decimal point") }
        if peek() == "e" || peek() == "E" {
            advance()
            if peek() == "+" || peek() == "-" { advance() }
            guard peek().map(isDigit) == true else {
                throw malformedNumber(from: start, reason: "its exponent has no digits")
            }
            skipDigits()
            if peek() == "." {
                throw malformedNumber(from: start, reason: "its exponent is not a whole number")
            }
        }
        let spelling = String(String.UnicodeScalarView(scalars[start.offset..<index]))
        guard let value = Double(spelling) else {
            throw malformedNumber(from: start, reason: "it cannot be read as a floating-point number")
        }
        return token(.number(value), from: start)
    }

    private mutating func identifier(from start: SourceLocation) -> ConditionToken {
        while let scalar = peek(), scalar.properties.isAlphabetic || isDigit(scalar) || scalar == "_" {
            advance()
        }
        let name = String(String.UnicodeScalarView(scalars[start.offset..<index]))
        switch name.lowercased() {
        case "and": return token(.and, from: start)
        case "or": return token(.or, from: start)
        default: return token(.identifier(name), from: start)
        }
    }

    // MARK: - Errors

    /// Consumes the rest of a number-like run (digits, dots, exponent letters) and reports it.
    private mutating func malformedNumber(from start: SourceLocation, reason: String) -> ConditionError {
        while let scalar = peek(), isDigit(scalar) || scalar == "." || scalar == "e" || scalar == "E" {
            advance()
        }
        let spelling = String(String.UnicodeScalarView(scalars[start.offset..<index]))
        return ConditionError(
            .malformedNumber, "`\(spelling)` is not a number: \(reason)",
            at: SourceRange(start: start, end: location), in: text,
            hint: "numbers are written like 1, 0.02, .5, 5e-3 or 1E+2")
    }

    private func unexpected(_ scalar: Unicode.Scalar, at start: SourceLocation, hint: String?) -> ConditionError {
        let shown = scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            ? "U+\(String(scalar.value, radix: 16, uppercase: true))" : "`\(scalar)`"
        return ConditionError(
            .unexpectedCharacter, "unexpected character \(shown) in the condition",
            at: SourceRange(start: start, end: location), in: text, hint: hint)
    }

    // MARK: - Scanning

    private func token(_ kind: ConditionToken.Kind, from start: SourceLocation) -> ConditionToken {
        let spelling = String(String.UnicodeScalarView(scalars[start.offset..<index]))
        return ConditionToken(kind: kind, range: SourceRange(start: start, end: location), text: spelling)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), scalar.properties.isWhitespace { advance() }
    }

    private mutating func skipDigits() {
        while let scalar = peek(), isDigit(scalar) { advance() }
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
