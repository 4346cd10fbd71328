import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci pick` as a real subprocess on the EmoContext data (`Tests/Fixtures/data/emocontext`).
@Suite(.serialized) struct PickCommandTests {
    static var modelFiles: [String] { get throws { try (1...8).map { try Fixtures.url("data/emocontext/model\($0).csv").path } } }
    static var labelsFile: String { get throws { try Fixtures.url("data/emocontext/labels.csv").path } }

    @Test func simulatePrintsIdentificationAgainstLabelsAsJSON() throws {
        let result = try CommandLineRunner.run(
            ["pick", "simulate", "--labels", Self.labelsFile] + Self.modelFiles
                + ["--realizations", "300", "--budget", "30:1.07", "--budget", "150:8.889", "--epsilon", "0.02", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["errors"] as? [Int] == [429, 424, 498, 461, 535, 539, 542, 614])
        #expect(json["models"] as? [String] == (1...8).map { "model\($0)" })
        let simulation = try #require(json["simulation"] as? [String: Any])
        let rows = try #require(simulation["rows"] as? [[String: Any]])
        #expect(rows.count == 2)
        let last = try #require(rows.last?["outcomes"] as? [[String: Any]])
        let picker = try #require(last.first { $0["method"] as? String == "modelPicker" })
        let probability = try #require(picker["identificationProbability"] as? Double)
        #expect(abs(probability - 0.996) < 0.04)
        let labels = try #require(picker["meanLabels"] as? Double)
        #expect(abs(labels - 148.5) < 8)
        let rule = try #require(json["stoppingRule"] as? [String: Any])
        #expect((rule["errorRate"] as? Double ?? 1) <= 0.05)
    }

    @Test func simulateTextHasTheTable() throws {
        let result = try CommandLineRunner.run(
            ["pick", "simulate", "--labels", Self.labelsFile] + Array(Self.modelFiles.prefix(2)) + ["--realizations", "50", "--budget", "20:1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("ModelPicker"))
        #expect(result.stdout.contains("disagreement sampling"))
        #expect(result.stdout.contains("Errors: model1 429, model2 424"))
    }

    /// `--stop-at B`: the paper's figures stop each stream after B labels; the row says so, uses at
    /// most B labels, and differs from the whole-stream row of the same γ.
    @Test func stopAtStopsEachStreamAfterBLabels() throws {
        let run = { (extra: [String]) in
            try CommandLineRunner.run(["pick", "simulate", "--labels", Self.labelsFile] + Self.modelFiles + ["--realizations", "200", "--json"] + extra)
        }
        let stopped = try run(["--stop-at", "30", "--budget", "30:8.889"])
        let whole = try run(["--budget", "30:8.889"])
        #expect(stopped.status == 0 && whole.status == 0, "\(stopped.stderr)\(whole.stderr)")
        func picker(_ result: CommandLineRunner.Result) throws -> (row: [String: Any], outcome: [String: Any]) {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let row = try #require(((json["simulation"] as? [String: Any])?["rows"] as? [[String: Any]])?.first)
            let outcome = try #require((row["outcomes"] as? [[String: Any]])?.first { $0["method"] as? String == "modelPicker" })
            return (row, outcome)
        }
        let (stopRow, stop) = try picker(stopped)
        let (_, full) = try picker(whole)
        #expect((stopRow["budget"] as? [String: Any])?["stopsAtLabels"] as? Bool == true)
        #expect((stop["meanLabels"] as? Double ?? 99) <= 30 && (full["meanLabels"] as? Double ?? 0) > 100)
        #expect((stop["identificationProbability"] as? Double ?? 1) < (full["identificationProbability"] as? Double ?? 0))
        let text = try CommandLineRunner.run(["pick", "simulate", "--labels", Self.labelsFile] + Self.modelFiles + ["--realizations", "20", "--stop-at", "50"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("50 (stop)") && text.stdout.contains("ModelPicker stops after B labels"), "\(text.stdout)")
        let unknown = try run(["--stop-at", "40"])
        #expect(unknown.status == 2)
        #expect(unknown.stdout.contains("no γ(B) is known for B = 40") && unknown.stdout.contains("--budget 40:γ"), "\(unknown.stdout)")
    }

    @Test func badInputIsAUsageError() throws {
        let one = try CommandLineRunner.run(["pick", "simulate", "--labels", Self.labelsFile, Self.modelFiles[0]])
        #expect(one.status == 2)
        #expect(one.stderr.contains("at least two"))
        let missing = try CommandLineRunner.run(["pick", "simulate", "--labels", "/nonexistent/labels.csv"] + Self.modelFiles)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read /nonexistent/labels.csv"))
        let budget = try CommandLineRunner.run(["pick", "simulate", "--labels", Self.labelsFile] + Self.modelFiles + ["--budget", "30"])
        #expect(budget.status == 2)
        #expect(budget.stderr.contains("LABELS:GAMMA"))
        let length = try CommandLineRunner.run(["pick", "simulate", "--labels", Self.labelsFile] + Self.modelFiles + ["--stream-length", "9999"])
        #expect(length.status == 2)
        #expect(length.stderr.contains("stream length"))
    }
}
