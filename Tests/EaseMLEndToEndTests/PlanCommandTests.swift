import EaseMLTestSupport
import Foundation
import Testing

@Suite(.serialized) struct PlanCommandTests {
    @Test func planReadsEaseMLYmlFromAParentFolderAndChoosesExact() throws {
        let root = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try """
        condition: n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01
        reliability: 0.999
        mode: fp-free
        adaptivity: full
        steps: 32
        """.write(to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let nested = root.appendingPathComponent("models/v2")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let result = try CommandLineRunner.run(["plan", "--compare"], in: nested)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("▶"))
        #expect(result.stdout.contains("Chosen: exact"))
        #expect(result.stdout.contains("original ease.ml/ci"))
        #expect(result.stdout.contains("p = 0.1"))
    }

    @Test func planJSONIsMachineReadable() throws {
        let result = try CommandLineRunner.run([
            "plan", "--condition", "n > 0.8 +/- 0.05", "--reliability", "0.999", "--steps", "32",
            "--adaptivity", "full", "--json", "--test-size", "5818",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let plan = try #require(object["plan"] as? [String: Any])
        #expect(plan["chosen"] as? String == "exact")
        let methods = try #require(plan["methods"] as? [[String: Any]])
        let hoeffding = try #require(methods.first { $0["method"] as? String == "hoeffding" })
        #expect(hoeffding["sampleSize"] as? Int == 5818)
        let exact = try #require(methods.first { $0["method"] as? String == "exact" })
        #expect(exact["sampleSize"] as? Int == 2604)
        let hoeffdingSteps = try #require(object["supportedStepsHoeffding"] as? [String: Any])
        #expect(hoeffdingSteps["steps"] as? Int == 32)
        let steps = try #require(object["supportedSteps"] as? [String: Any])
        #expect((steps["steps"] as? Int ?? 0) > 32)
        // Steps per mode, side by side: full's entry is the sentence's number; sparse modes
        // (fewer transcripts) support more, the fewer passes they allow the more.
        let modes = try #require(object["stepsByMode"] as? [[String: Any]])
        func supported(_ mode: String) throws -> Int { try #require(modes.first { $0["adaptivity"] as? String == mode }?["steps"] as? Int) }
        #expect(modes.map { $0["adaptivity"] as? String ?? "" } == ["none", "firstChange", "sparse:3", "sparse:5", "sparse:10", "full"])
        #expect(try supported("full") == steps["steps"] as? Int)
        #expect(try supported("sparse:10") > supported("full"))
        #expect(try supported("sparse:5") > supported("sparse:10"))
        // The newcomer's question: 5,818 examples test n > 0.8 at a tolerance below the written 0.05.
        let tolerances = try #require(object["smallestTolerances"] as? [[String: Any]])
        let smallest = try #require(tolerances.first?["smallest"] as? Double)
        #expect(smallest < 0.05 && smallest > 0.02, "\(smallest)")
    }

    /// `n - o` without a `d` clause: the expected disagreement (file or flag) sizes the set, is
    /// printed as an assumption and is in the JSON; a bad value is a usage error naming the flag.
    @Test func expectedDisagreementSizesAnUnboundedPairedClause() throws {
        let root = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "condition: n - o > 0.01 +/- 0.01\nreliability: 0.99\nadaptivity: full\nsteps: 4\nexpected_disagreement: 0.084\n"
            .write(to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let text = try CommandLineRunner.run(["plan"], in: root)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("Assumes      the models differ in correctness on 0.084"))
        #expect(text.stdout.contains("needs N = 9,9"), "\(text.stdout)")
        let json = try CommandLineRunner.run(["plan", "--json", "--expected-disagreement", "0.2"], in: root)
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let plan = try #require(object["plan"] as? [String: Any])
        #expect(plan["expectedDisagreement"] as? Double == 0.2)
        let methods = try #require(plan["methods"] as? [[String: Any]])
        let exact = try #require(methods.first { $0["method"] as? String == "exact" })
        // More disagreement, more noise: the flag's 0.2 needs more than the file's 0.084.
        #expect((exact["sampleSize"] as? Int ?? 0) > 20_000)
        let bad = try CommandLineRunner.run(["plan", "--expected-disagreement", "1.5"], in: root)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--expected-disagreement"))
    }

    /// `testset add` sizes the set as `plan` does: a set of the size the expected disagreement
    /// plans for is accepted (it was refused as sized for disagreement everywhere), and the
    /// assumption is no part of the registered question, so `check` from a file without it works.
    @Test func testSetAddSizesWithTheExpectedDisagreement() throws {
        let config = "condition: n - o > 0.05 +/- 0.05\nreliability: 0.9\nadaptivity: full\nsteps: 2\nexpected_disagreement: 0.1\n"
        let fixture = try GateFixture(config: config, size: 1)
        defer { fixture.remove() }
        func plannedSize(_ arguments: [String]) throws -> Int {
            let result = try fixture.run(["plan", "--json"] + arguments)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let plan = try #require(object["plan"] as? [String: Any])
            let methods = try #require(plan["methods"] as? [[String: Any]])
            return try #require(methods.first { $0["method"] as? String == plan["chosen"] as? String }?["sampleSize"] as? Int)
        }
        let planned = try plannedSize([])
        #expect(planned < (try plannedSize(["--expected-disagreement", "1"])))
        try fixture.write("labels.csv", labels: (0..<planned).map { ["0", "1", "2", "3"][$0 % 4] })
        let added = try fixture.run(["testset", "add", "--labels", "labels.csv"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("The plan (exact) needs \(planned.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US"))))"), "\(added.stdout)")
        // `testset amend` sizes the new question with the assumption too: without it the set is far
        // too small for the amended condition; with it, the amendment is recorded.
        let amended = config.replacingOccurrences(of: "0.05 +/- 0.05", with: "0.05 +/- 0.06")
        try amended.replacingOccurrences(of: "expected_disagreement: 0.1\n", with: "")
            .write(to: fixture.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let refused = try fixture.run(["testset", "amend"])
        #expect(refused.status != 0 && refused.stderr.contains("needs"), "\(refused.stdout) \(refused.stderr)")
        try amended.write(to: fixture.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let recorded = try fixture.run(["testset", "amend"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(try fixture.run(["status"]).status == 0)
        // A developer's .easeml.yml may state another expected disagreement, or none: it is no part
        // of the question, so `check` neither refuses it nor decides differently (the same model is
        // a free replay of the same answer). The model is worse than the baseline, so its FAIL
        // leaves the baseline where it is and the question of every re-check is the same.
        let labels = (0..<planned).map { ["0", "1", "2", "3"][$0 % 4] }
        func model(_ name: String, wrongEvery: Int) throws {
            try fixture.write(name, labels: labels.enumerated().map { $0.offset % wrongEvery == 0 ? (($0.element == "0") ? "1" : "0") : $0.element })
        }
        try model("base.csv", wrongEvery: 5)
        try model("new.csv", wrongEvery: 4)
        #expect(try fixture.run(["baseline", "set", "--predictions", "base.csv", "--branch", "main"]).status == 0)
        let first = try fixture.run(["check", "--predictions", "new.csv", "--branch", "main", "--json"])
        #expect(first.status == 1 && first.stdout.contains("\"replay\" : false"), "\(first.stdout) \(first.stderr)")
        for stated in [amended.replacingOccurrences(of: "0.1\n", with: "0.9\n"), amended.replacingOccurrences(of: "expected_disagreement: 0.1\n", with: "")] {
            try stated.write(to: fixture.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
            let again = try fixture.run(["check", "--predictions", "new.csv", "--branch", "main", "--json"])
            #expect(again.status == first.status && again.stdout.contains("\"replay\" : true"), "\(first.stdout) → \(again.stdout) \(again.stderr)")
        }
    }

    /// Inside a repository a solved plan is kept in .git/easeml/plan-cache and answered from there;
    /// a damaged entry is recomputed (same answer) and rewritten; another question is another
    /// entry; `--no-cache` neither reads nor writes.
    @Test func solvedPlansAreCachedByQuestionAndSurviveDamage() throws {
        let root = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent(".git"), withIntermediateDirectories: true)
        try "condition: n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01\nreliability: 0.999\nsteps: 32\n"
            .write(to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let folder = root.appendingPathComponent(".git/easeml/plan-cache")
        func entries() throws -> [URL] {
            (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        }
        let first = try CommandLineRunner.run(["plan", "--json"], in: root)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try entries().count == 1)
        let second = try CommandLineRunner.run(["plan", "--json"], in: root)
        #expect(second.stdout == first.stdout)
        // A damaged entry: the same answer, and the entry is valid JSON again.
        let entry = try #require(try entries().first)
        try Data("{ not json".utf8).write(to: entry)
        let repaired = try CommandLineRunner.run(["plan", "--json"], in: root)
        #expect(repaired.status == 0 && repaired.stdout == first.stdout)
        #expect((try? JSONSerialization.jsonObject(with: Data(contentsOf: entry))) != nil)
        // Another question, another entry; --no-cache adds none.
        #expect(try CommandLineRunner.run(["plan", "--steps", "33"], in: root).status == 0)
        #expect(try entries().count == 2)
        #expect(try CommandLineRunner.run(["plan", "--steps", "34", "--no-cache"], in: root).status == 0)
        #expect(try entries().count == 2)
    }

    @Test func badConditionIsAUsageErrorWithACaret() throws {
        let result = try CommandLineRunner.run(["plan", "--condition", "n - acc > 0.02 +/- 0.01"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("1:5: error:"))
        #expect(result.stderr.contains("    ^~~"))
        #expect(result.stdout.isEmpty)
    }

    @Test func configErrorNamesTheFileAndLine() throws {
        let root = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try "condition: n > 0.8 +/- 0.05\nreliabilty: 0.99\n".write(
            to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let result = try CommandLineRunner.run(["plan"], in: root)
        #expect(result.status == 2)
        #expect(result.stderr.contains(".easeml.yml:2:1: error:"))
        #expect(result.stderr.contains("reliability"))
    }

    @Test func missingConfigurationAndBadFlagsExitWithTwo() throws {
        let root = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = try CommandLineRunner.run(["plan"], in: root)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no .easeml.yml found"))
        let badMode = try CommandLineRunner.run(["plan", "--condition", "n > 0.5 +/- 0.1", "--mode", "fp_free"])
        #expect(badMode.status == 2)
        #expect(badMode.stderr.contains("--mode"))
    }

    @Test func helpTeachesExitCodesAndExamples() throws {
        let result = try CommandLineRunner.run(["plan", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit codes: 0"))
        #expect(result.stdout.contains("--test-size"))
        #expect(result.stdout.contains("Examples:"))
    }

    @Test func versionReportsLinkedLibraries() throws {
        let result = try CommandLineRunner.run(["version", "--json"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        #expect(object["sqlite"]?.hasPrefix("3.") == true)
        #expect(object["libgit2"]?.isEmpty == false)
    }
}
