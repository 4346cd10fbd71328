/// What an inconclusive (Unknown) clause counts as (DESIGN §5).
public enum DecisionMode: String, Sendable, Hashable, CaseIterable, Codable {
    /// Unknown → fail: a passing verdict is never a false positive (with probability 1 − δ).
    case fpFree = "fp-free"
    /// Unknown → pass: a failing verdict is never a false negative (with probability 1 − δ).
    case fnFree = "fn-free"
}
