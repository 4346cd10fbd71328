import EaseMLCore

/// The statistical settings of the gate: what `.easeml.yml` says, after command-line overrides.
public struct GateSettings: Sendable, Hashable {
    public var condition: Condition
    /// 1 − δ over the whole life of one test set.
    public var reliability: Double
    public var mode: DecisionMode
    public var adaptivity: Adaptivity
    /// H, the evaluations one test set supports.
    public var steps: Int
    /// A user-stated bound on P(models disagree), if any.
    public var assumedVarianceBound: Double?
    /// The disagreement rate the plan assumes for `n - o` without a `d` clause (sizes N only).
    public var expectedDisagreement: Double?
    /// What a FAIL tells the developer.
    public var reveal: RevealLevel = .verdict

    public init(
        condition: Condition, reliability: Double, mode: DecisionMode, adaptivity: Adaptivity, steps: Int,
        assumedVarianceBound: Double? = nil
    ) {
        self.condition = condition
        self.reliability = reliability
        self.mode = mode
        self.adaptivity = adaptivity
        self.steps = steps
        self.assumedVarianceBound = assumedVarianceBound
    }

    /// The settings of a loaded configuration.
    public init(_ config: EaseMLConfig) {
        self.init(
            condition: config.condition, reliability: config.reliability, mode: config.mode,
            adaptivity: config.adaptivity, steps: config.steps, assumedVarianceBound: config.varianceBound)
        reveal = config.reveal
        expectedDisagreement = config.expectedDisagreement
    }

    /// The planner for these settings.
    public var planner: SampleSizePlanner {
        SampleSizePlanner(
            condition: condition, mode: mode, assumedVarianceBound: assumedVarianceBound,
            bitsPerAnswer: reveal.bitsPerAnswer(clauses: condition.clauses.count),
            expectedDisagreement: expectedDisagreement)
    }
}
