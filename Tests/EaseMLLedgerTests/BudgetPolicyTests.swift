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

    /// `sparse: 3` over H = 10: log₂(1 + 10 + 45 + 120) = log₂ 176 bits; the third pass retires.
    @Test func sparseRetiresAtTheBthPassAndCountsItsTranscripts() {
        let total = log2(176.0)
        #expect(abs(Adaptivity.sparse(passes: 3).leakageBits(steps: 10) - total) < 1e-9)
        // B ≥ H is `full`.
        #expect(abs(Adaptivity.sparse(passes: 12).leakageBits(steps: 10) - 10) < 1e-9)
        let start = BudgetPolicy.usage(adaptivity: .sparse(passes: 3), steps: 10, evaluations: 0, passes: 0)
        #expect(start.bitsUsed == 0 && abs(start.bitsLeft - total) < 1e-9)
        // Four fails, one pass: continuations with ≤ 2 passes in 5 steps, 1 + 5 + 10 = 16.
        let middle = BudgetPolicy.usage(adaptivity: .sparse(passes: 3), steps: 10, evaluations: 5, passes: 1)
        #expect(abs(middle.bitsLeft - 4) < 1e-9)
        #expect(!middle.retire && middle.stepsLeft == 5)
        let third = BudgetPolicy.usage(adaptivity: .sparse(passes: 3), steps: 10, evaluations: 6, passes: 3)
        #expect(third.retire && third.retireReason == "pass 3 of 3")
        #expect(third.stepsLeft == 4 && third.bitsLeft == 0 && abs(third.bitsUsed - total) < 1e-9)
        // Spelled `sparse:B`; B out of range is not a mode.
        #expect(Adaptivity(rawValue: "sparse:5") == .sparse(passes: 5))
        #expect(Adaptivity.sparse(passes: 5).rawValue == "sparse:5")
        #expect(Adaptivity(rawValue: "sparse:0") == nil && Adaptivity(rawValue: "sparse:x") == nil && Adaptivity(rawValue: "sparse") == nil)
    }

    /// `ladder:0.03 floor:0.8` allows at most ⌊0.2/0.03⌋ = 6 passes: the transcripts of `sparse:6`.
    @Test func ladderCountsLikeSparseAtItsPassLimit() {
        let ladder = Adaptivity.ladder(gain: 0.03, floor: 0.8)
        #expect(ladder.passLimit == 6)
        #expect(ladder.rawValue == "ladder:0.03 floor:0.8")
        #expect(Adaptivity(rawValue: "ladder:0.03 floor:0.8") == ladder)
        #expect(Adaptivity(rawValue: "ladder:0.03,floor:0.8") == ladder)
        #expect(abs(ladder.logTranscripts(steps: 100) - Adaptivity.sparse(passes: 6).logTranscripts(steps: 100)) < 1e-12)
        for bad in ["ladder:0.03", "ladder:0 floor:0.8", "ladder:0.3 floor:0.8", "ladder:x floor:0.8", "ladder:0.1 floor:1"] {
            #expect(Adaptivity(rawValue: bad) == nil, "\(bad)")
        }
        let usage = BudgetPolicy.usage(adaptivity: ladder, steps: 100, evaluations: 10, passes: 6)
        #expect(usage.retire && usage.bitsLeft == 0)
    }

    @Test(arguments: Adaptivity.plainModes + [.sparse(passes: 1), .sparse(passes: 3), .sparse(passes: 100)])
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
