/// What a simulated search did: every completed trial in completion order, with the global regret
/// after it.
public struct AutoMLSimulationTrace: Sendable, Hashable, Codable {
    /// One completed trial.
    public struct Step: Sendable, Hashable, Codable {
        public var tenant: Int
        public var arm: Int
        public var score: Double
        /// Clock time at which the trial started and ended.
        public var start: Double
        public var finish: Double
        /// The global regret after this trial.
        public var regret: Double
    }

    /// The global regret before any trial (the mean of the tenants' optima).
    public var initialRegret: Double
    public var steps: [Step]

    /// Regrets within this of ε count as reached (rounding of the mean over tenants).
    public static let regretTolerance = 1e-12

    /// The clock time at which the global regret first reaches ≤ ε (0 if it starts there), or nil
    /// when it never does.
    public func timeToRegret(_ epsilon: Double) -> Double? {
        if initialRegret <= epsilon + Self.regretTolerance { return 0 }
        return steps.first { $0.regret <= epsilon + Self.regretTolerance }?.finish
    }
}
