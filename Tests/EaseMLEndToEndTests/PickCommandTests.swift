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
