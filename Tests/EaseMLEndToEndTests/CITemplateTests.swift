import EaseMLTestSupport
import Foundation
import Testing
import Yams

#if canImport(FoundationXML)
import FoundationXML
#endif

private let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("ci-templates")

@Suite(.serialized) struct CITemplateTests {
    @Test func githubActionIsACompositeActionRunningTheCheckScript() throws {
        let text = try String(contentsOf: templates.appendingPathComponent("github/action.yml"), encoding: .utf8)
        let action = try #require(try Yams.load(yaml: text) as? [String: Any])
        let inputs = try #require(action["inputs"] as? [String: Any])
        #expect((inputs["key"] as? [String: Any])?["required"] as? Bool == true)
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        let steps = try #require(runs["steps"] as? [[String: Any]])
        #expect(steps.contains { ($0["run"] as? String)?.contains("run-check.sh") == true })
        #expect(steps.contains { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact") == true })
        #expect(steps.allSatisfy { $0["uses"] != nil || $0["shell"] as? String == "bash" })
    }

    @Test func gitlabTemplateDefinesAJobWithAJUnitReport() throws {
        let text = try String(contentsOf: templates.appendingPathComponent("gitlab/easeml-ci.gitlab-ci.yml"), encoding: .utf8)
        let file = try #require(try Yams.load(yaml: text) as? [String: Any])
        let hidden = try #require(file[".easeml-ci"] as? [String: Any])
        let script = try #require(hidden["script"] as? [String])
        #expect(script.contains { $0.contains("easeml-ci check --commit \"$CI_COMMIT_SHA\"") && $0.contains("--junit easeml-junit.xml") })
        let artifacts = try #require(hidden["artifacts"] as? [String: Any])
        #expect((artifacts["reports"] as? [String: Any])?["junit"] as? String == "easeml-junit.xml")
        #expect(artifacts["when"] as? String == "always")
        #expect((file["easeml-ci"] as? [String: Any])?["extends"] as? String == ".easeml-ci")
    }

    @Test func actionStepRunsLikeGitHubWouldWithSummaryAnnotationAndJUnit() throws {
        let repo = try ModelRepository(condition: "n > 0.7 +/- 0.05")
        defer { repo.remove() }
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        let summary = repo.root.appendingPathComponent("step-summary.md")
        let output = repo.root.appendingPathComponent("github-output.txt")
        try Data().write(to: summary)
        try Data().write(to: output)
        func step() throws -> CommandLineRunner.Result {
            let process = Process()
            process.executableURL = templates.appendingPathComponent("github/run-check.sh")
            process.currentDirectoryURL = repo.root
            var environment = ProcessInfo.processInfo.environment
            environment.merge(repo.environment) { $1 }
            environment["PATH"] = CommandLineRunner.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["GITHUB_STEP_SUMMARY"] = summary.path
            environment["GITHUB_OUTPUT"] = output.path
            environment["EASEML_COMMIT"] = try repo.git("rev-parse", "HEAD")
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CommandLineRunner.Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
        }
        _ = try repo.commitModel(accuracy: 0.9, message: "good")
        let pass = try step()
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.stdout.contains("easeml-ci: pass"))
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("✅ PASS"))
        #expect(try String(contentsOf: output, encoding: .utf8).contains("verdict=pass"))
        _ = try repo.commitModel(accuracy: 0.5, message: "bad")
        let fail = try step()
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("::error title=easeml-ci::"))
        #expect(try String(contentsOf: summary, encoding: .utf8).contains("❌ FAIL"))
        #expect(try String(contentsOf: output, encoding: .utf8).contains("verdict=fail"))
        let junit = try JUnitShape(contentsOf: repo.root.appendingPathComponent("easeml-junit.xml"))
        #expect(junit.root == "testsuites")
        #expect(junit.suites == 1 && junit.cases == 1 && junit.failures == 1)
        #expect(junit.attributes["testsuites"]?["failures"] == "1")
        #expect(junit.attributes["testcase"]?["classname"] != nil && junit.attributes["testcase"]?["name"] != nil)
    }
}

/// The elements GitHub's and GitLab's JUnit readers rely on: testsuites > testsuite > testcase,
/// with tests/failures/errors counts and a failure element per failed case.
private final class JUnitShape: NSObject, XMLParserDelegate {
    var root: String?
    var suites = 0
    var cases = 0
    var failures = 0
    var attributes: [String: [String: String]] = [:]

    init(contentsOf url: URL) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: url))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.fileReadCorruptFile) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        if root == nil { root = name }
        self.attributes[name] = self.attributes[name] ?? attributes
        switch name {
        case "testsuite": suites += 1
        case "testcase": cases += 1
        case "failure": failures += 1
        default: break
        }
    }
}
