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
    static func yaml(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOf: templates.appendingPathComponent(path), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "\(path)")
    }

    static func steps(_ action: [String: Any]) throws -> [[String: Any]] {
        try #require((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
    }

    /// The pull request's workflow holds no secret and a read-only token and uploads predictions;
    /// the scoring workflow runs on `workflow_run` with the key, checks out the default branch only
    /// and never runs repository code.
    @Test func theGitHubWorkflowsSplitPredictionFromScoring() throws {
        let predictText = try String(contentsOf: templates.appendingPathComponent("github/workflows/easeml-predict.yml"), encoding: .utf8)
        let predict = try Self.yaml("github/workflows/easeml-predict.yml")
        #expect(!predictText.contains("secrets."), "the prediction workflow holds no secret")
        #expect(predict["permissions"] as? [String: String] == ["contents": "read"])
        #expect((predict["on"] as? [String: Any])?.keys.sorted() == ["pull_request"])
        let predictSteps = try #require(((predict["jobs"] as? [String: Any])?["predict"] as? [String: Any])?["steps"] as? [[String: Any]])
        #expect(predictSteps.contains { ($0["uses"] as? String)?.contains("ci-templates/github/predict@") == true })

        let check = try Self.yaml("github/workflows/easeml-check.yml")
        let trigger = try #require((check["on"] as? [String: Any])?["workflow_run"] as? [String: Any])
        #expect(trigger["workflows"] as? [String] == ["easeml-ci predict"])
        let job = try #require((check["jobs"] as? [String: Any])?["check"] as? [String: Any])
        #expect(job["environment"] as? String == "easeml-scoring")
        let checkSteps = try #require(job["steps"] as? [[String: Any]])
        let checkout = try #require(checkSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/checkout") == true })
        #expect((checkout["with"] as? [String: Any])?["ref"] as? String == "${{ github.event.repository.default_branch }}")
        #expect(checkSteps.contains { (($0["with"] as? [String: Any])?["key"] as? String) == "${{ secrets.EASEML_KEY }}" })

        let predictAction = try Self.yaml("github/predict/action.yml")
        #expect((predictAction["inputs"] as? [String: Any])?["key"] == nil)
        let predictActionSteps = try Self.steps(predictAction)
        #expect(predictActionSteps.contains { ($0["run"] as? String)?.contains("ci-templates/scripts/predict.sh") == true })
        #expect(predictActionSteps.contains { ($0["uses"] as? String)?.hasPrefix("actions/upload-artifact") == true })
        let checkAction = try Self.yaml("github/check/action.yml")
        #expect(((checkAction["inputs"] as? [String: Any])?["key"] as? [String: Any])?["required"] as? Bool == true)
        let checkActionSteps = try Self.steps(checkAction)
        #expect(!checkActionSteps.contains { ($0["uses"] as? String)?.hasPrefix("actions/checkout") == true }, "no checkout of the pull request")
        let download = try #require(checkActionSteps.first { ($0["uses"] as? String)?.hasPrefix("actions/download-artifact") == true })
        #expect((download["with"] as? [String: Any])?["run-id"] as? String == "${{ inputs.run-id }}")
        #expect(checkActionSteps.contains { ($0["run"] as? String)?.contains("ci-templates/scripts/check.sh") == true })
        #expect(checkActionSteps.contains { ($0["run"] as? String)?.contains("/statuses/") == true })
        #expect(checkActionSteps.contains { ($0["run"] as? String)?.contains("gh pr comment") == true })
        // Both install a cached binary, keyed by the version, without the tests' Python environment.
        for (action, steps) in [("predict", predictActionSteps), ("check", checkActionSteps)] {
            let cache = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache") == true }, "\(action)")
            #expect(((cache["with"] as? [String: Any])?["key"] as? String)?.contains("steps.source.outputs.key") == true)
            #expect(steps.contains { ($0["run"] as? String)?.contains("install-easeml-ci.sh") == true })
            #expect(steps.allSatisfy { $0["uses"] != nil || $0["shell"] as? String == "bash" })
        }
        let install = try String(contentsOf: templates.appendingPathComponent("scripts/install-easeml-ci.sh"), encoding: .utf8)
        #expect(install.contains("EASEML_SKIP_PYTHON=1"))
        // The AutoML action no longer takes the key: given one, it fails.
        let automl = try Self.yaml("github/action.yml")
        #expect(try Self.steps(automl).contains { ($0["if"] as? String)?.contains("inputs.key != ''") == true && ($0["run"] as? String)?.contains("exit 2") == true })
    }

    /// GitLab: the key is the scoring job's only (environment-scoped), which consumes the
    /// prediction job's artifact and runs check.sh; separate caches; a JUnit report.
    @Test func theGitLabTemplateSplitsPredictionFromScoring() throws {
        let file = try Self.yaml("gitlab/easeml-ci.gitlab-ci.yml")
        let base = try #require(file[".easeml-ci"] as? [String: Any])
        #expect((base["before_script"] as? [String])?.contains { $0.contains("install-easeml-ci.sh") } == true)
        #expect((base["cache"] as? [String: Any])?["key"] as? String == "easeml-ci-bin-$EASEML_CI_REF")
        let predict = try #require(file["easeml-ci-predict"] as? [String: Any])
        #expect(predict["environment"] == nil)
        #expect((predict["script"] as? [String])?.contains { $0.contains("scripts/predict.sh") } == true)
        #expect((predict["artifacts"] as? [String: Any])?["paths"] as? [String] == ["easeml-predictions/"])
        let check = try #require(file["easeml-ci-check"] as? [String: Any])
        #expect((check["environment"] as? [String: Any])?["name"] as? String == "easeml-scoring")
        #expect((check["needs"] as? [[String: Any]])?.first?["job"] as? String == "easeml-ci-predict")
        #expect((check["rules"] as? [[String: Any]])?.first?["if"] as? String == "$CI_COMMIT_REF_PROTECTED == \"true\"")
        #expect((check["cache"] as? [String: Any])?["key"] as? String != (base["cache"] as? [String: Any])?["key"] as? String)
        #expect((check["script"] as? [String])?.contains { $0.contains("scripts/check.sh") } == true)
        let artifacts = try #require(check["artifacts"] as? [String: Any])
        #expect((artifacts["reports"] as? [String: Any])?["junit"] as? String == "easeml-junit.xml")
        #expect(artifacts["when"] as? String == "always")
    }

    /// Both phases as the workflows run them — the same scripts, variables and artifact folder —
    /// on a real repository with a bare remote: a passing pull request, a failing one, and one
    /// whose script fails loudly. The prediction clone holds no key; the scoring clone is the
    /// default branch and fetches the head as an object.
    @Test func bothPhasesRunAsTheWorkflowsInvokeThem() throws {
        let owner = try ModelRepository()
        defer { owner.remove() }
        let sandbox = owner.root.deletingLastPathComponent()
        let origin = sandbox.appendingPathComponent("\(owner.root.lastPathComponent)-origin.git")
        let runners = try CommandLineRunner.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: origin)
            try? FileManager.default.removeItem(at: runners)
        }
        let config = try String(contentsOf: owner.root.appendingPathComponent(".easeml.yml"), encoding: .utf8) + "\nledger_remote: origin\n"
        try config.write(to: owner.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        try runGit(sandbox, ["init", "-q", "--bare", origin.path])
        try owner.git("remote", "add", "origin", origin.path)
        try owner.git("add", ".easeml.yml")
        try owner.git("commit", "-q", "-m", "the gate")
        try owner.git("push", "-q", "origin", "main")
        #expect(try owner.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        #expect(try owner.run(["baseline", "set", "--predictions", "baseline.csv", "--branch", "main"]).status == 0)
        // `baseline set` changes the local file; the owner publishes it.
        #expect(try owner.run(["ledger", "push"]).status == 0)

        /// A pull request: a commit on main pushed as refs/pull/N/head.
        func pullRequest(_ number: Int, accuracy: Double, script: String? = nil) throws -> String {
            try owner.git("checkout", "-q", "-B", "pr-\(number)", "main")
            if let script {
                try config.replacingOccurrences(of: "script: cp model/predictions.csv \"$EASEML_OUTPUT\"", with: "script: \(script)")
                    .write(to: owner.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
            }
            let sha = try owner.commitModel(accuracy: accuracy, message: "pull request \(number)")
            try owner.git("push", "-q", "origin", "HEAD:refs/pull/\(number)/head")
            try owner.git("checkout", "-q", "main")
            try owner.git("checkout", "-q", "--", ".easeml.yml")
            return sha
        }

        /// The prediction workflow: actions/checkout of the head, then the predict action's step.
        func predictJob(_ number: Int, _ sha: String) throws -> (result: CommandLineRunner.Result, artifact: URL, summary: String) {
            let clone = runners.appendingPathComponent("predict-\(number)")
            try runGit(runners, ["clone", "-q", origin.path, clone.path])
            try runGit(clone, ["fetch", "-q", "origin", "refs/pull/\(number)/head"])
            try runGit(clone, ["checkout", "-q", "--detach", sha])
            let summary = runners.appendingPathComponent("predict-\(number)-summary.md")
            try Data().write(to: summary)
            let result = try CommandLineRunner.runProgram(
                templates.appendingPathComponent("scripts/predict.sh"), in: clone,
                environment: [
                    "EASEML_COMMIT": sha, "EASEML_PULL_REQUEST": "\(number)", "EASEML_OUTPUT_DIR": "easeml-predictions", "EASEML_ISOLATION": "auto",
                    "EASEML_SCRIPT_TIMEOUT": "", "EASEML_INPUTS": "", "EASEML_LEDGER": "", "GITHUB_ACTIONS": "true",
                    "GITHUB_STEP_SUMMARY": summary.path, "EASEML_KEY": nil, "EASEML_KEY_FILE": nil,
                ])
            // upload-artifact, then download-artifact into the scoring runner's temporary folder.
            let artifact = runners.appendingPathComponent("artifact-\(number)")
            try FileManager.default.copyItem(at: clone.appendingPathComponent("easeml-predictions"), to: artifact)
            return (result, artifact, try String(contentsOf: summary, encoding: .utf8))
        }

        /// The scoring workflow: actions/checkout of the default branch, then the check action's step.
        func checkJob(_ number: Int, _ sha: String, artifact: URL, fetching: Int? = nil) throws -> (result: CommandLineRunner.Result, clone: URL, output: String, summary: String) {
            let clone = runners.appendingPathComponent("check-\(number)")
            try runGit(runners, ["clone", "-q", "-b", "main", origin.path, clone.path])
            let summary = runners.appendingPathComponent("check-\(number)-summary.md")
            let output = runners.appendingPathComponent("check-\(number)-output.txt")
            try Data().write(to: summary)
            try Data().write(to: output)
            let result = try CommandLineRunner.runProgram(
                templates.appendingPathComponent("scripts/check.sh"), in: clone,
                environment: [
                    "EASEML_KEY_FILE": owner.environment["EASEML_KEY_FILE"], "EASEML_COMMIT": sha,
                    "EASEML_PREDICTIONS": artifact.appendingPathComponent("predictions.csv").path, "EASEML_BRANCH": "main",
                    "EASEML_FETCH_REF": "refs/pull/\(fetching ?? number)/head", "EASEML_LEDGER": "", "GITHUB_ACTIONS": "true",
                    "GITHUB_STEP_SUMMARY": summary.path, "GITHUB_OUTPUT": output.path,
                ])
            return (result, clone, try String(contentsOf: output, encoding: .utf8), try String(contentsOf: summary, encoding: .utf8))
        }

        // A passing pull request.
        let good = try pullRequest(1, accuracy: 0.9)
        let predicted = try predictJob(1, good)
        #expect(predicted.result.status == 0, "\(predicted.result.stdout)\(predicted.result.stderr)")
        #expect(try String(contentsOf: predicted.artifact.appendingPathComponent("pull-request.txt"), encoding: .utf8) == "1\n")
        #expect(FileManager.default.fileExists(atPath: predicted.artifact.appendingPathComponent("predictions.csv.easeml.json").path))
        let scored = try checkJob(1, good, artifact: predicted.artifact)
        #expect(scored.result.status == 0, "\(scored.result.stdout)\(scored.result.stderr)")
        #expect(scored.output.contains("verdict=pass\nstate=success\ndescription=easeml-ci: PASS (test set "), "\(scored.output)")
        #expect(scored.summary.contains("✅ PASS"))
        let comment = try String(contentsOf: scored.clone.appendingPathComponent("easeml-comment.md"), encoding: .utf8)
        #expect(comment.hasPrefix("easeml-ci: PASS (test set ") && comment.contains("for commit `\(good.prefix(12))`"), "\(comment)")
        #expect(!comment.contains("0.9") && !scored.summary.contains("0.9"), "no metrics")
        let outcome = try String(contentsOf: scored.clone.appendingPathComponent("easeml-outcome.json"), encoding: .utf8)
        #expect(outcome.contains("\"source\" : \"predict\""), "the scoring job ran no script: \(outcome)")
        // The note and the ledger reached the remote; the scoring clone never checked the head out.
        #expect(try runGit(sandbox, ["--git-dir", origin.path, "notes", "--ref=easeml", "show", good]).hasPrefix("easeml-ci: pass"))
        #expect(try runGit(scored.clone, ["rev-parse", "HEAD"]) == (try runGit(owner.root, ["rev-parse", "main"])))

        // A failing pull request: exit 1, a failure status, a note.
        let bad = try pullRequest(2, accuracy: 0.6)
        let badPredicted = try predictJob(2, bad)
        #expect(badPredicted.result.status == 0, "\(badPredicted.result.stderr)")
        let badScored = try checkJob(2, bad, artifact: badPredicted.artifact)
        #expect(badScored.result.status == 1, "\(badScored.result.stdout)\(badScored.result.stderr)")
        #expect(badScored.output.contains("verdict=fail\nstate=failure\ndescription=easeml-ci: FAIL (test set "), "\(badScored.output)")
        #expect(try runGit(sandbox, ["--git-dir", origin.path, "notes", "--ref=easeml", "show", bad]).hasPrefix("easeml-ci: fail"))
        // The artifact of pull request 1 does not judge pull request 2.
        let swapped = try checkJob(3, bad, artifact: predicted.artifact, fetching: 2)
        #expect(swapped.result.status == 2 && swapped.output.contains("state=error"), "\(swapped.output)")
        #expect(swapped.result.stderr.contains("were made for commit \(good.prefix(12)), not for commit \(bad.prefix(12))"), "\(swapped.result.stderr)")

        // A script that fails loudly: its output appears only on the prediction side, bounded and
        // as a code block; nothing of it reaches the scoring side.
        let payload = "::error::pwned\\n```\\n<img src=x onerror=alert(1)>\\n\\n# Heading\\n" + String(repeating: "A", count: 5000)
        let loud = try pullRequest(4, accuracy: 0.9, script: "printf '\(payload)'; exit 3")
        let failed = try predictJob(4, loud)
        #expect(failed.result.status == 2)
        #expect(failed.result.stdout.contains("::stop-commands::"), "the log turns workflow commands off around it")
        let excerpt = try #require(failed.summary.components(separatedBy: "Output (the first 2 KB):\n\n").last)
        #expect(excerpt.utf8.count <= 2048 + 4 * 40 + 2, "\(excerpt.utf8.count) bytes")
        #expect(excerpt.split(separator: "\n", omittingEmptySubsequences: false).dropLast().allSatisfy { $0.hasPrefix("    ") }, "\(excerpt)")
        #expect(!failed.summary.contains(String(repeating: "A", count: 3000)))
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
