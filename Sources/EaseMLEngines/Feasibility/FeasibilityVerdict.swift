/// The answer to "can this data reach the target accuracy?", never stronger than the evidence.
public enum FeasibilityVerdict: Sendable, Hashable {
    /// The target is at or below the estimated ceiling: the data does not rule it out.
    case feasible
    /// Even the upper end of the ceiling's interval (the lowest 1-NN error the data allows at the
    /// stated confidence, with unlimited data included) is below the target.
    case infeasible(estimate: Double, upper: Double, confidence: Double)
    /// The target is above the estimated ceiling but within its uncertainty or within what more data
    /// may give; `reason` says which.
    case unclear(reason: String)

    /// "feasible", "infeasible" or "unclear".
    public var kind: String {
        switch self {
        case .feasible: "feasible"
        case .infeasible: "infeasible"
        case .unclear: "unclear"
        }
    }

    /// One line, e.g. `infeasible: the ceiling is estimated at 0.9941, and at most 0.9968 at 95 % confidence`.
    public var text: String {
        switch self {
        case .feasible: "feasible"
        case .infeasible(let estimate, let upper, let confidence):
            "infeasible: the accuracy ceiling is estimated at \(fixed4(estimate)), and at most \(fixed4(upper)) at \(percent(confidence)) confidence (more data included)"
        case .unclear(let reason): "unclear: \(reason)"
        }
    }

    /// Decides for `target` (an accuracy in [0, 1]): feasible when target ≤ the estimated
    /// ceiling; infeasible only when the target is above the upper end of the ceiling's interval;
    /// otherwise unclear, with the reason (within the estimate's uncertainty, or within what more
    /// data may give).
    public static func decide(
        target: Double, ceiling: Double, optimisticCeiling: Double, asymptoticCeiling: Double?, confidence: Double
    ) -> FeasibilityVerdict {
        if target <= ceiling { return .feasible }
        if target > optimisticCeiling { return .infeasible(estimate: ceiling, upper: optimisticCeiling, confidence: confidence) }
        if let asymptoticCeiling, target <= asymptoticCeiling {
            return .unclear(reason: "the target \(fixed4(target)) is above today's estimated ceiling \(fixed4(ceiling)), but the convergence curve reaches \(fixed4(asymptoticCeiling)) with unlimited data: more data may get there")
        }
        return .unclear(reason: "the target \(fixed4(target)) is above the estimated ceiling \(fixed4(ceiling)) but within its uncertainty (up to \(fixed4(optimisticCeiling)) at \(percent(confidence)) confidence)")
    }
}

func percent(_ value: Double) -> String {
    let scaled = value * 100
    return scaled == scaled.rounded() ? "\(Int(scaled)) %" : String(format: "%.1f %%", scaled)
}

/// `value` with four decimals.
func fixed4(_ value: Double) -> String {
    let scaled = (value * 10_000).rounded()
    let sign = scaled < 0 ? "-" : ""
    let magnitude = Int(abs(scaled))
    let fraction = String(magnitude % 10_000)
    return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
}
