import EaseMLCore
import Foundation

/// What a test set's budget looks like after some evaluations: the output of `BudgetPolicy`.
public struct BudgetUsage: Sendable, Equatable {
    /// Steps (charged evaluations) used so far.
    public var stepsUsed: Int
    /// Steps still allowed; 0 means the set is exhausted.
    public var stepsLeft: Int
    /// Whether the mode's rule retires the set now (for example `firstChange` after a pass).
    public var retire: Bool
    /// Why, when `retire` is true.
    public var retireReason: String?
    /// Bits of information about the test set revealed to developers so far.
    public var bitsUsed: Double
    /// Bits that may still be revealed; `bitsUsed + bitsLeft` is the mode's total,
    /// `Adaptivity.leakageBits(steps: H)`.
    public var bitsLeft: Double
}

/// The budget rule of every adaptivity mode, as pure functions of
/// (H, evaluations so far, passes so far) (DESIGN §6).
///
/// Adding a mode means adding one function here and one case to `usage(...)`. The ledger never
/// decides budgets anywhere else: `Ledger.charge` refuses when `stepsLeft == 0` *before* the
/// evaluation and applies `retire` *after* recording it, in the same transaction.
///
/// Step rules: every new (non-replayed) evaluation uses one step in every mode; a set allows H.
/// - `full`: exhausted after H evaluations.
/// - `none`: exhausted after H evaluations (verdicts go to the owner, not the developer).
/// - `firstChange`: exhausted after H evaluations, and the first pass retires the set
///   (reason "first pass").
///
/// Bit rules (each revealed pass/fail answer is at most 1 bit; totals are log₂ of the number of
/// transcripts, matching `Adaptivity.leakageBits`):
/// - `full`: 1 bit per evaluation; H bits in total.
/// - `none`: nothing is revealed; 0 used, 0 left.
/// - `firstChange`: log₂ H in total. The developer only learns where the first pass falls, among
///   H possible transcripts. After k fails and no pass, H − k transcripts remain possible, so
///   `bitsUsed = log₂ H − log₂(H − k)`; once a pass is seen (or all H steps are used) the whole
///   transcript is known and `bitsUsed = log₂ H`. This is monotone, never exceeds log₂ H, and a
///   fail costs far less than a bit (it only rules out one position).
/// - `sparse: B`: log₂ Σ_{i≤B} C(H, i) in total. After e evaluations with k < B passes the
///   transcripts still possible are the continuations with at most B − k passes in the H − e
///   steps left, Σ_{i≤B−k} C(H − e, i); `bitsUsed` is the total minus log₂ of that. The B-th pass
///   retires the set (reason "pass B of B") and fixes the transcript.
/// - `ladder: η floor: F`: the rule of `sparse: K`, K = ⌊(1 − F)/η⌋ — the ladder's bar makes a
///   (K + 1)-th pass impossible, so its transcripts are those of `sparse: K`.
public enum BudgetPolicy {
    /// The reason recorded when `firstChange` retires a set.
    public static let firstPassReason = "first pass"

    /// The budget of a set with `steps` = H under `adaptivity`, after `evaluations` charged
    /// evaluations of which `passes` passed.
    public static func usage(adaptivity: Adaptivity, steps: Int, evaluations: Int, passes: Int) -> BudgetUsage {
        switch adaptivity {
        case .full: return full(steps: steps, evaluations: evaluations, passes: passes)
        case .none: return none(steps: steps, evaluations: evaluations, passes: passes)
        case .firstChange: return firstChange(steps: steps, evaluations: evaluations, passes: passes)
        case .sparse(let b): return sparse(passes: b, steps: steps, evaluations: evaluations, passed: passes)
        case .ladder: return sparse(passes: adaptivity.passLimit, steps: steps, evaluations: evaluations, passed: passes)
        }
    }

    /// `full`: H steps, one bit per evaluation.
    public static func full(steps: Int, evaluations: Int, passes: Int) -> BudgetUsage {
        let used = min(evaluations, steps)
        return BudgetUsage(
            stepsUsed: evaluations, stepsLeft: max(steps - evaluations, 0),
            retire: false, retireReason: nil,
            bitsUsed: Double(used), bitsLeft: Double(steps - used))
    }

    /// `none`: H steps, nothing revealed.
    public static func none(steps: Int, evaluations: Int, passes: Int) -> BudgetUsage {
        BudgetUsage(
            stepsUsed: evaluations, stepsLeft: max(steps - evaluations, 0),
            retire: false, retireReason: nil, bitsUsed: 0, bitsLeft: 0)
    }

    /// `firstChange`: H steps, the first pass retires, log₂ H bits in total.
    public static func firstChange(steps: Int, evaluations: Int, passes: Int) -> BudgetUsage {
        let total = log2(Double(max(steps, 1)))
        let used: Double
        if passes > 0 || evaluations >= steps {
            used = total
        } else {
            used = total - log2(Double(steps - evaluations))
        }
        return BudgetUsage(
            stepsUsed: evaluations, stepsLeft: max(steps - evaluations, 0),
            retire: passes > 0, retireReason: passes > 0 ? firstPassReason : nil,
            bitsUsed: used, bitsLeft: max(total - used, 0))
    }

    /// `sparse: B`: H steps, the B-th pass retires, log₂ Σ_{i≤B} C(H, i) bits in total.
    public static func sparse(passes b: Int, steps: Int, evaluations: Int, passed: Int) -> BudgetUsage {
        let h = max(steps, 1)
        let total = Adaptivity.sparse(passes: b).leakageBits(steps: h)
        let retire = passed >= b
        let used: Double
        if retire || evaluations >= h {
            used = total
        } else {
            let left = Adaptivity.sparse(passes: b - passed).leakageBits(steps: h - evaluations)
            used = min(total, max(0, total - left))
        }
        return BudgetUsage(
            stepsUsed: evaluations, stepsLeft: max(steps - evaluations, 0),
            retire: retire, retireReason: retire ? "pass \(b) of \(b)" : nil,
            bitsUsed: used, bitsLeft: max(total - used, 0))
    }
}
