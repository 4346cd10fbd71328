import EaseMLEngines
import Testing

/// EDA's random deletion and swap (`ingest augment --text`).
@Suite struct TextPerturbationTests {
    private let texts = ["the parcel came late and broken", "great", "friendly staff fast delivery", "never again"]

    /// Same texts and seed, same synthetic texts; another seed, others.
    @Test func isAFunctionOfTheSeed() {
        let first = TextPerturbation.synthesize(texts: texts, count: 30, rate: 0.3, seed: 9)
        #expect(first == TextPerturbation.synthesize(texts: texts, count: 30, rate: 0.3, seed: 9))
        #expect(first != TextPerturbation.synthesize(texts: texts, count: 30, rate: 0.3, seed: 10))
    }

    /// Sources cycle over the texts of two words or more (the one-word text is never one); a swap
    /// keeps every word, a deletion keeps an ordered, non-empty part of them; each text changes.
    @Test func keepsTheSourcesVocabulary() {
        let synthetic = TextPerturbation.synthesize(texts: texts, count: 60, rate: 0.3, seed: 4)
        #expect(synthetic.count == 60)
        #expect(synthetic.prefix(6).map(\.source) == [0, 2, 3, 0, 2, 3])
        #expect(Set(synthetic.map(\.operation)) == [.deletion, .swap])
        for item in synthetic {
            let source = texts[item.source].split(separator: " ").map(String.init)
            let words = item.text.split(separator: " ").map(String.init)
            #expect(item.text != texts[item.source], "\(item)")
            switch item.operation {
            case .swap:
                #expect(words.sorted() == source.sorted(), "\(item)")
            case .deletion:
                #expect(!words.isEmpty && words.count < source.count, "\(item)")
                var remaining = source[...]
                for word in words {
                    guard let at = remaining.firstIndex(of: word) else { Issue.record("\(word) not in order in \(source)"); break }
                    remaining = remaining[(at + 1)...]
                }
            }
        }
        #expect(TextPerturbation.synthesize(texts: ["one", "two"], count: 5, seed: 1).isEmpty)
    }
}
