import Foundation

/// How the failure probability δ = 1 − reliability of one test set is divided (DESIGN §5).
///
/// The union bound runs over every transcript a developer can see (`Adaptivity`) and then over
/// the clauses of the condition: δ_eval = δ / transcripts, δ_clause = δ_eval / k. Everything is
/// kept as natural logarithms, so `full` adaptivity with thousands of steps never underflows.
public struct ErrorBudget: Sendable, Hashable, Codable {
    /// 1 − δ for the whole life of one test set, in (0, 1).
    public var reliability: Double
    public var adaptivity: Adaptivity
    /// H, the number of evaluations the test set supports (≥ 1).
    public var steps: Int
    /// k, the number of clauses sharing each evaluation's budget (≥ 1).
    public var clauses: Int

    public init(reliability: Double, adaptivity: Adaptivity, steps: Int, clauses: Int) {
        self.reliability = reliability
        self.adaptivity = adaptivity
        self.steps = steps
        self.clauses = clauses
    }

    /// ln δ, with δ = 1 − reliability.
    public var logDelta: Double { log(1 - reliability) }

    /// ln of the number of transcripts over the test set's life (ln H or H·ln 2): the transcripts
    /// a developer can see; with `amendedLogTranscripts` (a question the
    /// owner amended) the union over every question asked of the set.
    public var logTranscripts: Double {
        if let amendedLogTranscripts { return amendedLogTranscripts }
        // Under `full` every answer is revealed: (2^bits)^H transcripts.
        return adaptivity == .full ? Double(steps) * Double(bitsPerAnswer) * log(2.0) : adaptivity.logTranscripts(steps: steps)
    }

    /// Bits one revealed answer carries (1 for a verdict; k when the failing clauses are named).
    public var bitsPerAnswer: Int = 1

    /// The leakage the guarantee allows over the set's life, in bits (0 under `none`).
    public var leakageBits: Double { adaptivity == .none ? 0 : logTranscripts / log(2.0) }

    /// Set when the owner amended the set's question: ln of all its questions' transcripts together.
    public var amendedLogTranscripts: Double?

    /// ln δ_eval: the failure probability allotted to one evaluation.
    public var logDeltaPerEvaluation: Double { logDelta - logTranscripts }

    /// ln δ_clause: the failure probability allotted to one clause of one evaluation.
    public var logDeltaPerClause: Double { logDeltaPerEvaluation - log(Double(max(1, clauses))) }
}
