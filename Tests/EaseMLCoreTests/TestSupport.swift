import Foundation
@testable import EaseMLCore

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// `Tests/EaseMLCoreTests/Fixtures/NAME`.
func fixtureURL(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent("Tests/EaseMLCoreTests/Fixtures").appendingPathComponent(name)
}

/// The project's read-only `shared/` folder beside the repository (`EASEML_SHARED` overrides).
let sharedFolder: URL = {
    if let path = ProcessInfo.processInfo.environment["EASEML_SHARED"] { return URL(fileURLWithPath: path) }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
}()

/// Parses a condition in tests, failing loudly with the diagnostic.
func condition(_ text: String) -> Condition {
    do { return try ConditionParser.parse(text) } catch { fatalError("\(text): \(error)") }
}

/// SeededGenerator: a tiny deterministic generator so every simulation is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A uniform Double in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A value in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// One of `choices`, uniformly.
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
