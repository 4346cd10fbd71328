/// The outcome of `ModelPickerSimulation.run()`: per budget and method, the identification
/// probability (mean credit, see `ModelSelectionCredit`) and the labels used.
public struct ModelPickerSimulationReport: Sendable, Hashable, Codable {
    /// One method at one budget.
    public struct Outcome: Sendable, Hashable, Codable {
        public var method: ModelSelectionMethod
        /// The mean identification credit over the realizations, in [0, 1].
        public var identificationProbability: Double
        /// Its Monte-Carlo standard error, √(var/R).
        public var standardError: Double
        /// Mean labels used per realization.
        public var meanLabels: Double
    }

    /// One budget.
    public struct Row: Sendable, Hashable, Codable {
        public var budget: ModelPickerBudget
        public var outcomes: [Outcome]

        /// The outcome of `method`, if it was run.
        public func outcome(_ method: ModelSelectionMethod) -> Outcome? { outcomes.first { $0.method == method } }
    }

    /// R, the number of realizations.
    public var realizations: Int
    /// Items per realization (drawn without replacement from the pool).
    public var streamLength: Int
    /// The pool size.
    public var poolSize: Int
    public var modelCount: Int
    public var seed: UInt64
    /// Mean number of disagreement items per stream.
    public var meanDisagreements: Double
    public var rows: [Row]
}
