import Yams

/// Parses the text of a condition (DESIGN §4) into a `Condition`.
///
/// `ConfigLoader` takes the parser as a function so the configuration layer does not depend
/// on one parser implementation. Errors that conform to `DiagnosticProviding`, with positions
/// relative to the condition text (line 1, column 1 = its first character), are moved to the
/// condition's place in the YAML file; any other error is reported at the condition's value.
public typealias ConditionParsing = @Sendable (String) throws -> Condition

/// An error that can say where in the input it happened and why.
public protocol DiagnosticProviding: Error {
    /// The problem, its position and an optional hint.
    var diagnostic: Diagnostic { get }
}

/// Reads `.easeml.yml` text into a validated `EaseMLConfig` (DESIGN §3).
///
/// Two layouts are accepted and give equal configurations:
///
/// ```yaml
/// condition: n - o > 0.02 +/- 0.01      # named keys at the top level
/// reliability: 0.9999
/// ```
///
/// ```yaml
/// ml:                                   # the original ease.ml/ci positional form
///   - condition  : n - o > 0.02 +/- 0.01
///   - reliability: 0.9999
/// ```
///
/// `ml:` may also hold a plain mapping, and named keys may sit beside `ml:`; a key may
/// appear only once across all of them. The keys are listed in `knownKeys`; spellings are
/// exact (case-sensitive), with a suggestion for near misses. Every error is a `ConfigError`
/// whose diagnostic names the file, line and column.
///
/// The loader is pure: it reads no files. The caller reads `.easeml.yml` and passes its text.
public struct ConfigLoader: Sendable {
    /// Every key `.easeml.yml` understands, besides the `ml:` wrapper of the positional form.
    public static let knownKeys: [String] = ConfigKey.allCases.map(\.rawValue)

    /// The keys without a default.
    public static let requiredKeys: [String] = [ConfigKey.condition.rawValue, ConfigKey.reliability.rawValue]

    /// The largest accepted `steps`. Beyond it the per-evaluation failure budget is so small
    /// that no realistic test set can meet it, so a larger value is almost surely a typo.
    public static let maximumSteps = 1_000_000

    private let parseCondition: ConditionParsing

    /// Creates a loader that parses conditions with `parseCondition`
    /// (in the tool, `ConditionParser.parse`).
    public init(parseCondition: @escaping ConditionParsing) {
        self.parseCondition = parseCondition
    }

    /// Reads and validates the text of a `.easeml.yml` file.
    ///
    /// - Parameters:
    ///   - text: the whole file.
    ///   - file: the name to show in diagnostics (e.g. `.easeml.yml`), or `nil`.
    /// - Throws: `ConfigError` for the first problem found, in file order; missing required
    ///   keys are reported after every present key has been checked.
    public func load(contentsOf text: String, file: String?) throws(ConfigError) -> EaseMLConfig {
        let reader = ConfigReader(source: SourceText(text), file: file, parseCondition: parseCondition)
        return try reader.read()
    }
}

/// The keys of `.easeml.yml`, spelled as in the file.
enum ConfigKey: String, CaseIterable {
    case script, condition, reliability, mode, adaptivity, steps
    case dataMode = "data_mode"
    case email
    case varianceBound = "variance_bound"
    case expectedDisagreement = "expected_disagreement"
    case models
    case testSet = "test_set"
    case ledger
    case ledgerRemote = "ledger_remote"
    case feasibilityData = "feasibility_data"
    case feasibilityLabels = "feasibility_labels"
    case feasibilityBlock = "feasibility_block"
    case feasibilityOldAccuracy = "feasibility_old_accuracy"
    case automl
    case reveal
    case application
}

/// One `key: value` pair, wherever in the file it was written.
struct Entry {
    var key: ConfigKey
    var keyNode: Node
    var value: Node
}

