/// How many labels a plan needs, and why.
public enum LabelRequirement: Sendable, Hashable, Codable {
    /// No clause needs labels (only `d`).
    case none
    /// Every example needs a label.
    case all(Int)
    /// Only the examples where the two models disagree need labels (active labeling). The count
    /// is ⌈p·N⌉ with p the variance bound: an upper bound on the expected number.
    case disagreementsOnly(expectedAtMost: Int)
    /// Only disagreements need labels, but with no bound on d their number can reach N.
    case disagreementsOnlyUnbounded(atMost: Int)

    /// The number to plan for.
    public var count: Int {
        switch self {
        case .none: 0
        case .all(let n), .disagreementsOnly(let n), .disagreementsOnlyUnbounded(let n): n
        }
    }
}

/// What one clause needs under one method.
public struct ClauseRequirement: Sendable, Hashable, Codable {
    /// 0-based index of the clause in the condition.
    public var clauseIndex: Int
    /// The method actually applied to this clause: the column's own method, or Hoeffding where
    /// the column's method does not apply to the clause.
    public var method: PlanningMethod
    /// The formula value before rounding up (for exact methods, the integer itself).
    public var rawSampleSize: Double
    /// ⌈raw⌉: the number of test examples this clause needs.
    public var sampleSize: Int
    /// Why this method or fallback was used, when it is not obvious.
    public var note: String?
}

/// One column of the plan table: every clause sized by one method.
public struct MethodPlan: Sendable, Hashable, Codable {
    public var method: PlanningMethod
    /// Whether the method applies to at least one clause (otherwise the column is Hoeffding).
    public var applies: Bool
    public var clauses: [ClauseRequirement]
    /// N: the largest clause requirement, since every clause is evaluated on the same sample.
    public var sampleSize: Int
    /// The formula value behind `sampleSize` (the largest clause's raw value).
    public var rawSampleSize: Double
    public var labels: LabelRequirement
}

/// The planner's answer for one configuration.
public struct SampleSizePlan: Sendable, Hashable, Codable {
    public var condition: String
    public var budget: ErrorBudget
    public var mode: DecisionMode
    /// The variance bound used by Bennett and the exact paired test, if any.
    public var varianceBound: VarianceBound?
    /// The disagreement rate the plan assumed for `n - o` without a bound (`expected_disagreement`):
    /// it sets N only. `nil` when none was stated or no clause used it.
    public var expectedDisagreement: Double?
    /// ln δ′ per clause.
    public var logDeltaPerClause: Double
    /// One entry per method, in `PlanningMethod.allCases` order.
    public var methods: [MethodPlan]
    /// The method with the smallest N among those that apply.
    public var chosen: PlanningMethod
    /// Why `chosen` was picked.
    public var reason: String

    /// The plan of the chosen method.
    public var chosenPlan: MethodPlan { methods.first { $0.method == chosen }! }

    /// The plan of one method.
    public func plan(for method: PlanningMethod) -> MethodPlan? { methods.first { $0.method == method } }
}
