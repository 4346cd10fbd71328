/// The answer to "can this data reach the target accuracy?".
public enum FeasibilityVerdict: Sendable, Hashable {
    /// The target is at or below the accuracy ceiling: the data does not rule it out.
    case feasible
    /// Even optimistically (the 95 % lower end of the 1-NN error and the extrapolation to ten times
    /// the data), the ceiling is below the target; `bestAccuracy` is the point estimate of the ceiling.
    case infeasible(bestAccuracy: Double)
    /// The target is above the point ceiling but within its uncertainty or within what more data may
    /// give; `reason` says which.
    case unclear(reason: String)

    /// "feasible", "infeasible" or "unclear".
    public var kind: String {
        switch self {
        case .feasible: "feasible"
        case .infeasible: "infeasible"
        case .unclear: "unclear"
        }
    }

    /// One line, e.g. `infeasible: the best achievable accuracy is about 0.9941`.
    public var text: String {
        switch self {
        case .feasible: "feasible"
        case .infeasible(let best): "infeasible: the best achievable accuracy is about \(fixed4(best))"
        case .unclear(let reason): "unclear: \(reason)"
        }
    }

    /// Decides for `target` (an accuracy in [0, 1]).
    ///
    /// - `ceiling`: 1 − Cover–Hart bound at the measured 1-NN error;
    /// - `optimisticCeiling`: the same at the error's 95 % lower end;
    /// - `extrapolatedCeiling`: the same at the curve's error for ten times the data (nil: no curve fit).
    ///
    /// Feasible when target ≤ ceiling; infeasible when target exceeds both optimistic ceilings; otherwise
    /// unclear (also when there is no extrapolation to rule out that more data helps).
    public static func decide(target: Double, ceiling: Double, optimisticCeiling: Double, extrapolatedCeiling: Double?) -> FeasibilityVerdict {
        if target <= ceiling { return .feasible }
        if target <= optimisticCeiling {
            return .unclear(reason: "the target \(fixed4(target)) is within the estimate's 95 % uncertainty (ceiling \(fixed4(ceiling)), at most \(fixed4(optimisticCeiling)))")
        }
        guard let extrapolated = extrapolatedCeiling else {
            return .unclear(reason: "the target \(fixed4(target)) is above the ceiling \(fixed4(ceiling)), but too few curve points to tell whether more data would help")
        }
        if target <= extrapolated {
            return .unclear(reason: "the target \(fixed4(target)) is above today's ceiling \(fixed4(ceiling)), but the convergence curve extrapolates to \(fixed4(extrapolated)) with ten times the data")
        }
        return .infeasible(bestAccuracy: ceiling)
    }
}

/// `value` with four decimals.
func fixed4(_ value: Double) -> String {
    let scaled = (value * 10_000).rounded()
    let sign = scaled < 0 ? "-" : ""
    let magnitude = Int(abs(scaled))
    let fraction = String(magnitude % 10_000)
    return "\(sign)\(magnitude / 10_000).\(String(repeating: "0", count: 4 - fraction.count))\(fraction)"
}
