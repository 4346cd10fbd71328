import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let config = """
    condition: n > 0.5 +/- 0.05
    reliability: 0.9
    adaptivity: full
    steps: 8
    """

@Suite(.serialized) struct GateOutputsTests {
    @Test func scriptPredictionsJUnitAndMarkdown() throws {
        let fixture = try GateFixture(config: config + "\nscript: ./predict.sh\n")
        defer { fixture.remove() }
        let inputs = fixture.root.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try "x".write(to: inputs.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        _ = try fixture.model("good.csv", wrong: 30)
        // The script sees the inputs folder, never the key, and copies a prepared predictions file.
        let script = fixture.root.appendingPathComponent("predict.sh")
        try """
            #!/bin/sh
            test -f "$EASEML_INPUTS/a.txt" || { echo "no inputs at $EASEML_INPUTS" >&2; exit 7; }
            test -z "$EASEML_KEY_FILE" || { echo "key leaked to the script" >&2; exit 8; }
            echo "scoring..."
            cp good.csv "$EASEML_OUTPUT"
            """.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv", "--inputs", "inputs"]).status == 0)
        let result = try fixture.run(["check", "--junit", "out/junit.xml", "--markdown", "summary.md"])
        // out/ does not exist: the report cannot be opened, which is found before the charge (no
        // step is burnt with nothing shown), with a clear error.
        #expect(result.status == 2)
        #expect(result.stderr.contains("out/junit.xml"))
        #expect(try fixture.run(["status", "--json"]).stdout.contains("\"stepsUsed\" : 0"))
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("out"), withIntermediateDirectories: true)
        #expect(try fixture.run(["check", "--junit", "out/junit.xml", "--markdown", "summary.md"]).stdout.hasPrefix("PASS"))
        let replay = try fixture.run(["check", "--junit", "out/junit.xml", "--markdown", "summary.md"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.hasPrefix("PASS"))
        #expect(!replay.stdout.contains("scoring..."))
        let junit = try String(contentsOf: fixture.root.appendingPathComponent("out/junit.xml"), encoding: .utf8)
        #expect(junit.contains("<testsuites name=\"easeml-ci\" tests=\"1\" failures=\"0\" errors=\"0\">"))
        #expect(junit.contains("n &gt; 0.5 +/- 0.05"))
        let markdown = try String(contentsOf: fixture.root.appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(markdown.contains("✅ PASS"))
        #expect(markdown.contains("| steps left | 7 |"))
        #expect(markdown.contains("| replay | yes: no new charge |"))
        // A failing script's output is shown, and nothing is charged.
        try "#!/bin/sh\necho 'model exploded' >&2\nexit 3\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let failed = try fixture.run(["check"])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("exited with status 3"))
        #expect(failed.stderr.contains("model exploded"))
        #expect(try fixture.run(["status", "--json"], key: false).stdout.contains("\"stepsUsed\" : 1"))
    }

    @Test func releaseNeedsARetiredSetAndWritesTheLabels() throws {
        let fixture = try GateFixture(config: config, size: 50)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        let early = try fixture.run(["testset", "release", "", "--output", "released.csv"])
        #expect(early.status == 3)
        #expect(early.stderr.contains("retire it first"))
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("released.csv").path))
        #expect(try fixture.run(["testset", "retire", ""]).status == 0)
        #expect(try fixture.run(["testset", "release", "", "--output", "released.csv"], key: false).status == 2)
        #expect(try fixture.run(["testset", "release", "", "--output", "released.csv"]).status == 0)
        let released = try String(contentsOf: fixture.root.appendingPathComponent("released.csv"), encoding: .utf8)
        let original = try String(contentsOf: fixture.root.appendingPathComponent("labels.csv"), encoding: .utf8)
        #expect(released == original)
        #expect(try fixture.run(["ledger", "verify"], key: false).status == 0)
    }

    /// Kills `check` with SIGKILL at random moments: the ledger stays consistent, and a verdict that
    /// reached stdout always has its charge in the ledger (a later identical check is a replay).
    @Test func sigkillAtRandomPointsNeverLosesACharge() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 400
            """, size: 400)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        // Time one uninterrupted check to spread the kills over its whole run.
        let started = Date()
        // 400 fully adaptive steps on 400 examples: verdicts are mostly FAIL (exit 1), which is fine here.
        #expect([0, 1].contains(try fixture.run(["check", "--predictions", try fixture.model("warmup.csv", wrong: 5)]).status))
        let duration = Date().timeIntervalSince(started)
        var generator = SystemRandomNumberGenerator()
        // (step, verdict) of every verdict that reached stdout before the kill.
        var printed: [(step: Int, verdict: String)] = []
        for i in 0..<200 {
            let file = try fixture.model("k\(i).csv", wrong: 10 + i % 150, offset: i)
            let running = try CommandLineRunner.start(["check", "--predictions", file], in: fixture.root, environment: fixture.environment)
            usleep(UInt32(Double.random(in: 0...(duration * 1.2), using: &generator) * 1_000_000))
            kill(running.process.processIdentifier, SIGKILL)
            let result = running.finish()
            let words = result.stdout.split(separator: " ")
            if let verdict = words.first, verdict == "PASS" || verdict == "FAIL",
                let range = result.stdout.range(of: ", step "),
                let step = Int(result.stdout[range.upperBound...].prefix { $0.isNumber })
            {
                printed.append((step, verdict.lowercased()))
            }
        }
        let verify = try fixture.run(["ledger", "verify"], key: false)
        #expect(verify.status == 0, "\(verify.stdout)")
        let status = try fixture.run(["status", "--json"], key: false)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let set = try #require((report["testSets"] as? [[String: Any]])?.first)
        let evaluations = try #require(set["evaluations"] as? [[String: Any]])
        var recorded: [Int: String] = [:]
        for evaluation in evaluations { recorded[evaluation["step"] as! Int] = evaluation["verdict"] as? String }
        for verdict in printed {
            #expect(recorded[verdict.step] == verdict.verdict, "printed \(verdict) without its charge")
        }
        let used = try #require(set["stepsUsed"] as? Int)
        #expect(used == evaluations.count)
        #expect(used >= printed.count + 1)
        // Some kills land before the charge and some after: the test exercises both sides.
        #expect(printed.count > 0)
        #expect(used < 201)
        #expect(used <= 201)
    }
}
