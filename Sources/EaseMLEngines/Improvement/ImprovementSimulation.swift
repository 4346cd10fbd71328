/// The improvement loop end to end with a hidden oracle instead of a person: cleaned rows are the
/// true rows and acquired labels the true labels, both known from a complete dataset
/// (`ImprovementScenario`). Used to compare the bandit with either arm alone.
public enum ImprovementSimulation {
    /// Which arms a run may pull.
    public enum Policy: String, Sendable, CaseIterable, Codable {
        /// The bandit's choice between both arms.
        case bandit
        /// Cleaning only.
        case clean
        /// Acquisition only.
        case acquire
    }

    /// One point of the feasibility curve: after `round` rounds (0 = the start) and `effort` units of
    /// human effort in all, the accuracy ceiling.
    public struct Point: Sendable, Equatable, Codable {
        public var round: Int
        /// The arm of this round (nil at the start).
        public var arm: ImprovementArm?
        /// Rows cleaned or labelled in this round.
        public var rows: Int
        /// Cumulative effort, in cost units.
        public var effort: Double
        /// 1 − Cover–Hart bound, in [0, 1].
        public var ceiling: Double
        /// Why the arm was picked (empty at the start).
        public var reason: String

        public init(round: Int, arm: ImprovementArm?, rows: Int, effort: Double, ceiling: Double, reason: String) {
            self.round = round
            self.arm = arm
            self.rows = rows
            self.effort = effort
            self.ceiling = ceiling
            self.reason = reason
        }
    }

    /// The curve of one policy: at most `rounds` rounds of at most `batch` rows; stops early when
    /// no allowed arm is left.
    public static func run(
        _ scenario: ImprovementScenario, policy: Policy, rounds: Int, batch: Int, cleanCost: Double, labelCost: Double, exploration: Double
    ) -> [Point] {
        precondition(rounds >= 0 && batch >= 1 && cleanCost > 0 && labelCost > 0)
        var loop = scenario.loop
        var ceiling = loop.ceiling()
        var points = [Point(round: 0, arm: nil, rows: 0, effort: 0, ceiling: ceiling, reason: "")]
        var history: [ImprovementBandit.Pull] = []
        let only: ImprovementArm? = policy == .bandit ? nil : ImprovementArm(rawValue: policy.rawValue)
        for round in (0..<rounds).map({ $0 + 1 }) {
            guard let proposal = loop.propose(history: history, batch: batch, exploration: exploration, only: only) else { break }
            let rows = proposal.rows
            switch proposal.arm {
            case .clean: for row in rows { loop.clean(row: row, value: scenario.trueRows[row]) }
            case .acquire: for row in rows { loop.label(poolRow: row, label: scenario.poolLabels[row]) }
            }
            let effort = Double(rows.count) * (proposal.arm == .clean ? cleanCost : labelCost)
            let after = loop.ceiling()
            history.append(.init(arm: proposal.arm, reward: (after - ceiling) / effort))
            ceiling = after
            points.append(Point(
                round: round, arm: proposal.arm, rows: rows.count, effort: points.last!.effort + effort, ceiling: ceiling, reason: proposal.choice.reason))
        }
        return points
    }

    /// The ceiling of `curve` once `effort` units were spent (the last point at or below it).
    public static func ceiling(of curve: [Point], atEffort effort: Double) -> Double {
        curve.last { $0.effort <= effort + 1e-9 }?.ceiling ?? curve[0].ceiling
    }

    /// The mean ceiling over the effort grid 0, step, 2·step, … up to `maxEffort` (the area under the
    /// curve divided by its width, a step function of effort).
    public static func meanCeiling(of curve: [Point], step: Double, maxEffort: Double) -> Double {
        let grid = stride(from: 0.0, through: maxEffort + 1e-9, by: step).map { ceiling(of: curve, atEffort: $0) }
        return grid.reduce(0, +) / Double(grid.count)
    }
}
