/// The three-valued outcome of one clause (DESIGN §5).
public enum Truth: String, Sendable, Hashable, Codable {
    /// The interval lies entirely on the passing side: certified at δ′.
    case `true`
    /// The interval lies entirely on the failing side: certified at δ′.
    case `false`
    /// The interval contains the threshold; the mode decides.
    case unknown
}

/// How a clause's interval was computed at decision time.
public enum DecisionMethod: String, Sendable, Hashable, Codable {
    /// Exact one-sided Clopper–Pearson bounds for one Bernoulli mean.
    case clopperPearson = "clopper-pearson"
    /// Exact trinomial test for n − o, worst case over the allowed disagreement rates.
    case exactPaired = "exact-paired"
    /// Exact binomial test of the wins among the discordant examples for n − o, with a confidence
    /// bound on the discordant rate (no `d` clause needed).
    case conditionalPaired = "conditional-paired"
    /// Hoeffding half-width around the point estimate (no longer used for decisions; kept so
    /// recorded verdicts still decode).
    case hoeffding
    /// Chernoff–KL bounds on a linear form's mean over its per-example range (any linear clause).
    case chernoff = "chernoff-kl"
}

/// The decision on one clause. `estimate`, `lower` and `upper` are exact test metrics: secrets
/// that must not be shown to developers (DESIGN §6).
public struct ClauseVerdict: Sendable, Hashable, Codable {
    public var clauseIndex: Int
    public var clause: String
    public var method: DecisionMethod
    public var truth: Truth
    /// The clause's outcome after the mode maps Unknown.
    public var passed: Bool
    /// The point estimate of the clause's expression (secret).
    public var estimate: Double
    /// Confidence bounds on the expression, each valid at δ′ on its own side (secret). For the
    /// paired test these are not computed and equal the estimate; see the p-values.
    public var lower: Double
    public var upper: Double
    /// ln of the one-sided p-values for "above the threshold" and "below the threshold".
    public var logPValueAbove: Double?
    public var logPValueBelow: Double?
}

/// The decision on a whole condition: it passes iff every clause passes.
public struct Verdict: Sendable, Hashable, Codable {
    public var passed: Bool
    /// Under `ladder` adaptivity, the bar the new model had to clear (secret, sealed with the rest).
    public var ladder: LadderRung?
    public var mode: DecisionMode
    /// ln δ′, the failure probability each clause was decided at.
    public var logDeltaPerClause: Double
    public var clauses: [ClauseVerdict]
}

/// The ladder's bar for one evaluation (`Adaptivity.ladder`): the new model passes only if its
/// accuracy on the set is at least `bar` = max(floor, best accepted accuracy on the set) + gain.
/// Exact metrics: secret, kept only in the sealed record.
public struct LadderRung: Sendable, Hashable, Codable {
    public var bar: Double
    public var accuracy: Double
    public var cleared: Bool

    public init(bar: Double, accuracy: Double) {
        self.bar = bar
        self.accuracy = accuracy
        cleared = accuracy >= bar
    }
}
