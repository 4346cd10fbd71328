/// Edit distances between short words, for "did you mean …?" suggestions.
///
/// The distance is the optimal-string-alignment variant of Damerau–Levenshtein: the least
/// number of single-character insertions, deletions, substitutions and swaps of two adjacent
/// characters that turn one word into the other (no substring is edited twice). Characters
/// are compared as Unicode scalars.
public enum EditDistance {
    /// The number of edits that turn `source` into `target`.
    ///
    /// Comparison is exact (case-sensitive); `closest(to:among:maxDistance:)` ignores case.
    public static func distance(_ source: String, _ target: String) -> Int {
        let a = Array(source.unicodeScalars)
        let b = Array(target.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        // Three rolling rows: the one before the previous one is needed for swaps.
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, beforePrevious[j - 2] + 1)
                }
                current[j] = best
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }

    /// The candidate nearest to `word`, ignoring case, if it is close enough to be a
    /// plausible misspelling; `nil` otherwise, or when `word` is itself a candidate.
    ///
    /// - Parameters:
    ///   - word: what the user wrote.
    ///   - candidates: the valid spellings; on a tie the earliest one wins.
    ///   - maxDistance: the largest distance still suggested. `nil` picks one from the
    ///     length of `word`: 1 for words of up to 3 characters, else `max(2, length / 3)`.
    public static func closest(
        to word: String, among candidates: [String], maxDistance: Int? = nil
    ) -> String? {
        if candidates.contains(word) { return nil }
        let length = word.unicodeScalars.count
        let limit = maxDistance ?? (length <= 3 ? 1 : max(2, length / 3))
        let folded = word.lowercased()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = Self.distance(folded, candidate.lowercased())
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }
}
