import EaseMLTestSupport
import Testing
@testable import EaseMLCore

private struct ConfigDocumentGenerator {
    var random: SeededGenerator

    static let values: [String: [String]] = [
        "condition": [
            "n - o > 0.02 +/- 0.01", "'n - o > 0.02 +/- 0.01'", "n > 0.8 +/- 0.05",
            "d < 0.1 +/- 0.01 /\\ n - o > 0.02 +/- 0.01",
        ],
        "reliability": ["0.9", "0.99", "0.9999", "99.9%", "0.5", "'0.95'"],
        "mode": ["fp-free", "fn-free"],
        "adaptivity": ["none", "full", "firstChange", "hybrid", "none -> a@b.c"],
        "script": ["./test_model.py", "python3 eval.py --quiet", "\"run it.sh\""],
        "email": ["owner@example.com"],
        "data_mode": ["synthetic", "real"],
        "variance_bound": ["0.1", "1", "0.25"],
        "models": ["models/*.bin", "[a.onnx, b/**]"],
        "test_set": ["secrets/test"],
        "ledger": [".easeml/ledger.db"],
    ]

    static let optionalKeys = [
        "script", "mode", "adaptivity", "steps", "email", "data_mode", "variance_bound", "models",
        "test_set", "ledger",
    ]

    static let junkValues = [
        "", "[1, 2]", "{a: 1}", "-1", "0", "2.5", "many", "1e309", "*x", "&a b", "'unterminated",
        "\"esc \\q\"", "!!binary x", "~", "ø", "\t", "fp_free", "first-change", "none ->", ">",
        "|", "- a", "0x10", ".inf", "1000001", "n - acc > 0.1 +/- 0.1", "yes", "a: b",
    ]

    static let junkLines = [
        "---", "- x", "ml:", "? x", "%YAML 1.1", "key: : value", "...", "  - steps: 3",
        "reliabilty: 0.9", "steps: 2", "\tsteps: 1", "[", "}", "# comment", "&anchor", "!tag",
    ]

    static let insertable = Array("abc:-_ #'\"[]{},&*!|>?%@\\\t\n\r0123456789.".unicodeScalars)

    /// A document `ConfigLoader` must accept.
    mutating func validDocument() -> String {
        var pairs: [(String, String)] = [
            ("condition", random.pick(Self.values["condition"]!)),
            ("reliability", random.pick(Self.values["reliability"]!)),
        ]
        for key in Self.optionalKeys where random.chance(50) {
            let value = key == "steps" ? String(1 + random.below(1000)) : random.pick(Self.values[key]!)
            pairs.append((key, value))
        }
        for index in pairs.indices.reversed() {
            pairs.swapAt(index, random.below(index + 1))
        }
        var lines: [String] = []
        if random.chance(30) { lines.append("# ease.ml/ci configuration") }
        switch random.below(3) {
        case 0:
            lines += pairs.map { "\($0.0): \($0.1)" }
        case 1:
            lines.append("ml:")
            lines += pairs.map { "  - \($0.0): \($0.1)" }
        default:
            lines.append("ml:")
            lines += pairs.map { "    \($0.0)  : \($0.1)" }
        }
        if random.chance(20) { lines.insert("", at: random.below(lines.count + 1)) }
        return lines.joined(separator: "\n") + (random.chance(80) ? "\n" : "")
    }

