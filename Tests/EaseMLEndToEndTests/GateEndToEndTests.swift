import EaseMLTestSupport
import Foundation
import Testing

/// A temporary git repository with `.easeml.yml`, a key and a labelled test set, driven through
/// the real `easeml-ci` binary.
struct GateFixture {
    var root: URL
    var environment: [String: String]
    var labels: [String]

    /// `size` labels drawn from `classes` with a seeded pattern; `config` is the `.easeml.yml` body.
    init(config: String, size: Int = 3000, classes: [String] = ["0", "1", "2", "3"]) throws {
        root = try CommandLineRunner.temporaryDirectory()
        environment = [:]
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try config.write(to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        labels = (0..<size).map { classes[($0 * 7 + $0 / 5) % classes.count] }
        try write("labels.csv", labels: labels)
        let key = root.appendingPathComponent("owner.key").path
        let generated = try CommandLineRunner.run(["key", "generate", "--output", key], in: root)
        guard generated.status == 0 else { throw FixtureError.setup(generated.stderr) }
        environment = ["EASEML_KEY_FILE": key]
    }

    enum FixtureError: Error { case setup(String) }

    func write(_ name: String, labels: [String]) throws {
        let text = "id,label\n" + labels.enumerated().map { "e\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n"
        try text.write(to: root.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// A model that is right on all but `wrong` examples (starting at `offset`), as a predictions file.
    func model(_ name: String, wrong: Int, offset: Int = 0, classes: [String] = ["0", "1", "2", "3"]) throws -> String {
        var predictions = labels
        for i in 0..<wrong {
            let index = (offset + i * 13) % labels.count
            let current = classes.firstIndex(of: predictions[index])!
            predictions[index] = classes[(current + 1) % classes.count]
        }
        try write(name, labels: predictions)
        return name
    }

    func run(_ arguments: [String], key: Bool = true) throws -> CommandLineRunner.Result {
        try CommandLineRunner.run(arguments, in: root, environment: key ? environment : [:])
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite(.serialized) struct GateEndToEndTests {
    @Test func thirtyTwoFullChecksThenRefusalReplaysFreeAndStatusCounts() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            mode: fp-free
            adaptivity: full
            steps: 32
            """, size: 6000)
        defer { fixture.remove() }
        let added = try fixture.run(["testset", "add", "--labels", "labels.csv", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        // `status --modes`: the steps the fresh set supports by mode, as `testset add` said.
        let modes = try fixture.run(["status", "--modes", "--json"], key: false)
        #expect(modes.status == 0, "\(modes.stderr)")
        let modesReport = try #require(try JSONSerialization.jsonObject(with: Data(modes.stdout.utf8)) as? [String: Any])
        let byMode = try #require(((modesReport["testSets"] as? [[String: Any]])?.first)?["stepsByMode"] as? [[String: Any]])
        let addedReport = try #require(try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])
        let addedByMode = try #require(addedReport["stepsByMode"] as? [[String: Any]])
        #expect(byMode.map { "\($0["adaptivity"]!)=\($0["steps"]!)" } == addedByMode.map { "\($0["adaptivity"]!)=\($0["steps"]!)" })
        let fullSteps = try #require(byMode.first { $0["adaptivity"] as? String == "full" }?["steps"] as? Int)
        let sparseSteps = try #require(byMode.first { $0["adaptivity"] as? String == "sparse:3" }?["steps"] as? Int)
        #expect(fullSteps >= 32 && sparseSteps > fullSteps, "\(byMode)")
        let modesText = try fixture.run(["status", "--modes"], key: false)
        #expect(modesText.stdout.contains("  by mode     none"), "\(modesText.stdout)")
        #expect(modesText.stdout.contains("full (this set) \(fullSteps)"), "\(modesText.stdout)")
        var passes = 0
        for i in 0..<32 {
            // Alternate good (10 % wrong) and bad (70 % wrong) models; each file is different.
            let wrong = i % 2 == 0 ? 600 + i : 4200 + i
            let file = try fixture.model("m\(i).csv", wrong: wrong, offset: i)
            let result = try fixture.run(["check", "--predictions", file, "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["step"] as? Int == i + 1)
            #expect(object["stepsLeft"] as? Int == 31 - i)
            #expect(object["replay"] as? Bool == false)
            #expect(result.status == (i % 2 == 0 ? 0 : 1), "check \(i): \(result.stdout) \(result.stderr)")
            if result.status == 0 { passes += 1 }
        }
        #expect(passes == 16)
        // Asking again about the last (failed) model replays its verdict for free, even now that
        // the set is exhausted: the old model (the last accepted one) has not changed.
        let replay = try fixture.run(["check", "--predictions", "m31.csv", "--json"])
        #expect(replay.status == 1)
        #expect(replay.stdout.contains("\"replay\" : true"))
        #expect(replay.stdout.contains("\"stepsLeft\" : 0"))
        let exhausted = try fixture.run(["check", "--predictions", try fixture.model("m32.csv", wrong: 100, offset: 99)])
        #expect(exhausted.status == 3)
        #expect(exhausted.stdout.contains("REFUSED"))
        #expect(exhausted.stdout.contains("32 steps are used up"))
        let status = try fixture.run(["status", "--json"], key: false)
        #expect(status.status == 0, "\(status.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let set = try #require((report["testSets"] as? [[String: Any]])?.first)
        #expect(set["stepsUsed"] as? Int == 32)
        #expect(set["stepsLeft"] as? Int == 0)
        #expect((set["evaluations"] as? [Any])?.count == 32)
        #expect(set["bitsUsed"] as? Double == 32)
        #expect(set["evaluationCount"] as? Int == 32)
        // Paged: the newest three, oldest first; the text says what it left out. An exhausted set
        // has no steps left to size by mode.
        let paged = try fixture.run(["status", "--json", "--limit", "3", "--modes"], key: false)
        let pagedSet = try #require(((try JSONSerialization.jsonObject(with: Data(paged.stdout.utf8)) as? [String: Any])?["testSets"] as? [[String: Any]])?.first)
        #expect((pagedSet["evaluations"] as? [[String: Any]])?.compactMap { $0["step"] as? Int } == [30, 31, 32])
        #expect(pagedSet["evaluationCount"] as? Int == 32 && pagedSet["stepsByMode"] == nil)
        let pagedText = try fixture.run(["status", "--limit", "3"], key: false)
        #expect(pagedText.stdout.contains("(the newest 3 of 32 evaluations; `--limit` shows more)"), "\(pagedText.stdout)")
        #expect(try fixture.run(["status", "--limit", "-1"], key: false).status == 2)
        // 50 events of the gate, and each of the 34 answered checks (32, the replay, the refusal)
        // as a lineage run.
        let structure = try fixture.run(["ledger", "verify"], key: false)
        #expect(structure.status == 0)
        #expect(structure.stdout.hasPrefix("Ledger structure OK: 84 events") && structure.stdout.contains("structure only"), "\(structure.stdout)")
        let verify = try fixture.run(["ledger", "verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("Ledger OK and authentic: 84 events"), "\(verify.stdout)")
        let lineage = try fixture.run(["lineage", "--json"], key: false)
        let runs = try #require((try JSONSerialization.jsonObject(with: Data(lineage.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(runs.filter { $0["step"] as? String == "check" }.count == 34)
        #expect(runs.contains { ($0["decision"] as? String)?.hasPrefix("REFUSED") == true })
    }

    @Test func replayDoesNotChargeAndFirstChangeRetiresOnFirstPass() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: firstChange
            steps: 5
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        let bad = try fixture.model("bad.csv", wrong: 2500)
        #expect(try fixture.run(["check", "--predictions", bad]).status == 1)
        let again = try fixture.run(["check", "--predictions", bad, "--json"])
        #expect(again.status == 1)
        #expect(again.stdout.contains("\"replay\" : true"))
        #expect(again.stdout.contains("\"stepsLeft\" : 4"))
        let good = try fixture.model("good.csv", wrong: 30)
        let pass = try fixture.run(["check", "--predictions", good])
        #expect(pass.status == 0)
        #expect(pass.stdout.hasPrefix("PASS"))
        let after = try fixture.run(["check", "--predictions", try fixture.model("other.csv", wrong: 40, offset: 3)])
        #expect(after.status == 3)
        #expect(after.stderr.contains("every registered test set is retired"))
        let status = try fixture.run(["status"], key: false)
        #expect(status.stdout.contains("retired (first pass)"))
        #expect(status.stdout.contains("steps       2 used, 3 left of 5"))
    }

    /// `sparse:2`: every verdict is shown, fails do not retire, the second pass does; the budget
    /// is log₂(1 + 6 + 15) bits over 6 steps, not 6. A bad B is a configuration error.
    @Test func sparseRetiresAtTheBthPass() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: sparse:2
            steps: 6
            """)
        defer { fixture.remove() }
        let added = try fixture.run(["testset", "add", "--labels", "labels.csv"])
        #expect(added.status == 0, "\(added.stderr)")
        // The registration shows the steps this set supports under every mode, its own included.
        #expect(added.stdout.contains("Steps it supports by adaptivity: none ≥ 1,000,000 · firstChange ≥ 1,000,000 · sparse:3 "), "\(added.stdout)")
        #expect(added.stdout.contains(" · sparse:2 ") && added.stdout.contains(" · full "))
        #expect(try fixture.run(["check", "--predictions", try fixture.model("bad.csv", wrong: 2500)]).status == 1)
        let first = try fixture.run(["check", "--predictions", try fixture.model("good.csv", wrong: 30)])
        #expect(first.status == 0 && first.stdout.hasPrefix("PASS"), "\(first.stdout)\(first.stderr)")
        #expect(try fixture.run(["check", "--predictions", try fixture.model("bad2.csv", wrong: 2600, offset: 5)]).status == 1)
        let second = try fixture.run(["check", "--predictions", try fixture.model("better.csv", wrong: 20, offset: 7)])
        #expect(second.status == 0 && second.stdout.hasPrefix("PASS"), "\(second.stdout)\(second.stderr)")
        let after = try fixture.run(["check", "--predictions", try fixture.model("late.csv", wrong: 10, offset: 9)])
        #expect(after.status == 3)
        #expect(after.stderr.contains("every registered test set is retired"))
        let status = try fixture.run(["status"], key: false)
        #expect(status.stdout.contains("retired (pass 2 of 2)"), "\(status.stdout)")
        #expect(status.stdout.contains("adaptivity sparse:2"))
        #expect(status.stdout.contains("steps       4 used, 2 left of 6"), "\(status.stdout)")
        let json = try fixture.run(["status", "--json"], key: false)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let set = try #require((report["testSets"] as? [[String: Any]])?.first)
        let bits = (set["bitsUsed"] as? Double ?? 0) + (set["bitsLeft"] as? Double ?? 0)
        #expect(abs(bits - log2(22.0)) < 1e-6, "\(set)")

        let wrong = try GateFixture(config: "condition: n > 0.5 +/- 0.05\nreliability: 0.9\nadaptivity: sparse:0\n")
        defer { wrong.remove() }
        let refused = try wrong.run(["plan"], key: false)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("sparse:B"), "\(refused.stderr)")
    }

    /// `ladder:0.1 floor:0.5`: a model that meets the condition still fails unless its accuracy
    /// on the set clears the best accepted one by 0.1 (and the floor); the budget is that of
    /// `sparse:5`; the bar and the accuracies are never printed.
    @Test func ladderPassesOnlyOnAGainOverTheBestAccepted() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: ladder:0.1 floor:0.5
            steps: 6
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        // Accuracy 0.70 ≥ 0.5 + 0.1: pass.
        let first = try fixture.run(["check", "--predictions", try fixture.model("a.csv", wrong: 900)])
        #expect(first.status == 0 && first.stdout.hasPrefix("PASS"), "\(first.stdout)\(first.stderr)")
        // Accuracy 0.75 meets the condition but not 0.70 + 0.1: fail, and nothing exact is shown.
        let second = try fixture.run(["check", "--predictions", try fixture.model("b.csv", wrong: 750, offset: 1)])
        #expect(second.status == 1 && second.stdout.hasPrefix("FAIL"), "\(second.stdout)\(second.stderr)")
        for secret in ["0.75", "0.8", "0.7"] { #expect(!second.stdout.contains(secret) && !second.stderr.contains(secret)) }
        // Accuracy 0.85 clears 0.8: pass.
        let third = try fixture.run(["check", "--predictions", try fixture.model("c.csv", wrong: 450, offset: 2)])
        #expect(third.status == 0 && third.stdout.hasPrefix("PASS"), "\(third.stdout)\(third.stderr)")
        let status = try fixture.run(["status", "--json"], key: false)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let set = try #require((report["testSets"] as? [[String: Any]])?.first)
        #expect(set["adaptivity"] as? String == "ladder:0.1 floor:0.5")
        let bits = (set["bitsUsed"] as? Double ?? 0) + (set["bitsLeft"] as? Double ?? 0)
        #expect(abs(bits - log2(63.0)) < 1e-6, "\(set)")  // Σ_{i≤5} C(6, i): at most 5 passes
    }

    @Test func adaptivityNoneRevealsNothingToTheDeveloper() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: none
            steps: 3
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        for (name, wrong) in [("a.csv", 2500), ("b.csv", 30)] {
            let result = try fixture.run(["check", "--predictions", try fixture.model(name, wrong: wrong)])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("RECORDED"))
            #expect(!result.stdout.contains("PASS") && !result.stdout.contains("FAIL"))
        }
        let status = try fixture.run(["status"], key: false)
        #expect(status.stdout.contains("hidden"))
        #expect(!status.stdout.contains(" pass") && !status.stdout.contains(" fail"))
    }

    @Test func concurrentChecksNeverOverspend() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 8
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        let files = try (0..<32).map { try fixture.model("c\($0).csv", wrong: 100 + $0, offset: $0) }
        let running = try files.map { try CommandLineRunner.start(["check", "--predictions", $0], in: fixture.root, environment: fixture.environment) }
        let results = running.map { $0.finish() }
        #expect(results.filter { $0.status == 0 }.count == 8, "\(results.map(\.status))")
        #expect(results.filter { $0.status == 3 }.count == 24)
        let status = try fixture.run(["status", "--json"], key: false)
        #expect(status.stdout.contains("\"stepsUsed\" : 8"))
        #expect(try fixture.run(["ledger", "verify"], key: false).status == 0)
    }

