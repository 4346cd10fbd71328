/// A way to size a test set. All of them give the same guarantee (statistics.md): with
/// probability ≥ 1 − δ′ per clause, no false verdict outside the tolerance zone.
public enum PlanningMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// One-sided Hoeffding with a union bound: the paper's baseline, valid for every clause.
    case hoeffding
    /// Bennett with a variance bound p (the paper's Pattern 1): `n − o` and `d < A` clauses.
    case bennett
    /// Chernoff–KL for a Bernoulli mean: one-variable clauses.
    case chernoff
    /// Exact binomial tails for one variable; the exact trinomial for `n − o`.
    case exact

    /// A short human description for tables.
    public var title: String {
        switch self {
        case .hoeffding: "Hoeffding (paper baseline)"
        case .bennett: "Bennett, Pattern 1 (paper)"
        case .chernoff: "Chernoff–KL"
        case .exact: "exact (binomial / trinomial)"
        }
    }
}