/// The text of the file, indexed by line for positions and carets.
///
/// Lines break where libYAML breaks them (`\n`, `\r\n`, `\r`, NEL, LS, PS), so line numbers
/// agree with the marks Yams reports. Offsets and columns count Unicode scalars.
struct SourceText {
    let text: String
    let scalars: [Unicode.Scalar]
    /// The offset at which each line starts; `lineStarts[0] == 0`.
    let lineStarts: [Int]

    init(_ text: String) {
        self.text = text
        let scalars = Array(text.unicodeScalars)
        var starts = [0]
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                index += 1
                starts.append(index + 1)
            } else if SourceText.isBreak(scalar) {
                starts.append(index + 1)
            }
            index += 1
        }
        self.scalars = scalars
        self.lineStarts = starts
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}"
            || scalar == "\u{2029}"
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || isBreak(scalar)
    }

    /// The offset just past the last character of 1-based line `line` (before its break).
    func lineEnd(_ line: Int) -> Int {
        var end = line < lineStarts.count ? lineStarts[line] : scalars.count
        while end > lineStarts[line - 1], SourceText.isBreak(scalars[end - 1]) { end -= 1 }
        return end
    }

    /// The text of 1-based line `number`, without its line break.
    func line(_ number: Int) -> String? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lineStarts[number - 1]..<lineEnd(number)])
        return String(view)
    }

    /// The location of 1-based `line` and `column`, clamped into the text.
    func location(line: Int, column: Int) -> SourceLocation {
        let line = min(max(line, 1), lineStarts.count)
        let lineLength = lineEnd(line) - lineStarts[line - 1]
        let column = min(max(column, 1), lineLength + 1)
        return SourceLocation(line: line, column: column, offset: lineStarts[line - 1] + column - 1)
    }

    /// The location of a 0-based scalar offset, clamped into the text.
    func location(offset: Int) -> SourceLocation {
        let offset = min(max(offset, 0), scalars.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return SourceLocation(line: low + 1, column: offset - lineStarts[low] + 1, offset: offset)
    }

    /// The location of a Yams mark, or of the start of the text when there is none.
    func location(of mark: Mark?) -> SourceLocation {
        guard let mark else { return location(line: 1, column: 1) }
        return location(line: mark.line, column: mark.column)
    }
}

/// Reads one file. All positions in its errors are positions in `source`.
struct ConfigReader {
    let source: SourceText
    let file: String?
    let parseCondition: ConditionParsing

    // MARK: Errors

    func error(
        _ kind: ConfigError.Kind, at range: SourceRange, _ message: String, hint: String? = nil
    ) -> ConfigError {
        ConfigError(
            kind: kind,
            diagnostic: Diagnostic(
                file: file, range: range, message: message,
                sourceLine: source.line(range.start.line), hint: hint))
    }

    func error(
        _ kind: ConfigError.Kind, at node: Node, _ message: String, hint: String? = nil
    ) -> ConfigError {
        error(kind, at: range(of: node), message, hint: hint)
    }

    func error(
        _ kind: ConfigError.Kind, at location: SourceLocation, length: Int = 1, _ message: String,
        hint: String? = nil
    ) -> ConfigError {
        error(kind, at: span(from: location, length: length), message, hint: hint)
    }

    /// `length` scalars from `start`, cut at the end of its line.
    func span(from start: SourceLocation, length: Int) -> SourceRange {
        let available = source.lineEnd(start.line) - start.offset
        let length = max(1, min(length, available))
        return SourceRange(
            start: start,
            end: SourceLocation(
                line: start.line, column: start.column + length, offset: start.offset + length))
    }

    /// The text a node occupies on its first line, as far as it can be told from the node.
    func range(of node: Node) -> SourceRange {
        let start = source.location(of: node.mark)
        guard case .scalar(let scalar) = node else { return span(from: start, length: 1) }
        let count = scalar.string.unicodeScalars.count
        let length: Int
        switch scalar.style {
        case .singleQuoted, .doubleQuoted: length = count + 2
        case .literal, .folded: length = 1
        default: length = count
        }
        return span(from: start, length: length)
    }

