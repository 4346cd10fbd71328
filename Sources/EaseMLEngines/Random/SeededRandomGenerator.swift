/// A seeded, platform-independent pseudo-random generator shared by the engines (DESIGN §10), so
/// that every simulation, shuffle and query coin can be reproduced from one 64-bit seed.
///
/// Algorithm: xoshiro256** (Blackman & Vigna, 2018), state seeded by SplitMix64. Period 2²⁵⁶ − 1.
/// Unlike `SystemRandomNumberGenerator` and the standard library's `random(in:using:)` helpers, the
/// streams produced by `uniform()`, `below(_:)` and `shuffle(_:)` are fixed by this file alone,
/// so a seed recorded in the ledger replays the same session on any platform and Swift version.
public struct SeededRandomGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose whole stream is a function of `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        s0 = SeededRandomGenerator.splitMix(&mixer)
        s1 = SeededRandomGenerator.splitMix(&mixer)
        s2 = SeededRandomGenerator.splitMix(&mixer)
        s3 = SeededRandomGenerator.splitMix(&mixer)
    }

    /// The next 64 uniformly distributed bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform `Double` in `[0, 1)` with 53 random bits (a multiple of 2⁻⁵³).
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<bound` (`bound > 0`), without modulo bias (Lemire's method).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "below(_:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }

    /// Shuffles `values` in place uniformly (Fisher–Yates, from the back).
    public mutating func shuffle<T>(_ values: inout [T]) {
        var i = values.count
        while i > 1 {
            let j = below(i)
            i -= 1
            values.swapAt(i, j)
        }
    }

    /// The `index`-th value of a counter-based uniform stream in `[0, 1)`: a pure function of
    /// (`seed`, `index`), so a resumed session draws the same query coin for item `index` whatever
    /// happened before (SplitMix64 finaliser over the pair).
    public static func uniform(seed: UInt64, index: UInt64) -> Double {
        var state = seed ^ (index &* 0xD1B5_4A32_D192_ED03)
        _ = splitMix(&state)
        return Double(splitMix(&state) >> 11) * 0x1p-53
    }

    @inline(__always)
    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
