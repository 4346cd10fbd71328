import Foundation

/// How much a developer learns from each evaluation on one test set (DESIGN §5–6).
///
/// Every mode is a bound on the number of distinct transcripts (sequences of answers) a
/// developer can see over the test set's life; the union bound runs over that number.
public enum Adaptivity: String, Sendable, Hashable, CaseIterable, Codable {
    /// The developer sees nothing; the verdict goes to the integration owner. H transcripts.
    case none
    /// Every verdict is shown. 2^H transcripts.
    case full
    /// Verdicts are shown and the first pass retires the test set (`hybrid` in the paper).
    /// H transcripts: all that varies is where the first pass falls.
    case firstChange

    /// The natural logarithm of the number of transcripts over `steps` evaluations.
    /// Kept in log space: `full` with 1,000 steps is 693.1, far beyond `Double`'s range as 2^H.
    public func logTranscripts(steps: Int) -> Double {
        precondition(steps >= 1, "steps must be at least 1")
        switch self {
        case .none, .firstChange: return log(Double(steps))
        case .full: return Double(steps) * log(2.0)
        }
    }

    /// Bits a developer can learn over `steps` evaluations: log₂ of the number of transcripts.
    public func leakageBits(steps: Int) -> Double {
        switch self {
        case .none: return 0
        case .firstChange, .full: return logTranscripts(steps: steps) / log(2.0)
        }
    }

    /// The spelling used in `.easeml.yml` and on the command line.
    public var spelling: String { rawValue }
}