    /// `text` with one random edit.
    mutating func mutate(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        switch random.below(11) {
        case 0 where !scalars.isEmpty:
            scalars.remove(at: random.below(scalars.count))
        case 1 where !scalars.isEmpty:
            let index = random.below(scalars.count)
            scalars.insert(scalars[index], at: index)
        case 2 where scalars.count > 1:
            let index = random.below(scalars.count - 1)
            scalars.swapAt(index, index + 1)
        case 3:
            scalars.insert(random.pick(Self.insertable), at: random.below(scalars.count + 1))
        case 4 where !lines.isEmpty:
            lines.remove(at: random.below(lines.count))
            return lines.joined(separator: "\n")
        case 5 where !lines.isEmpty:
            let index = random.below(lines.count)
            lines.insert(lines[index], at: index)
            return lines.joined(separator: "\n")
        case 6 where lines.count > 1:
            lines.swapAt(random.below(lines.count), random.below(lines.count))
            return lines.joined(separator: "\n")
        case 7:
            return misspellKey(in: lines).joined(separator: "\n")
        case 8:
            return replaceValue(in: lines).joined(separator: "\n")
        case 9 where !lines.isEmpty:
            let index = random.below(lines.count)
            if random.chance(50) {
                lines[index] = String(repeating: " ", count: 1 + random.below(4)) + lines[index]
            } else {
                lines[index] = String(lines[index].drop { $0 == " " })
            }
            return lines.joined(separator: "\n")
        default:
            lines.insert(random.pick(Self.junkLines), at: random.below(lines.count + 1))
            return lines.joined(separator: "\n")
        }
        return String(String.UnicodeScalarView(scalars))
    }

    mutating func misspellKey(in lines: [String]) -> [String] {
        var lines = lines
        let candidates = lines.indices.filter { lines[$0].contains(":") }
        guard !candidates.isEmpty else { return lines }
        let index = random.pick(candidates)
        var key = Array(lines[index].prefix { $0 != ":" })
        guard key.count > 1 else { return lines }
        let position = random.below(key.count)
        switch random.below(3) {
        case 0: key.remove(at: position)
        case 1: key.insert(random.pick(Array("aeiou_-")), at: position)
        default: key[position] = Character(key[position].uppercased())
        }
        lines[index] = String(key) + lines[index].drop { $0 != ":" }
        return lines
    }

    mutating func replaceValue(in lines: [String]) -> [String] {
        var lines = lines
        let candidates = lines.indices.filter { lines[$0].contains(": ") }
        guard !candidates.isEmpty else { return lines }
        let index = random.pick(candidates)
        let line = lines[index]
        let colon = line.firstIndex(of: ":")!
        lines[index] = line[...colon] + " " + random.pick(Self.junkValues)
        return lines
    }
}

/// The number of lines libYAML sees: breaks are `\n`, `\r\n` and `\r`.
private func lineCount(_ text: String) -> Int {
    var count = 1
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        if scalar == "\n", previous != "\r" { count += 1 }
        if scalar == "\r" { count += 1 }
        previous = scalar
    }
    return count
}

@Test func fuzzedDocumentsNeverCrashAndEveryRejectionIsPositioned() {
    var generator = ConfigDocumentGenerator(random: SeededGenerator(seed: 20_210_120))
    let documents = 12_000
    var accepted = 0
    var rejected = 0
    var kinds = Set<ConfigError.Kind>()
    for index in 0..<documents {
        var text = generator.validDocument()
        let edits = index % 6 == 0 ? 0 : 1 + generator.random.below(4)
        for _ in 0..<edits { text = generator.mutate(text) }
        do {
            let config = try configLoader.load(contentsOf: text, file: "fuzz.yml")
            accepted += 1
            #expect(config.reliability > 0 && config.reliability < 1, "\(text)")
            #expect((1...ConfigLoader.maximumSteps).contains(config.steps), "\(text)")
            #expect(config.varianceBound.map { $0 > 0 && $0 <= 1 } ?? true, "\(text)")
            #expect(config.hiddenResultAddress == nil || config.adaptivity == .none, "\(text)")
            #expect(FakeConditionParser.known[config.conditionText] == config.condition, "\(text)")
        } catch {
            rejected += 1
            kinds.insert(error.kind)
            #expect(edits > 0, "a valid document was rejected: \(error)\n\(text)")
            let start = error.diagnostic.range.start
            #expect(start.line >= 1 && start.column >= 1, "\(error)\n\(text)")
            #expect(start.line <= lineCount(text), "\(error)\n\(text)")
            #expect(!error.diagnostic.message.isEmpty, "\(text)")
            #expect(error.description.hasPrefix("fuzz.yml:\(start.line):\(start.column): error: "))
        }
    }
    #expect(accepted + rejected == documents)
    #expect(accepted >= 2_000)
    #expect(rejected >= 2_000)
    #expect(kinds.count >= 10, "\(kinds)")
}
