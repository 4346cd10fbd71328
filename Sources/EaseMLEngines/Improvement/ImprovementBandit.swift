import Foundation

/// The arm choice of the improvement loop: UCB1 (Auer, Cesa-Bianchi & Fischer, 2002) on the gain
/// of the accuracy ceiling per unit of human effort.
///
/// The rule, given the rewards of the rounds so far (reward = change of the accuracy ceiling
/// divided by the effort the round cost) and the arms that can still be pulled:
/// 1. An available arm that was never pulled is pulled first (`clean` before `acquire`).
/// 2. Otherwise every reward is divided by the largest absolute reward seen in any round (1 when
///    all are 0), so that rewards lie in [−1, 1] whatever the cost units; arm a with n_a pulls and
///    mean normalised reward r̄_a scores r̄_a + c·√(2 ln N / n_a), N the total number of pulls, c
///    the exploration weight (UCB1 is c = 1). The highest score wins; equal scores → `clean`.
/// Deterministic: the same history gives the same choice, so a resumed session repeats it.
public enum ImprovementBandit {
    /// One finished round: which arm and its reward (ceiling change per unit of effort).
    public struct Pull: Sendable, Equatable {
        public var arm: ImprovementArm
        public var reward: Double

        public init(arm: ImprovementArm, reward: Double) {
            self.arm = arm
            self.reward = reward
        }
    }

    /// An arm's statistics when a choice was made.
    public struct ArmScore: Sendable, Equatable, Codable {
        public var arm: ImprovementArm
        public var pulls: Int
        /// Mean normalised reward r̄_a (0 without pulls).
        public var meanReward: Double
        /// c·√(2 ln N / n_a) (infinite without pulls).
        public var bonus: Double
        public var available: Bool

        /// r̄_a + bonus.
        public var score: Double { meanReward + bonus }
    }

    /// The arm to pull and why.
    public struct Choice: Sendable, Equatable {
        public var arm: ImprovementArm
        public var scores: [ArmScore]
        /// The rule's reasoning in one sentence.
        public var reason: String
    }

    /// The choice for the next round, or nil when no arm is available.
    public static func choose(history: [Pull], available: Set<ImprovementArm>, exploration: Double = 1) -> Choice? {
        let order = ImprovementArm.allCases
        let scale = history.map { abs($0.reward) }.max().flatMap { $0 > 0 ? $0 : nil } ?? 1
        let total = Double(history.count)
        let scores = order.map { arm -> ArmScore in
            let rewards = history.filter { $0.arm == arm }.map { $0.reward / scale }
            let mean = rewards.isEmpty ? 0 : rewards.reduce(0, +) / Double(rewards.count)
            let bonus = rewards.isEmpty ? Double.infinity : exploration * (2 * log(total) / Double(rewards.count)).squareRoot()
            return ArmScore(arm: arm, pulls: rewards.count, meanReward: mean, bonus: bonus, available: available.contains(arm))
        }
        let candidates = scores.filter(\.available)
        guard let first = candidates.first else { return nil }
        if let untried = candidates.first(where: { $0.pulls == 0 }) {
            return Choice(arm: untried.arm, scores: scores, reason: "\(untried.arm.rawValue) has not been tried yet (every arm is tried once first)")
        }
        let best = candidates.dropFirst().reduce(first) { $1.score > $0.score ? $1 : $0 }
        guard candidates.count > 1 else {
            let other = scores.first { !$0.available }!.arm
            return Choice(arm: best.arm, scores: scores, reason: "\(best.arm.rawValue) is the only arm left (\(other.rawValue): \(Self.exhausted(other)))")
        }
        let terms = candidates.map { s in
            "\(s.arm.rawValue) \(format(s.meanReward)) + \(format(s.bonus)) = \(format(s.score)) (\(s.pulls) round\(s.pulls == 1 ? "" : "s"))"
        }
        return Choice(
            arm: best.arm, scores: scores,
            reason: "UCB1 on the normalised gain per unit of effort: " + terms.joined(separator: " vs ") + "; \(best.arm.rawValue) scores highest")
    }

    /// Why an arm cannot be pulled.
    public static func exhausted(_ arm: ImprovementArm) -> String {
        switch arm {
        case .clean: return "no row left whose cleaning can change a validation prediction"
        case .acquire: return "the pool is labelled"
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
