/// How much a developer learns from one verdict (key `reveal`, an owner's choice).
///
/// Each revealed answer is charged as what it can say: `verdict` is one of 2 answers (1 bit),
/// `clauses` names which of the k clauses failed, one of 2^k answers (k bits). The union bound
/// counts the transcripts accordingly, so revealing clauses needs a larger test set (`plan`
/// shows it) and spends the bit budget k times as fast (`status` shows it). It applies to
/// adaptivity `full`, where every answer is revealed.
public enum RevealLevel: String, Sendable, Hashable, Codable, CaseIterable {
    case verdict
    case clauses

    /// Bits one answer reveals for a condition of `clauses` clauses.
    public func bitsPerAnswer(clauses: Int) -> Int { self == .clauses ? max(1, clauses) : 1 }
}
