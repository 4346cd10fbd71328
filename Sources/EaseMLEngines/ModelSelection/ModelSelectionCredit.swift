/// The identification score of one answer in a simulation: `answer` is the set of models an
/// algorithm reports (ties broken uniformly at random), `truth` the set of best models on the
/// stream. The expected credit is |answer ∩ truth| / |answer| ∈ [0, 1]: a realization counts as
/// identified when the (randomly tie-broken) answer is one of the best models, and an answer tied
/// between several models counts 1/|tied| for each of them that is best.
///
/// This is the rule that reproduces the reference (with credit also divided by |truth|, labeling
/// every disagreement item would score only ≈ 0.94 on EmoContext, where model1 and model2 tie on
/// about 12 % of 1,000-item streams; the reference gives 0.989 and 1.000).
enum ModelSelectionCredit {
    static func score(answer: [Int], truth: [Int]) -> Double {
        guard !answer.isEmpty, !truth.isEmpty else { return 0 }
        let hits = answer.reduce(0) { $0 + (truth.contains($1) ? 1 : 0) }
        return Double(hits) / Double(answer.count)
    }

    /// All indices of the smallest value.
    static func argmin<T: Comparable>(_ values: UnsafeBufferPointer<T>) -> [Int] {
        guard var minimum = values.first else { return [] }
        for value in values where value < minimum { minimum = value }
        var result: [Int] = []
        for i in 0..<values.count where values[i] == minimum { result.append(i) }
        return result
    }
}
