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
