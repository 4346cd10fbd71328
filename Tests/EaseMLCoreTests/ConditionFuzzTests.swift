import EaseMLTestSupport
import Testing
@testable import EaseMLCore

private struct ConditionGenerator {
    var random: SeededGenerator

    mutating func space() -> String { random.pick(["", "", " ", " ", "  ", "\n", "\t", " \n  "]) }

    /// Writes a positive value in one of several equivalent notations.
    mutating func number(_ value: Double) -> String {
        switch random.below(4) {
        case 0: return value.conditionText
        case 1: return "\(value)"
        case 2 where value < 1 && value.conditionText.hasPrefix("0."): return String(value.conditionText.dropFirst())
        default: return "\(value * 100)" + random.pick(["e-2", "E-2"])
        }
    }

    mutating func clause() -> String {
        let variables = [Variable.new, .old, .disagreement].shuffled(using: &random)
        let count = 1 + random.below(3)
        var text = space()
        var lower = 0.0
        var upper = 0.0
        for (index, variable) in variables.prefix(count).enumerated() {
            let magnitude = random.chance(40) ? 1 : Double(1 + random.below(400)) / 20
            let negative = random.chance(40)
            let coefficient = negative ? -magnitude : magnitude
            lower += min(0, coefficient)
            upper += max(0, coefficient)
            if index > 0 {
                text += space() + (negative ? "-" : "+") + space()
            } else if negative {
                text += "-" + space()
            }
            let name = variable.rawValue
            if magnitude == 1 && random.chance(70) {
                text += name
            } else if random.chance(50) {
                text += number(magnitude) + space() + "*" + space() + name
            } else {
                text += name + space() + "*" + space() + number(magnitude)
            }
        }
        let threshold = lower + (upper - lower) * Double(1 + random.below(19)) / 20
        let tolerance = (upper - lower) / 2 * Double(1 + random.below(9)) / 10
        text += space() + random.pick([">", "<", ">=", "<=", "≥", "≤"]) + space()
        text += threshold < 0 ? "-" + space() + number(-threshold) : number(threshold)
        text += space() + random.pick(["+/-", "+/-", "±"]) + space() + number(tolerance) + space()
        return text
    }

    mutating func condition() -> String {
        var text = clause()
        for _ in 0..<random.below(3) {
            text += random.pick([" /\\ ", "/\\", " and ", " && ", "∧", " AND "]) + clause()
        }
        return text
    }

    static let alphabet = Array("nodx acc0123456789.eE+-*/\\<>=()&|±∧∨ \n\t#_or and")
        .map(String.init) + ["+/-", "/\\", "\\/", ">=", "1e999", "0", "-0", "100", "old"]

    /// `text` with one to four random edits.
    mutating func mutate(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...random.below(4) {
            let position = random.below(scalars.count + 1)
            switch random.below(4) {
            case 0 where position < scalars.count:
                scalars.remove(at: position)
            case 1 where position < scalars.count:
                scalars[position] = random.pick(Self.alphabet).unicodeScalars.first ?? " "
            case 2 where !scalars.isEmpty:
                let start = random.below(scalars.count)
                let end = min(scalars.count, start + 1 + random.below(6))
                scalars.insert(contentsOf: scalars[start..<end], at: position)
            default:
                scalars.insert(contentsOf: random.pick(Self.alphabet).unicodeScalars, at: position)
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    /// Tokens and characters thrown together at random.
    mutating func noise() -> String {
        (0..<random.below(12)).map { _ in random.pick(Self.alphabet) }.joined(separator: random.pick(["", " "]))
    }
}


/// Checks the fuzzing invariant for one string; returns whether it parsed.
private func checkInvariant(_ text: String) -> Bool {
    do {
        let condition = try ConditionParser.parse(text)
        let printed = condition.description
        #expect((try? ConditionParser.parse(printed)) == condition, "round trip of \(text.debugDescription)")
        return true
    } catch {
        let start = error.diagnostic.range.start
        let lines = Array(text.unicodeScalars).split(separator: "\n", omittingEmptySubsequences: false)
        let inBounds = start.line >= 1 && start.line <= lines.count && start.column >= 1
            && start.column <= lines[start.line - 1].count + 1
            && start.offset >= 0 && start.offset <= text.unicodeScalars.count
        #expect(inBounds, "\(error.kind) at \(start) in \(text.debugDescription)")
        #expect(!error.diagnostic.message.isEmpty)
        #expect(error.diagnostic.sourceLine != nil)
        #expect(error.description.contains("error: "))
        return false
    }
}

@Test func generatedConditionsParseAndRoundTrip() {
    var generator = ConditionGenerator(random: SeededGenerator(seed: 0xEA5E_3C1))
    var failures: [String] = []
    for _ in 0..<3_000 {
        let text = generator.condition()
        if !checkInvariant(text) { failures.append(text) }
    }
    #expect(failures.isEmpty, "first failures: \(failures.prefix(3))")
}

@Test func mutatedAndRandomStringsParseOrFailCleanly() {
    var generator = ConditionGenerator(random: SeededGenerator(seed: 20_210_101))
    var parsed = 0
    var rejected = 0
    for round in 0..<8_000 {
        let text = round % 4 == 3 ? generator.noise() : generator.mutate(generator.condition())
        if checkInvariant(text) { parsed += 1 } else { rejected += 1 }
    }
    #expect(parsed + rejected == 8_000)
    #expect(parsed > 200)
    #expect(rejected > 2_000)
}
