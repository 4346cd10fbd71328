import Testing
@testable import EaseMLEngines

struct SeededRandomGeneratorTests {
    @Test func theStreamIsAFunctionOfTheSeed() {
        var a = SeededRandomGenerator(seed: 42)
        var b = SeededRandomGenerator(seed: 42)
        var c = SeededRandomGenerator(seed: 43)
        let x = (0..<5).map { _ in a.next() }
        #expect(x == (0..<5).map { _ in b.next() })
        #expect(x != (0..<5).map { _ in c.next() })
    }

    @Test func uniformAndBelowAreInRangeAndBalanced() {
        var rng = SeededRandomGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 7)
        var sum = 0.0
        for _ in 0..<70_000 {
            let u = rng.uniform()
            #expect(u >= 0 && u < 1)
            sum += u
            counts[rng.below(7)] += 1
        }
        #expect(abs(sum / 70_000 - 0.5) < 0.005)
        // Each count ~ Binomial(70,000, 1/7): mean 10,000, sd ≈ 93.
        for count in counts { #expect(abs(count - 10_000) < 450) }
    }

    @Test func shuffleIsAPermutationAndUniformOnFirstPosition() {
        var rng = SeededRandomGenerator(seed: 9)
        var first = [Int](repeating: 0, count: 4)
        for _ in 0..<8_000 {
            var values = [0, 1, 2, 3]
            rng.shuffle(&values)
            #expect(values.sorted() == [0, 1, 2, 3])
            first[values[0]] += 1
        }
        for count in first { #expect(abs(count - 2_000) < 200) }
    }

    @Test func counterBasedCoinsArePureAndSpread() {
        #expect(SeededRandomGenerator.uniform(seed: 5, index: 17) == SeededRandomGenerator.uniform(seed: 5, index: 17))
        #expect(SeededRandomGenerator.uniform(seed: 5, index: 17) != SeededRandomGenerator.uniform(seed: 5, index: 18))
        #expect(SeededRandomGenerator.uniform(seed: 5, index: 17) != SeededRandomGenerator.uniform(seed: 6, index: 17))
        let mean = (0..<20_000).map { SeededRandomGenerator.uniform(seed: 5, index: UInt64($0)) }.reduce(0, +) / 20_000
        #expect(abs(mean - 0.5) < 0.01)
    }
}
