/// Text augmentation by two of EDA's operations (Wei & Zou, 2019, "EDA: Easy Data Augmentation
/// Techniques for Boosting Performance on Text Classification Tasks"): *random deletion* (each word
/// dropped with probability `rate`, at least one word kept) and *random swap* (max(1, ⌊rate·n⌋)
/// swaps of two word positions). Both keep the text's vocabulary, so a synthetic text stays in its
/// source's class; neither needs a thesaurus or a model.
///
/// Synthetic text i takes as its source the i-th usable text (cycling), so classes grow in
/// proportion; its operation is drawn fairly, then its positions, all from one
/// `SeededRandomGenerator`: the same texts and seed give the same synthetic texts on every platform.
/// Words are the text's runs of non-space characters, joined back with single spaces. A text of one
/// word cannot be perturbed and is not a source; a perturbation that changes nothing (a swap of two
/// equal words) is drawn again, up to a bound, then kept as it is.
public enum TextPerturbation {
    public enum Operation: String, Sendable, CaseIterable {
        case deletion, swap
    }

    public struct Synthetic: Sendable, Equatable {
        public var text: String
        public var source: Int
        public var operation: Operation
    }

    public static func synthesize(texts: [String], count: Int, rate: Double = 0.1, seed: UInt64) -> [Synthetic] {
        precondition(rate > 0 && rate < 1, "the rate is a probability strictly between 0 and 1")
        let words = texts.map { $0.split(whereSeparator: { $0.isWhitespace }).map(String.init) }
        let sources = words.indices.filter { words[$0].count >= 2 }
        guard count > 0, !sources.isEmpty else { return [] }
        var generator = SeededRandomGenerator(seed: seed)
        var result: [Synthetic] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            let source = sources[index % sources.count]
            let operation: Operation = generator.next() & 1 == 0 ? .deletion : .swap
            var perturbed = words[source]
            for _ in 0..<8 {
                perturbed = apply(operation, to: words[source], rate: rate, using: &generator)
                if perturbed != words[source] { break }
            }
            result.append(Synthetic(text: perturbed.joined(separator: " "), source: source, operation: operation))
        }
        return result
    }

    static func apply(_ operation: Operation, to words: [String], rate: Double, using generator: inout SeededRandomGenerator) -> [String] {
        switch operation {
        case .deletion:
            var kept = words.filter { _ in generator.uniform() >= rate }
            if kept.isEmpty { kept = [words[Int(generator.next() % UInt64(words.count))]] }
            return kept
        case .swap:
            var swapped = words
            for _ in 0..<max(1, Int(rate * Double(words.count))) {
                let first = Int(generator.next() % UInt64(words.count))
                var second = Int(generator.next() % UInt64(words.count - 1))
                if second >= first { second += 1 }
                swapped.swapAt(first, second)
            }
            return swapped
        }
    }
}
