/// A bound p on P(the two models disagree), which bounds the variance of the per-example
/// difference nᵢ − oᵢ ∈ {−1, 0, 1}: E[(nᵢ − oᵢ)²] ≤ P(exactly one is right) ≤ d ≤ p.
///
/// A bound is only as good as its justification (statistics.md, "edge cases"), so each one says
/// where it came from.
public struct VarianceBound: Sendable, Hashable, Codable {
    public enum Source: Sendable, Hashable, Codable {
        /// Certified by the clause at this index (`d < A +/- ε′`), tested on its own δ share.
        case disagreementClause(index: Int)
        /// Stated by the user (`variance_bound` / `--variance-bound`): an assumption, not tested.
        case assumption
    }

    /// The bound p, in (0, 1].
    public var value: Double
    public var source: Source
    /// One sentence saying why `value` is justified.
    public var reason: String

    public init(value: Double, source: Source, reason: String) {
        self.value = value
        self.source = source
        self.reason = reason
    }

    /// The tightest justified bound for `condition` in `mode`, or `nil` when there is none.
    ///
    /// In fp-free mode a passing `d < A +/- ε′` clause certifies d < A, so p = A (the paper's
    /// Pattern 1). In fn-free mode a passing clause only rules out d ≥ A + 2ε′, so p = A + 2ε′.
    /// A user-stated bound is an assumption and is printed as such.
    public static func derive(
        for condition: Condition, mode: DecisionMode, assumed: Double?
    ) -> VarianceBound? {
        var best: VarianceBound?
        for (index, clause) in condition.clauses.enumerated() {
            let normalized = NormalizedClause(clause)
            guard normalized.shape == .single(.disagreement), normalized.comparison == .less else {
                continue
            }
            let value: Double
            let reason: String
            switch mode {
            case .fpFree:
                value = normalized.threshold
                reason = "clause \(index + 1) (\(clause)) must pass, which certifies d < \(format(value)) in fp-free mode"
            case .fnFree:
                value = normalized.threshold + 2 * normalized.tolerance
                reason = "clause \(index + 1) (\(clause)) rules out d ≥ \(format(value)) in fn-free mode (threshold + 2·tolerance)"
            }
            guard value > 0, value <= 1 else { continue }
            if best == nil || value < best!.value {
                best = VarianceBound(value: value, source: .disagreementClause(index: index), reason: reason)
            }
        }
        if let assumed, assumed > 0, assumed <= 1, best == nil || assumed < best!.value {
            best = VarianceBound(
                value: assumed, source: .assumption,
                reason: "assumed by the configuration (variance_bound: \(format(assumed))); not tested")
        }
        return best
    }
}

/// Shortest round-tripping text for a number: `0.1`, `2`, `1e-05`.
func format(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