    @Test func badInputAndMissingKeyLeaveTheLedgerUntouched() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 8
            """)
        defer { fixture.remove() }
        let noKey = try fixture.run(["testset", "add", "--labels", "labels.csv"], key: false)
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("no sealing key"))
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        try "id,label\ne0,1\n".write(to: fixture.root.appendingPathComponent("short.csv"), atomically: true, encoding: .utf8)
        let short = try fixture.run(["check", "--predictions", "short.csv"])
        #expect(short.status == 2)
        #expect(short.stderr.contains("1 predictions for a test set of 3000 examples"))
        // (A predicted class the test set does not have is no bad input: it counts as wrong, see
        // GateAdversaryTests.nothingIsLearnedOrSpentBeforeTheCharge.)
        try "id,label\ne0,nan\n".write(to: fixture.root.appendingPathComponent("nan.csv"), atomically: true, encoding: .utf8)
        let nan = try fixture.run(["check", "--predictions", "nan.csv"])
        #expect(nan.status == 2)
        #expect(nan.stderr.contains("nan.csv:2:4: error: missing label"))
        let wrongKey = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: wrongKey) }
        let otherKey = wrongKey.appendingPathComponent("other.key").path
        _ = try CommandLineRunner.run(["key", "generate", "--output", otherKey])
        let denied = try CommandLineRunner.run(["check", "--predictions", try fixture.model("ok.csv", wrong: 3)], in: fixture.root, environment: ["EASEML_KEY_FILE": otherKey])
        #expect(denied.status == 2)
        #expect(denied.stderr.contains("does not open with this key"))
        let status = try fixture.run(["status", "--json"], key: false)
        #expect(status.stdout.contains("\"stepsUsed\" : 0"))
        #expect(try fixture.run(["ledger", "verify"], key: false).status == 0)
    }

    @Test func labelsAndMetricsNeverReachTheOutput() throws {
        // Labels made of unique canary tokens; the model predicts them too (it is the developer's
        // own output), but the *test-set* ids and the accuracy must never be printed.
        let canaries = (0..<4).map { "canary\($0)-\(UUID().uuidString)" }
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 4
            """, classes: canaries)
        defer { fixture.remove() }
        var outputs: [CommandLineRunner.Result] = []
        outputs.append(try fixture.run(["testset", "add", "--labels", "labels.csv"]))
        outputs.append(try fixture.run(["testset", "add", "--labels", "labels.csv", "--json"]))
        let model = try fixture.model("m.csv", wrong: 333, classes: canaries)
        outputs.append(try fixture.run(["check", "--predictions", model]))
        outputs.append(try fixture.run(["check", "--predictions", model, "--json"]))
        outputs.append(try fixture.run(["status"], key: false))
        outputs.append(try fixture.run(["status", "--json"], key: false))
        outputs.append(try fixture.run(["testset", "list"], key: false))
        outputs.append(try fixture.run(["ledger", "verify", "--json"], key: false))
        // m.csv is right on 2,667 of 3,000 examples: accuracy 0.889.
        let accuracy = ["0.889", "88.9", "2667", "2,667"]
        for output in outputs {
            let text = output.stdout + output.stderr
            for canary in canaries { #expect(!text.contains(canary), "\(text)") }
            for value in accuracy { #expect(!text.contains(value), "\(text)") }
        }
        // On disk, outside the sealed store (the ledger), only the files the user wrote hold canaries.
        let labelBytes = try Data(contentsOf: fixture.root.appendingPathComponent("labels.csv"))
        #expect(String(decoding: labelBytes, as: UTF8.self).contains(canaries[0]))
        let files = try FileManager.default.contentsOfDirectory(atPath: fixture.root.path)
            .filter { !["labels.csv", "m.csv", ".git", ".easeml.yml", "owner.key"].contains($0) }
        #expect(files.isEmpty, "unexpected files \(files)")
    }
}
