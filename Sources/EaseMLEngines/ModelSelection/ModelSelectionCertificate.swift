/// The stopping rule's verdict at one look.
public struct ModelSelectionCertificate: Sendable, Hashable, Codable {
    /// Why the rule stops, or that it does not.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Every rival was rejected: the guarantee holds for `chosen`.
        case certified
        /// Every disagreement item is labeled: `chosen` is exactly a best model (error 0).
        case exact
        /// Not yet: keep labeling (or stop uncertified at the budget).
        case continuing
    }

    public var status: Status
    /// The model the rule would choose now (fewest errors on the draws; lowest index on a tie).
    public var chosen: Int
    /// ε, in accuracy on the pool (fraction of its N items).
    public var epsilon: Double
    /// δ for the whole sequential procedure.
    public var delta: Double
    /// The look s ≥ 1 this verdict was made at (0: not a look).
    public var look: Int
    /// n, draws so far; and distinct labels spent.
    public var draws: Int
    public var labels: Int
    /// Per rival j ≠ chosen, ln of the p-value of "acc_j − acc_chosen > ε", or of a bound on it:
    /// −∞ when the null is impossible without labels, Bennett's upper bound when that suffices,
    /// possibly only a lower bound when above the threshold; 0 for `chosen` and for rivals not
    /// tested once a harder one failed. Compared with `logThreshold`.
    public var logPValues: [Double]
    /// ln(δ_s / (k − 1)), the per-rival threshold at this look.
    public var logThreshold: Double

    /// Whether the rule stops here.
    public var stops: Bool { status != .continuing }
}
