import Foundation
import Testing
@testable import EaseMLEngines

/// The improvement loop's arm choice: every arm once, then UCB1 on normalised gain per effort.
@Suite struct ImprovementBanditTests {
    @Test func untriedArmsComeFirstCleanBeforeAcquire() throws {
        let both = Set(ImprovementArm.allCases)
        #expect(ImprovementBandit.choose(history: [], available: both)?.arm == .clean)
        let afterClean = try #require(ImprovementBandit.choose(history: [.init(arm: .clean, reward: 0.5)], available: both))
        #expect(afterClean.arm == .acquire && afterClean.reason.contains("not been tried"))
        #expect(ImprovementBandit.choose(history: [], available: [.acquire])?.arm == .acquire)
        #expect(ImprovementBandit.choose(history: [.init(arm: .clean, reward: 1)], available: []) == nil)
    }

    @Test func ucb1ScoresMatchTheFormula() throws {
        // Rewards normalised by the largest |reward| 0.04: clean 0.5 and 0.25, acquire 1.
        let history: [ImprovementBandit.Pull] = [.init(arm: .clean, reward: 0.02), .init(arm: .clean, reward: 0.01), .init(arm: .acquire, reward: 0.04)]
        let choice = try #require(ImprovementBandit.choose(history: history, available: Set(ImprovementArm.allCases)))
        let clean = try #require(choice.scores.first { $0.arm == .clean })
        let acquire = try #require(choice.scores.first { $0.arm == .acquire })
        #expect(abs(clean.meanReward - 0.375) < 1e-12 && abs(clean.bonus - (2 * log(3.0) / 2).squareRoot()) < 1e-12)
        #expect(abs(acquire.meanReward - 1) < 1e-12 && abs(acquire.bonus - (2 * log(3.0)).squareRoot()) < 1e-12)
        #expect(choice.arm == .acquire && choice.reason.hasPrefix("UCB1"))
        // Rescaling every reward (other cost units) changes nothing.
        let scaled = history.map { ImprovementBandit.Pull(arm: $0.arm, reward: $0.reward * 1000) }
        #expect(ImprovementBandit.choose(history: scaled, available: Set(ImprovementArm.allCases))?.scores == choice.scores)
    }

    @Test func explorationRevisitsTheLessPulledArm() throws {
        // Clean always gained 1 (8 rounds), acquire 0.9 once: UCB1 (c = 1) explores acquire again,
        // pure exploitation (c = 0) keeps cleaning.
        let history = Array(repeating: ImprovementBandit.Pull(arm: .clean, reward: 1), count: 8) + [.init(arm: .acquire, reward: 0.9)]
        let both = Set(ImprovementArm.allCases)
        #expect(ImprovementBandit.choose(history: history, available: both, exploration: 1)?.arm == .acquire)
        #expect(ImprovementBandit.choose(history: history, available: both, exploration: 0)?.arm == .clean)
        // An arm that lost accuracy scores below one that gained nothing.
        let losing: [ImprovementBandit.Pull] = [.init(arm: .clean, reward: -0.5), .init(arm: .acquire, reward: 0)]
        #expect(ImprovementBandit.choose(history: losing, available: both)?.arm == .acquire)
        // Equal scores go to clean; an exhausted arm is named in the reason.
        let equal: [ImprovementBandit.Pull] = [.init(arm: .clean, reward: 0), .init(arm: .acquire, reward: 0)]
        #expect(ImprovementBandit.choose(history: equal, available: both)?.arm == .clean)
        let only = try #require(ImprovementBandit.choose(history: equal, available: [.acquire]))
        #expect(only.arm == .acquire && only.reason.contains("only arm left"))
    }
}
