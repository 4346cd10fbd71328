import EaseMLTestSupport
import Foundation
import Testing

/// A temporary repository with `.easeml.yml`, the owner's key and a labelled test set, driven
/// through the real `easeml-ci` binary (the same setup as the gate's end-to-end tests).
extension GateFixture {
    /// A second, different key in a folder of its own.
    func otherKey() throws -> (path: String, folder: URL) {
        let folder = try CommandLineRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("other.key").path
        _ = try CommandLineRunner.run(["key", "generate", "--output", path])
        return (path, folder)
    }

    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
    }
}

@Suite(.serialized) struct OwnerViewEndToEndTests {
    @Test func reportShowsTheHiddenVerdictsOfNoneAndTheirMetricsWithTheKey() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: none
            steps: 3
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        // 2,500 of 3,000 wrong: accuracy 1/6, a fail; 30 wrong: accuracy 0.99, a pass.
        for (name, wrong) in [("a.csv", 2500), ("b.csv", 30)] {
            let check = try fixture.run(["check", "--predictions", try fixture.model(name, wrong: wrong)])
            #expect(check.stdout.hasPrefix("RECORDED"), "\(check.stdout)")
        }
        let json = try fixture.run(["report", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let set = try #require((report["testSets"] as? [[String: Any]])?.first)
        #expect(set["adaptivity"] as? String == "none")
        let evaluations = try #require(set["evaluations"] as? [[String: Any]])
        #expect(evaluations.count == 2)
        let expected: [(verdict: String, estimate: Double, truth: String)] = [("fail", 500.0 / 3000, "false"), ("pass", 2970.0 / 3000, "true")]
        for (evaluation, want) in zip(evaluations, expected) {
            #expect(evaluation["verdict"] as? String == want.verdict)
            #expect(evaluation["revealedToDeveloper"] as? Bool == false)
            let metrics = try #require(evaluation["metrics"] as? [String: Any])
            #expect(metrics["passed"] as? Bool == (want.verdict == "pass"))
            let clause = try #require((metrics["clauses"] as? [[String: Any]])?.first)
            let estimate = try #require(clause["estimate"] as? Double)
            #expect(abs(estimate - want.estimate) < 1e-12, "estimate \(estimate)")
            #expect(clause["truth"] as? String == want.truth)
            let lower = try #require(clause["lower"] as? Double), upper = try #require(clause["upper"] as? Double)
            #expect(lower < estimate && estimate < upper)
        }
        let text = try fixture.run(["report"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("FAIL  (hidden from developers)"))
        #expect(text.stdout.contains("PASS  (hidden from developers)"))
        #expect(text.stdout.contains("estimate 0.99  interval ["), "\(text.stdout)")
        #expect(text.stdout.contains("estimate 0.1667  interval ["))
        // The developer's view of the same ledger still hides both.
        let status = try fixture.run(["status"], key: false)
        #expect(!status.stdout.contains(" pass") && !status.stdout.contains(" fail") && !status.stdout.contains("0.99"))
        let help = try fixture.run(["report", "--help"], key: false)
        #expect(help.stdout.contains("only command that prints metrics"))
    }

    @Test func reportRefusesWithoutTheKeyOrWithAWrongKeyAndRevealsNothing() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 4
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        let other = try fixture.otherKey()
        defer { try? FileManager.default.removeItem(at: other.folder) }
        // No evaluation yet: the wrong key is still recognised (the labels do not open).
        let early = try CommandLineRunner.run(["report"], in: fixture.root, environment: ["EASEML_KEY_FILE": other.path])
        #expect(early.status == 2)
        #expect(early.stdout.isEmpty)
        #expect(early.stderr.contains("does not open with this key"))
        #expect(try fixture.run(["check", "--predictions", try fixture.model("m.csv", wrong: 333)]).status == 0)
        // Under --json the error is the JSON object on standard output, and nothing else is printed.
        let missing = try fixture.run(["report", "--json"], key: false)
        #expect(missing.status == 2)
        #expect(missing.stderr.isEmpty)
        #expect((try jsonError(missing.stdout)?["message"] as? String)?.hasPrefix("no sealing key: the owner's report") == true)
        for arguments in [["report"], ["report", "--json"], ["report", "--key-file", other.path]] {
            let wrong = try CommandLineRunner.run(arguments, in: fixture.root, environment: ["EASEML_KEY_FILE": other.path])
            #expect(wrong.status == 2, "\(arguments)")
            let json = arguments.contains("--json")
            let said = json ? wrong.stdout : wrong.stderr
            #expect((json ? wrong.stderr : wrong.stdout).isEmpty, "\(wrong.stdout)")
            if json { #expect(try jsonError(said)?["kind"] as? String == "key") }
            #expect(said.contains("does not open with this key"))
            // m.csv is right on 2,667 of 3,000: accuracy 0.889 must not leak through the error.
            #expect(!said.contains("0.889") && !said.contains("pass"))
        }
        let unknown = try fixture.run(["report", "--test-set", "ffffffff"])
        #expect(unknown.status == 3)
        #expect(unknown.stdout.isEmpty)
        let right = try fixture.run(["report"])
        #expect(right.status == 0)
        #expect(right.stdout.contains("estimate 0.889"), "\(right.stdout)")
    }

    @Test func statusPlotWritesAValidChartWithOneMarkerPerEvaluation() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 3
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv", "--name", "nightly <set> & co"]).status == 0)
        let empty = try fixture.run(["status", "--plot", "empty.svg"], key: false)
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("Wrote the budget chart to empty.svg."))
        let first = try #require(SVGInspector.parse(try Data(contentsOf: fixture.root.appendingPathComponent("empty.svg"))))
        #expect(first.elements.first?.name == "svg")
        #expect(first.elements(withClasses: "marker").isEmpty)
        #expect(first.elements(withClasses: "annotation", "exhausted").isEmpty)
        #expect(first.text.contains("nightly <set> & co"))
        #expect(first.text.contains("no evaluations yet"))
        // Fail, pass, fail: the set is then exhausted.
        for (i, wrong) in [2500, 333, 2400].enumerated() {
            _ = try fixture.run(["check", "--predictions", try fixture.model("m\(i).csv", wrong: wrong, offset: i)])
        }
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("charts"), withIntermediateDirectories: true)
        let plotted = try fixture.run(["status", "--json", "--plot", "charts/budget.svg"], key: false)
        #expect(plotted.status == 0, "\(plotted.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(plotted.stdout.utf8)) is [String: Any], "--json output stays pure JSON")
        let svgData = try Data(contentsOf: fixture.root.appendingPathComponent("charts/budget.svg"))
        let chart = try #require(SVGInspector.parse(svgData))
        #expect(chart.elements(withClasses: "marker").count == 3)
        #expect(chart.elements(withClasses: "marker", "fail").count == 2)
        #expect(chart.elements(withClasses: "marker", "pass").count == 1)
        #expect(chart.elements(withClasses: "annotation", "exhausted").count == 1)
        #expect(chart.text.contains("exhausted"))
        #expect(chart.text.contains("EXHAUSTED"))
        let svg = String(decoding: svgData, as: UTF8.self)
        for secret in ["0.889", "2667", "2,667", "0.1667"] { #expect(!svg.contains(secret), "\(secret)") }
        #expect(try fixture.listing().filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test func aFailingPlotWriteLeavesNoFileAndExitsTwo() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 3
            """)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        let before = try fixture.listing()
        let missing = try fixture.run(["status", "--plot", "nowhere/chart.svg"], key: false)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot write nowhere/chart.svg"), "\(missing.stderr)")
        #expect(missing.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.root.appendingPathComponent("nowhere").path))
        #expect(try fixture.listing() == before)
        // The target is a folder: the temporary file is written, the rename fails, and the
        // temporary file is removed again.
        try FileManager.default.createDirectory(at: fixture.root.appendingPathComponent("chart.svg"), withIntermediateDirectories: false)
        let blocked = try fixture.run(["status", "--plot", "chart.svg"], key: false)
        #expect(blocked.status == 2)
        #expect(blocked.stderr.contains("cannot write chart.svg"), "\(blocked.stderr)")
        #expect(try fixture.listing() == (before + ["chart.svg"]).sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.root.appendingPathComponent("chart.svg").path).isEmpty)
    }
}
