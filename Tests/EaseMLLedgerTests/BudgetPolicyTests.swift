import EaseMLCore
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct BudgetPolicyTests {
    @Test func fullUsesOneStepAndOneBitPerEvaluation() {
        let u = BudgetPolicy.usage(adaptivity: .full, steps: 5, evaluations: 3, passes: 2)
        #expect(u == BudgetUsage(stepsUsed: 3, stepsLeft: 2, retire: false, retireReason: nil, bitsUsed: 3, bitsLeft: 2))
        #expect(BudgetPolicy.usage(adaptivity: .full, steps: 5, evaluations: 5, passes: 0).stepsLeft == 0)
    }

    @Test func noneRevealsNothing() {
        let u = BudgetPolicy.usage(adaptivity: .none, steps: 5, evaluations: 4, passes: 4)
        #expect(u == BudgetUsage(stepsUsed: 4, stepsLeft: 1, retire: false, retireReason: nil, bitsUsed: 0, bitsLeft: 0))
    }

    @Test func firstChangeRetiresOnFirstPassAndCountsLog2HBits() {
        let start = BudgetPolicy.usage(adaptivity: .firstChange, steps: 8, evaluations: 0, passes: 0)
        #expect(start.bitsUsed == 0)
        #expect(start.bitsLeft == 3)
        let afterFails = BudgetPolicy.usage(adaptivity: .firstChange, steps: 8, evaluations: 4, passes: 0)
        #expect(!afterFails.retire)
        #expect(afterFails.stepsLeft == 4)
        #expect(abs(afterFails.bitsUsed - 1) < 1e-12)  // log2 8 - log2 4
        let afterPass = BudgetPolicy.usage(adaptivity: .firstChange, steps: 8, evaluations: 5, passes: 1)
        #expect(afterPass.retire)
        #expect(afterPass.retireReason == "first pass")
        #expect(afterPass.bitsUsed == 3)
        #expect(afterPass.bitsLeft == 0)
    }

    @Test(arguments: Adaptivity.allCases)
    func bitsAddUpToTheModesLeakage(_ mode: Adaptivity) {
        for steps in [1, 2, 7, 64] {
            var previous = -1.0
            for evaluations in 0...steps {
                let u = BudgetPolicy.usage(adaptivity: mode, steps: steps, evaluations: evaluations, passes: 0)
                #expect(abs(u.bitsUsed + u.bitsLeft - mode.leakageBits(steps: steps)) < 1e-9)
                #expect(u.bitsUsed >= previous)
                #expect(u.stepsUsed + u.stepsLeft == steps)
                previous = u.bitsUsed
            }
        }
    }
}
