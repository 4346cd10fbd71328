import EaseMLCI
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

/// `automl run` learns its GP prior and expected costs from the ledger's earlier runs (real binary,
/// real SQLite ledger, earlier runs recorded through the ledger's API).
///
/// Earlier runs of the four arms x=1…4 (scores; seconds):
/// x=1 always 0.5 (1 s); x=2 0.8/0.9 (1 s); x=3 0.70–0.78 (0.1 s); x=4 0.75–0.83 (10 s), x=3 and x=4
/// uncorrelated with x=2. With that prior, GP-UCB runs x=2 (the highest prior mean) first; after
/// its 0.8, `max_gap` runs x=4 (the higher mean) and `cost_gap` the 100× cheaper x=3. Without
/// history, the arms are independent and equal: x=1 first, and `cost_gap` runs as `max_gap`.
@Suite(.serialized) struct AutoMLHistoryTests {
    static let script = """
        #!/bin/sh
        case "$1" in 1) s=0.5 ;; 2) s=0.8 ;; 3) s=0.74 ;; 4) s=0.79 ;; esac
        echo "EASEML_RESULT {\\"score\\": $s}"
        """
    static let history: [[Double]] = [[0.5, 0.8, 0.7, 0.75], [0.5, 0.9, 0.7, 0.75], [0.5, 0.8, 0.78, 0.83], [0.5, 0.9, 0.78, 0.83]]
    static let seconds: [Double] = [1, 1, 0.1, 10]

    static func workspace(policy: String) throws -> URL {
        try AutoMLWorkspace.make(script: script, automl: """
            train: train.csv
            valid: valid.csv
            budget: {trials: 2}
            policy: \(policy)
            candidates:
              - name: fake
                command: ./trial.sh {x}
                grid: {x: [1, 2, 3, 4]}
            """)
    }

    /// Records the earlier runs as finished runs in the ledger (trial scores and seconds).
    static func recordHistory(_ ledger: Ledger) throws {
        let arms = (1...4).map { x in
            AutoMLArmRecord(position: x - 1, key: "fake[x=\(x)]", candidate: "fake", parameters: "{\"x\":\"\(x)\"}", command: "[\"./trial.sh\",\"{x}\"]")
        }
        for (r, scores) in history.enumerated() {
            let id = "run-\(r + 1)"
            try ledger.createAutoMLRun(NewAutoMLRun(
                id: id, tenant: "earlier-\(r)", policy: "round_robin", seed: 1, metric: "score", spaceHash: "earlier", budgetTrials: nil,
                budgetSeconds: nil, arms: arms))
            for (arm, score) in scores.enumerated() {
                let trial = try ledger.startAutoMLTrial(run: id, arm: arm, logPath: "/dev/null")
                try ledger.finishAutoMLTrial(id: trial.id, state: .ok, score: score, seconds: seconds[arm], reason: nil, runElapsedSeconds: 0)
            }
            try ledger.finishAutoMLRun(id: id, elapsedSeconds: 0)
        }
    }

    /// Runs `automl run` and returns its output and the arms of the new run's trials, in order.
    static func search(policy: String, history: Bool) throws -> (stdout: String, arms: [Int]) {
        let folder = try workspace(policy: policy)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ledger.sqlite").path
        let ledger = try Ledger.open(at: path, create: true)
        if history { try recordHistory(ledger) }
        let result = try CommandLineRunner.run(["automl", "run", "--ledger", path], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let run = try #require(try ledger.automlRunIDs().last)
        return (result.stdout, try ledger.automlTrials(run: run).map(\.arm))
    }

    @Test func theLearnedPriorRunsThePromisingArmFirstAndCostGapTheCheapOneNext() throws {
        let costGap = try Self.search(policy: "cost_gap", history: true)
        #expect(costGap.stdout.contains("run-5: prior learned from 4 earlier runs, expected costs from past trials; policy cost_gap"), "\(costGap.stdout)")
        #expect(costGap.arms == [1, 2])
        let maxGap = try Self.search(policy: "max_gap", history: true)
        #expect(maxGap.arms == [1, 3])
    }

    @Test func withoutHistoryTheArmsAreIndependentAndCostGapRunsAsMaxGap() throws {
        let result = try Self.search(policy: "cost_gap", history: false)
        #expect(result.stdout.contains("run-1: independent arms (0 earlier runs with scores: too little history), no cost known; policy max_gap"), "\(result.stdout)")
        #expect(result.arms == [0, 1])
    }

    @Test func theHistoryMatchesArmsByKeyAndSkipsTheRunItself() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger.open(at: folder.appendingPathComponent("ledger.sqlite").path, create: true)
        try Self.recordHistory(ledger)
        // Keys in another order and one unknown arm: columns follow the keys asked for.
        let history = try AutoMLHistory.load(ledger: ledger, armKeys: ["fake[x=3]", "other", "fake[x=1]"], before: "run-4")
        #expect(history.runs == ["run-1", "run-2", "run-3"])
        #expect(history.scores.map { $0[0] } == [0.7, 0.7, 0.78])
        #expect(history.scores.allSatisfy { $0[1] == nil && $0[2] == 0.5 })
        let costs = try #require(try history.expectedCosts(armCount: 3))
        #expect(abs(costs[0] - 0.1) < 1e-12 && abs(costs[2] - 1) < 1e-12 && abs(costs[1] - 0.55) < 1e-12)
        #expect(try history.prior(armCount: 3).learned)
        #expect(try AutoMLHistory.load(ledger: ledger, armKeys: ["fake[x=1]"], before: "run-2").runs == ["run-1"])
        #expect(try !AutoMLHistory.load(ledger: ledger, armKeys: ["fake[x=1]"], before: "run-2").prior(armCount: 1).learned)
    }
}