    // MARK: Reading

    func read() throws(ConfigError) -> EaseMLConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: source.text)
        } catch {
            throw yamlError(error)
        }
        guard let root, !isNull(root) else {
            throw self.error(
                .emptyDocument, at: source.location(line: 1, column: 1),
                "the configuration is empty; it needs at least `condition` and `reliability`",
                hint: "for example `condition: n - o > 0.02 +/- 0.01` and `reliability: 0.999`")
        }
        guard case .mapping(let mapping) = root else {
            throw error(
                .notAMapping, at: root,
                "the configuration must be a mapping of keys to values, such as `reliability: 0.999`")
        }

        var entries: [ConfigKey: Entry] = [:]
        var order: [ConfigKey] = []
        var missingKeyAnchor = span(from: source.location(line: 1, column: 1), length: 1)
        for (keyNode, value) in mapping {
            if case .scalar(let key) = keyNode, key.string == "ml" {
                missingKeyAnchor = range(of: keyNode)
                for (innerKey, innerValue) in try positionalEntries(of: value, under: keyNode) {
                    try add(innerKey, innerValue, to: &entries, order: &order)
                }
            } else {
                try add(keyNode, value, to: &entries, order: &order)
            }
        }

        var builder = ConfigBuilder()
        for key in order {
            // `order` only holds keys that were added to `entries`.
            if let entry = entries[key] { try apply(entry, to: &builder) }
        }
        guard let condition = builder.condition else {
            throw missingKey(.condition, at: missingKeyAnchor)
        }
        guard let reliability = builder.reliability else {
            throw missingKey(.reliability, at: missingKeyAnchor)
        }
        if let reveal = builder.reveal, reveal.level == .clauses, (builder.adaptivity ?? .full) != .full {
            throw error(
                .invalidValue, at: reveal.node,
                "`reveal: clauses` applies to `adaptivity: full`, where every answer is revealed and charged",
                hint: "with `none` nothing is revealed; with `firstChange` keep `reveal: verdict`")
        }
        return EaseMLConfig(
            script: builder.script, condition: condition.parsed, conditionText: condition.text,
            reliability: reliability, mode: builder.mode ?? .fpFree,
            adaptivity: builder.adaptivity ?? .full, steps: builder.steps ?? 1,
            hiddenResultAddress: builder.hiddenResultAddress, email: builder.email,
            dataMode: builder.dataMode, varianceBound: builder.varianceBound,
            expectedDisagreement: builder.expectedDisagreement,
            modelPaths: builder.modelPaths ?? [], testSet: builder.testSet, ledger: builder.ledger,
            ledgerRemote: builder.ledgerRemote,
            feasibility: builder.feasibilityData.map {
                FeasibilityCheck(
                    dataPaths: $0, labelsColumn: builder.feasibilityLabels, blocks: builder.feasibilityBlock ?? false,
                    oldAccuracy: builder.feasibilityOldAccuracy)
            }, automl: builder.automl, reveal: builder.reveal?.level ?? .verdict, application: builder.application)
    }

    func missingKey(_ key: ConfigKey, at range: SourceRange) -> ConfigError {
        let example = key == .condition ? "condition: n - o > 0.02 +/- 0.01" : "reliability: 0.999"
        return error(
            .missingKey, at: range, "missing required key `\(key.rawValue)`", hint: "add a line such as `\(example)`")
    }

    /// The `key: value` pairs under `ml:`: a list of one-key maps, or a mapping.
    func positionalEntries(of value: Node, under keyNode: Node) throws(ConfigError) -> [(Node, Node)] {
        switch value {
        case .mapping(let mapping):
            return Array(mapping)
        case .sequence(let sequence):
            var pairs: [(Node, Node)] = []
            for item in sequence {
                guard case .mapping(let mapping) = item else {
                    throw error(
                        .wrongType, at: item,
                        "each entry under `ml:` must be a `key: value` pair, such as `- steps: 32`")
                }
                pairs.append(contentsOf: Array(mapping))
            }
            return pairs
        case .scalar where isNull(value):
            throw error(
                .missingValue, at: keyNode, "`ml:` has no entries",
                hint: "list the settings under it, such as `  - reliability: 0.999`")
        default:
            throw error(
                .wrongType, at: value,
                "`ml:` must hold a list of `key: value` entries, such as `- steps: 32`")
        }
    }

    func add(
        _ keyNode: Node, _ value: Node, to entries: inout [ConfigKey: Entry], order: inout [ConfigKey]
    ) throws(ConfigError) {
        guard case .scalar(let keyScalar) = keyNode else {
            throw error(.wrongType, at: keyNode, "a key must be a plain name such as `reliability`")
        }
        let name = keyScalar.string
        guard let key = ConfigKey(rawValue: name) else {
            let suggestion = EditDistance.closest(to: name, among: ConfigLoader.knownKeys)
            throw error(
                .unknownKey, at: keyNode, "unknown key `\(name)`",
                hint: suggestion.map { "did you mean `\($0)`?" }
                    ?? "the keys are " + ConfigLoader.knownKeys.map { "`\($0)`" }.joined(separator: ", "))
        }
        if let first = entries[key] {
            let line = source.location(of: first.keyNode.mark).line
            throw error(
                .duplicateKey, at: keyNode, "duplicate key `\(name)`",
                hint: "a key may be given only once; the first `\(name)` is on line \(line)")
        }
        entries[key] = Entry(key: key, keyNode: keyNode, value: value)
        order.append(key)
    }

    // MARK: Values

    fileprivate func apply(_ entry: Entry, to builder: inout ConfigBuilder) throws(ConfigError) {
        switch entry.key {
        case .script: builder.script = try path(entry)
        case .condition: builder.condition = try condition(entry)
        case .reliability: builder.reliability = try reliability(entry)
        case .mode: builder.mode = try mode(entry)
        case .adaptivity:
            let (adaptivity, address) = try adaptivity(entry)
            builder.adaptivity = adaptivity
            builder.hiddenResultAddress = address
        case .steps: builder.steps = try steps(entry)
        case .dataMode: builder.dataMode = try path(entry)
        case .email: builder.email = try email(entry)
        case .varianceBound: builder.varianceBound = try varianceBound(entry)
        case .expectedDisagreement: builder.expectedDisagreement = try expectedDisagreement(entry)
        case .models: builder.modelPaths = try models(entry)
        case .testSet: builder.testSet = try path(entry)
        case .ledger: builder.ledger = try path(entry)
        case .ledgerRemote: builder.ledgerRemote = try path(entry)
        case .feasibilityData: builder.feasibilityData = try paths(entry)
        case .feasibilityLabels: builder.feasibilityLabels = try path(entry)
        case .feasibilityBlock: builder.feasibilityBlock = try boolean(entry)
        case .feasibilityOldAccuracy: builder.feasibilityOldAccuracy = try oldAccuracy(entry)
        case .automl: builder.automl = try automl(entry)
        case .reveal: builder.reveal = (try reveal(entry), entry.value)
        case .application: builder.application = try application(entry)
        }
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        guard scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The value of `entry` as one scalar.
    func scalar(_ entry: Entry) throws(ConfigError) -> Node.Scalar {
        let name = entry.key.rawValue
        switch entry.value {
        case .scalar(let scalar):
            if isNull(entry.value) {
                throw error(.missingValue, at: entry.keyNode, "`\(name)` has no value")
            }
            return scalar
        case .sequence:
            throw error(.wrongType, at: entry.value, "`\(name)` must be a single value, not a list")
        case .mapping:
            throw error(.wrongType, at: entry.value, "`\(name)` must be a single value, not a mapping")
        case .alias:
            throw error(.wrongType, at: entry.value, "`\(name)` must be a single value")
        }
    }

    func path(_ entry: Entry) throws(ConfigError) -> String {
        let value = try scalar(entry).string
        guard !value.allSatisfy(\.isWhitespace) else {
            throw error(.invalidValue, at: entry.value, "`\(entry.key.rawValue)` is empty")
        }
        return value
    }

    func email(_ entry: Entry) throws(ConfigError) -> String {
        let value = try scalar(entry).string
        guard value.contains("@"), !value.contains(where: \.isWhitespace) else {
            throw error(
                .invalidValue, at: entry.value,
                "`email` must be an e-mail address such as `owner@example.com`, got `\(value)`")
        }
        return value
    }

    func number(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    func reliability(_ entry: Entry) throws(ConfigError) -> Double {
        let text = try scalar(entry).string
        var value: Double?
        if text.hasSuffix("%") {
            let digits = String(text.dropLast()).trimmingBlanks()
            value = number(digits).map { $0 / 100 }
        } else {
            value = number(text)
        }
        guard let value else {
            throw error(
                .invalidReliability, at: entry.value,
                "`reliability` must be a number between 0 and 1, such as 0.999, got `\(text)`")
        }
        if value >= 1 {
            let hint = value <= 100 && !text.hasSuffix("%")
                ? "for \(text) percent, write `\(text)%` or `\(value / 100)`"
                : "a finite test set never gives certainty; use a value such as 0.999"
            throw error(
                .invalidReliability, at: entry.value,
                "`reliability` must be less than 1, got `\(text)`", hint: hint)
        }
        guard value > 0 else {
            throw error(
                .invalidReliability, at: entry.value,
                "`reliability` must be greater than 0, got `\(text)`")
        }
        return value
    }

    func steps(_ entry: Entry) throws(ConfigError) -> Int {
        let text = try scalar(entry).string
        let maximum = "1,000,000"
        guard let value = Int(text) else {
            let digits = text.drop { $0 == "+" || $0 == "-" }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                throw error(
                    .invalidSteps, at: entry.value,
                    "`steps` must be at most \(maximum), got `\(text)`")
            }
            if number(text) != nil {
                throw error(
                    .invalidSteps, at: entry.value,
                    "`steps` must be a whole number, got `\(text)`")
            }
            throw error(
                .invalidSteps, at: entry.value,
                "`steps` must be a whole number of evaluations, such as 32, got `\(text)`")
        }
        guard value >= 1 else {
            throw error(.invalidSteps, at: entry.value, "`steps` must be at least 1, got `\(text)`")
        }
        guard value <= ConfigLoader.maximumSteps else {
            throw error(
                .invalidSteps, at: entry.value, "`steps` must be at most \(maximum), got `\(text)`",
                hint: "register a new test set rather than stretching one this far")
        }
        return value
    }

    func mode(_ entry: Entry) throws(ConfigError) -> DecisionMode {
        let text = try scalar(entry).string
        if let mode = DecisionMode(rawValue: text) { return mode }
        let spellings = DecisionMode.allCases.map(\.rawValue)
        let suggestion = spellings.first { $0.normalizedSpelling == text.normalizedSpelling }
            ?? EditDistance.closest(to: text, among: spellings)
        throw error(
            .invalidMode, at: entry.value,
            "unknown mode `\(text)`; the modes are `fp-free` and `fn-free`",
            hint: suggestion.map { "did you mean `\($0)`?" })
    }

    func adaptivity(_ entry: Entry) throws(ConfigError) -> (Adaptivity, String?) {
        let node = try scalar(entry)
        let text = node.string
        guard let arrow = text.range(of: "->") else {
            return (try adaptivityWord(text, at: entry.value), nil)
        }
        let word = String(text[..<arrow.lowerBound]).trimmingBlanks()
        let address = String(text[arrow.upperBound...]).trimmingBlanks()
        let adaptivity = try adaptivityWord(word, at: entry.value)
        guard adaptivity == .none else {
            throw error(
                .invalidAdaptivity, at: entry.value,
                "a hidden-result address (`-> address`) only applies to `adaptivity: none`",
                hint: "write `none -> \(address.isEmpty ? "owner@example.com" : address)` or drop the arrow")
        }
        guard !address.isEmpty else {
            throw error(
                .invalidAdaptivity, at: entry.value,
                "`none ->` needs an address after the arrow, such as `none -> owner@example.com`")
        }
        return (.none, address)
    }

    func adaptivityWord(_ word: String, at node: Node) throws(ConfigError) -> Adaptivity {
        if word == "hybrid" { return .firstChange }
        if let adaptivity = Adaptivity(rawValue: word) { return adaptivity }
        let spellings = Adaptivity.plainModes.map(\.rawValue) + ["hybrid", "sparse"]
        let suggestion = spellings.first { $0.normalizedSpelling == word.normalizedSpelling }
            ?? EditDistance.closest(to: word, among: spellings)
        throw error(
            .invalidAdaptivity, at: node,
            "unknown adaptivity `\(word)`; the choices are `none`, `full`, `firstChange` (also spelled `hybrid`), `sparse:B` (the B-th pass retires the set, B from 1 to 1,000,000) and `ladder:η floor:F` (a pass needs accuracy η above the best accepted model and the floor F)",
            hint: suggestion.map { "did you mean `\($0)`?" })
    }

    func varianceBound(_ entry: Entry) throws(ConfigError) -> Double {
        try probability(entry, key: "variance_bound", kind: .invalidVarianceBound,
                        hint: "it bounds the chance that the new and old model disagree on a test point")
    }

    func expectedDisagreement(_ entry: Entry) throws(ConfigError) -> Double {
        try probability(entry, key: "expected_disagreement", kind: .invalidValue,
                        hint: "the share of test examples on which you expect a new model and the baseline to differ in correctness (it sizes the test set only)")
    }

    /// A number in (0, 1].
    func probability(_ entry: Entry, key: String, kind: ConfigError.Kind, hint: String) throws(ConfigError) -> Double {
        let text = try scalar(entry).string
        guard let value = number(text), value > 0, value <= 1 else {
            throw error(kind, at: entry.value, "`\(key)` must be a probability greater than 0 and at most 1, got `\(text)`", hint: hint)
        }
        return value
    }

    func reveal(_ entry: Entry) throws(ConfigError) -> RevealLevel {
        let text = try scalar(entry).string
        guard let level = RevealLevel(rawValue: text) else {
            throw error(
                .invalidValue, at: entry.value, "unknown `reveal` level `\(text)`; the choices are `verdict` and `clauses`",
                hint: "`clauses` names the failing clauses and is charged as the bits that reveals")
        }
        return level
    }

    func oldAccuracy(_ entry: Entry) throws(ConfigError) -> Double {
        let text = try scalar(entry).string
        guard let value = number(text), value >= 0, value <= 1 else {
            throw error(
                .invalidValue, at: entry.value,
                "`feasibility_old_accuracy` must be an accuracy between 0 and 1, got `\(text)`",
                hint: "the old model's accuracy on your own validation data; the feasibility target of `n - o > c` is it plus c")
        }
        return value
    }

    func models(_ entry: Entry) throws(ConfigError) -> [String] { try paths(entry) }

    /// One path or a non-empty list of paths (`models`, `feasibility_data`).
    func paths(_ entry: Entry) throws(ConfigError) -> [String] {
        let name = entry.key.rawValue
        guard case .sequence(let sequence) = entry.value else {
            return [try path(entry)]
        }
        guard !sequence.isEmpty else {
            throw error(
                .invalidValue, at: entry.value,
                "`\(name)` is an empty list; name at least one path, or leave the key out")
        }
        var paths: [String] = []
        for item in sequence {
            guard case .scalar(let scalar) = item, !isNull(item) else {
                throw error(.wrongType, at: item, "each entry of `\(name)` must be a path\(entry.key == .models ? " or glob" : "")")
            }
            guard !scalar.string.allSatisfy(\.isWhitespace) else {
                throw error(.invalidValue, at: item, "an entry of `\(name)` is empty")
            }
            paths.append(scalar.string)
        }
        return paths
    }

    /// `true`/`false` (also `yes`/`no`, `on`/`off`).
    func boolean(_ entry: Entry) throws(ConfigError) -> Bool {
        let value = try scalar(entry).string.lowercased()
        switch value {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(.invalidValue, at: entry.value, "`\(entry.key.rawValue)` must be true or false, not `\(value)`")
        }
    }

    // MARK: Conditions

    func condition(_ entry: Entry) throws(ConfigError) -> (parsed: Condition, text: String) {
        let node = try scalar(entry)
        let text = node.string
        guard !text.allSatisfy(\.isWhitespace) else {
            throw error(
                .invalidCondition, at: entry.value, "`condition` is empty",
                hint: "for example `condition: n - o > 0.02 +/- 0.01`")
        }
        do {
            return (try parseCondition(text), text)
        } catch let failure as any DiagnosticProviding {
            throw ConfigError(
                kind: .invalidCondition, diagnostic: relocate(failure.diagnostic, into: node))
        } catch {
            throw self.error(.invalidCondition, at: entry.value, "invalid condition: \(error)")
        }
    }

    /// Moves a diagnostic about the condition text into the file.
    func relocate(_ diagnostic: Diagnostic, into scalar: Node.Scalar) -> Diagnostic {
        let positions = valuePositions(of: scalar)
        let origin: SourceLocation
        if let first = positions?.first {
            origin = source.location(offset: first)
        } else {
            let mark = source.location(of: scalar.mark)
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            origin = quoted ? source.location(offset: mark.offset + 1) : mark
        }
        var moved = diagnostic.relocated(to: origin, file: file, sourceLine: { source.line($0) })
        guard let positions else { return moved }
        let value = Array(scalar.string.unicodeScalars)
        let start = offset(of: diagnostic.range.start, in: value)
        let end = max(start, offset(of: diagnostic.range.end, in: value))
        let startLocation = source.location(offset: positions[start])
        moved.range = SourceRange(start: startLocation, end: source.location(offset: positions[end]))
        moved.sourceLine = source.line(startLocation.line) ?? moved.sourceLine
        return moved
    }

    /// The offset of a line/column position within `value`, clamped to `0...value.count`.
    func offset(of location: SourceLocation, in value: [Unicode.Scalar]) -> Int {
        var line = 1
        var index = 0
        while line < location.line, index < value.count {
            if value[index] == "\n" { line += 1 }
            index += 1
        }
        return min(max(index + location.column - 1, 0), value.count)
    }

    /// For each Unicode scalar of a scalar node's value, and for the position just past it,
    /// the offset in the file it was read from; `nil` when they cannot be matched up.
    ///
    /// YAML may drop quotes, escapes, indentation and line breaks of folded lines, so the
    /// value is matched against the file: each visible character at the next place it occurs,
    /// each blank of the value at a blank of the file.
    func valuePositions(of scalar: Node.Scalar) -> [Int]? {
        guard let mark = scalar.mark else { return nil }
        let text = source.scalars
        var cursor = source.location(line: mark.line, column: mark.column).offset
        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            cursor += 1
        case .literal, .folded:
            while cursor < text.count, !SourceText.isBreak(text[cursor]) { cursor += 1 }
        default:
            break
        }
        var positions: [Int] = []
        for character in scalar.string.unicodeScalars {
            if SourceText.isBlank(character) {
                positions.append(min(cursor, text.count))
                if cursor < text.count, SourceText.isBlank(text[cursor]) { cursor += 1 }
            } else {
                let limit = min(text.count, cursor + 512)
                var probe = cursor
                while probe < limit, text[probe] != character { probe += 1 }
                guard probe < limit else { return nil }
                positions.append(probe)
                cursor = probe + 1
            }
        }
        positions.append(min(cursor, text.count))
        return positions
    }

    // MARK: YAML errors

    func yamlError(_ failure: any Error) -> ConfigError {
        guard let failure = failure as? YamlError else {
            return error(
                .malformedYAML, at: source.location(line: 1, column: 1),
                "the file could not be read as YAML: \(failure)")
        }
        switch failure {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context, context.text.hasPrefix("while") {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            } else if let context {
                message = "invalid YAML: \(context.text), \(problem)"
            }
            return error(.malformedYAML, at: source.location(of: mark), message)
        case .reader(let problem, let offset, _, _):
            var location = source.location(line: 1, column: 1)
            if let offset, let index = source.text.index(
                source.text.startIndex, offsetBy: offset, limitedBy: source.text.endIndex)
            {
                location = source.location(
                    offset: source.text.unicodeScalars.distance(
                        from: source.text.unicodeScalars.startIndex, to: index))
            }
            return error(.malformedYAML, at: location, "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let name = duplicates.first ?? ""
            let first = source.location(of: context.mark)
            guard let second = secondOccurrence(of: name, after: first) else {
                return error(.duplicateKey, at: first, length: name.unicodeScalars.count, "duplicate key `\(name)`")
            }
            return error(
                .duplicateKey, at: second, length: name.unicodeScalars.count, "duplicate key `\(name)`",
                hint: "a key may be given only once; the first `\(name)` is on line \(first.line)")
        default:
            return error(
                .malformedYAML, at: source.location(line: 1, column: 1), "invalid YAML: \(failure)")
        }
    }

    /// Where the key `name` is written again after its first occurrence at `first`: the next
    /// place `name` stands as a whole word (possibly quoted) followed by `:`.
    func secondOccurrence(of name: String, after first: SourceLocation) -> SourceLocation? {
        let needle = Array(name.unicodeScalars)
        let text = source.scalars
        guard !needle.isEmpty else { return nil }
        var start = first.offset + 1
        while start + needle.count <= text.count {
            defer { start += 1 }
            guard text[start..<start + needle.count].elementsEqual(needle) else { continue }
            if start > 0 {
                let before = text[start - 1]
                guard SourceText.isBlank(before) || "{,\"'-?".unicodeScalars.contains(before) else {
                    continue
                }
            }
            var after = start + needle.count
            if after < text.count, text[after] == "\"" || text[after] == "'" { after += 1 }
            while after < text.count, text[after] == " " || text[after] == "\t" { after += 1 }
            if after < text.count, text[after] == ":" { return source.location(offset: start) }
        }
        return nil
    }
}

/// The values read so far; `nil` means the key was not given.
private struct ConfigBuilder {
    var script: String?
    var condition: (parsed: Condition, text: String)?
    var reliability: Double?
    var mode: DecisionMode?
    var adaptivity: Adaptivity?
    var hiddenResultAddress: String?
    var steps: Int?
    var dataMode: String?
    var email: String?
    var varianceBound: Double?
    var expectedDisagreement: Double?
    var modelPaths: [String]?
    var testSet: String?
    var ledger: String?
    var ledgerRemote: String?
    var feasibilityData: [String]?
    var feasibilityLabels: String?
    var feasibilityBlock: Bool?
    var feasibilityOldAccuracy: Double?
    var automl: AutoMLSettings?
    var reveal: (level: RevealLevel, node: Node)?
    var application: ApplicationSettings?
}

extension String {
    /// Lowercased, without `-`, `_`, `.` and blanks: `FP_free` and `fp-free` agree.
    fileprivate var normalizedSpelling: String {
        String(lowercased().unicodeScalars.filter { !"-_. \t".unicodeScalars.contains($0) }.map(Character.init))
    }

    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) ?? first
        return String(Substring(scalars[first...last]))
    }
}
