import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci automl plan` with the real binary: the space, budget, limits, policy, prior and data
/// check as `automl run` would see them, and nothing run.
@Suite(.serialized) struct AutoMLPlanTests {
    @Test func thePlanShowsALearnedPriorAndCostsFromTheLedgerAndRunsNothing() throws {
        let folder = try AutoMLHistoryTests.workspace(policy: "cost_gap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ledger.sqlite").path
        let ledger = try Ledger.open(at: path, create: true)
        try AutoMLHistoryTests.recordHistory(ledger)
        let text = try CommandLineRunner.run(["automl", "plan", "--ledger", path], in: folder)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("automl plan: 4 arms, nothing is run"))
        #expect(text.stdout.contains("fake[x=3]  fake       x=3"), "\(text.stdout)")
        #expect(text.stdout.contains("budget:    2 trials"))
        #expect(text.stdout.contains("policy:    cost_gap\n"))
        #expect(text.stdout.contains("prior:     learned from 4 earlier runs"))
        #expect(text.stdout.contains("costs:     expected from past trials"))
        #expect(text.stdout.contains("data check: ok"))

        let json = try CommandLineRunner.run(["automl", "plan", "--json", "--ledger", path], in: folder)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let arms = try #require(object["arms"] as? [[String: Any]])
        #expect(arms.map { $0["key"] as? String } == ["fake[x=1]", "fake[x=2]", "fake[x=3]", "fake[x=4]"])
        #expect(abs((arms[1]["priorMean"] as? Double ?? 0) - 0.85) < 1e-9)
        #expect(abs((arms[2]["expectedSeconds"] as? Double ?? 0) - 0.1) < 1e-9)
        #expect(object["priorLearned"] as? Bool == true && object["costsKnown"] as? Bool == true)
        #expect(object["effectivePolicy"] as? String == "cost_gap")
        #expect(object["dataCheckPassed"] as? Bool == true)
        let paths = try CommandLineRunner.run(["automl", "plan", "--paths", "--ledger", path], in: folder)
        #expect(paths.status == 0, "\(paths.stderr)")
        let root = folder.standardizedFileURL.path
        #expect(paths.stdout == [".easeml.yml", "train.csv", "trial.sh", "valid.csv"].map { "\(root)/\($0)\n" }.joined(), "\(paths.stdout)")
        #expect(try ledger.automlRunIDs().count == 4)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".easeml/automl").path))
    }

    @Test func withoutHistoryAndOnATestSetThePlanSaysSo() throws {
        let folder = try AutoMLHistoryTests.workspace(policy: "cost_gap")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ledger.sqlite").path
        let empty = try CommandLineRunner.run(["automl", "plan", "--ledger", path], in: folder)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("policy:    max_gap (cost_gap needs expected costs)"), "\(empty.stdout)")
        #expect(empty.stdout.contains("prior:     independent arms (0 earlier runs with scores: too little history)"))
        #expect(empty.stdout.contains("costs:     unknown"))
        #expect(!FileManager.default.fileExists(atPath: path), "a plan only reads: no ledger file is created")

        let ledger = try Ledger.open(at: path, create: true)
        ledger.authenticate(with: LedgerKey(ownerKey: Data(repeating: 1, count: 32)))
        try ledger.registerTestSet(NewTestSet(
            id: "ts1", name: "holdout", size: 1, classes: ["a"], steps: 1, adaptivity: .full, reliability: 0.99, condition: "n > 0.8 +/- 0.05",
            plannedSize: 1, sealedLabels: Data([1]), inputsPath: folder.appendingPathComponent("valid.csv").path))
        let refused = try CommandLineRunner.run(["automl", "plan", "--json", "--ledger", path], in: folder)
        #expect(refused.status == 0, "\(refused.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [String: Any])
        #expect(object["dataCheckPassed"] as? Bool == false)
        #expect((object["dataCheck"] as? String)?.contains("valid.csv is the same file as the registered test set holdout") == true, "\(refused.stdout)")
    }
}
