import Testing
@testable import EaseMLCore

/// The textbook recursive definition of the optimal-string-alignment distance, for checking
/// the dynamic-programming version on short words.
private func referenceDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    let i = a.count
    let j = b.count
    let cost = a[i - 1] == b[j - 1] ? 0 : 1
    var best = min(
        referenceDistance(Array(a.dropLast()), b) + 1,
        referenceDistance(a, Array(b.dropLast())) + 1,
        referenceDistance(Array(a.dropLast()), Array(b.dropLast())) + cost)
    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
        best = min(best, referenceDistance(Array(a.dropLast(2)), Array(b.dropLast(2))) + 1)
    }
    return best
}

@Test func distanceOfKnownPairs() {
    #expect(EditDistance.distance("", "") == 0)
    #expect(EditDistance.distance("", "abc") == 3)
    #expect(EditDistance.distance("abc", "") == 3)
    #expect(EditDistance.distance("steps", "steps") == 0)
    #expect(EditDistance.distance("kitten", "sitting") == 3)
    #expect(EditDistance.distance("reliabilty", "reliability") == 1)
    #expect(EditDistance.distance("fp_free", "fp-free") == 1)
    #expect(EditDistance.distance("Mode", "mode") == 1)
}

@Test func swappingAdjacentCharactersCostsOneEdit() {
    #expect(EditDistance.distance("ab", "ba") == 1)
    #expect(EditDistance.distance("relaibility", "reliability") == 1)
    #expect(EditDistance.distance("stpes", "steps") == 1)
}

@Test func distanceMatchesTheRecursiveDefinitionOnRandomWords() {
    var state: UInt64 = 0x5EED
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    let alphabet: [Character] = ["a", "b", "c"]
    for _ in 0..<300 {
        let a = (0..<next(6)).map { _ in alphabet[next(alphabet.count)] }
        let b = (0..<next(6)).map { _ in alphabet[next(alphabet.count)] }
        let fast = EditDistance.distance(String(a), String(b))
        #expect(fast == referenceDistance(a, b), "\(String(a)) vs \(String(b))")
        #expect(fast == EditDistance.distance(String(b), String(a)))
    }
}

@Test func closestFindsMisspelledKeys() {
    let keys = ConfigLoader.knownKeys
    #expect(EditDistance.closest(to: "reliabilty", among: keys) == "reliability")
    #expect(EditDistance.closest(to: "conditon", among: keys) == "condition")
    #expect(EditDistance.closest(to: "stesp", among: keys) == "steps")
    #expect(EditDistance.closest(to: "data-mode", among: keys) == "data_mode")
    #expect(EditDistance.closest(to: "Reliability", among: keys) == "reliability")
}

@Test func closestDeclinesFarWordsAndExactMatches() {
    #expect(EditDistance.closest(to: "colour", among: ConfigLoader.knownKeys) == nil)
    #expect(EditDistance.closest(to: "steps", among: ConfigLoader.knownKeys) == nil)
    #expect(EditDistance.closest(to: "xy", among: ["ml"]) == nil)
    #expect(EditDistance.closest(to: "anything", among: []) == nil)
}

@Test func closestHonorsMaxDistanceAndPrefersTheEarliestOnTies() {
    #expect(EditDistance.closest(to: "abcd", among: ["abxy"], maxDistance: 1) == nil)
    #expect(EditDistance.closest(to: "abcd", among: ["abxy"], maxDistance: 2) == "abxy")
    #expect(EditDistance.closest(to: "abc", among: ["abd", "abe"], maxDistance: 1) == "abd")
    #expect(EditDistance.closest(to: "abc", among: ["abe", "abd"], maxDistance: 1) == "abe")
    #expect(EditDistance.closest(to: "abcdef", among: ["abxdef", "abcdef0"]) == "abxdef")
}
