import EaseMLTestSupport
import Foundation
import Testing
import Yams

/// The optional AutoML job of the CI templates: declared in both, and the GitHub step run for real
/// on a repository with a remote (skips a pull request that changes nothing the search reads;
/// searches, summarises, proposes and pushes one that changes the training data).
@Suite(.serialized) struct CITemplateAutoMLTests {
    static let templates = TestPython.packageRoot.appendingPathComponent("ci-templates")

    @Test func bothTemplatesDeclareAnOptionalAutoMLJob() throws {
        let action = try #require(try Yams.load(yaml: String(contentsOf: Self.templates.appendingPathComponent("github/action.yml"), encoding: .utf8)) as? [String: Any])
        let inputs = try #require(action["inputs"] as? [String: Any])
        #expect((inputs["automl"] as? [String: Any])?["default"] as? String == "false")
        let steps = try #require((action["runs"] as? [String: Any])?["steps"] as? [[String: Any]])
        let automl = try #require(steps.first { $0["id"] as? String == "automl" })
        #expect((automl["if"] as? String)?.contains("inputs.automl == 'true'") == true)
        #expect((automl["if"] as? String)?.contains("github.event_name == 'pull_request'") == true)
        #expect((automl["run"] as? String)?.contains("run-automl.sh") == true)

        let gitlab = try #require(try Yams.load(yaml: String(contentsOf: Self.templates.appendingPathComponent("gitlab/easeml-ci.gitlab-ci.yml"), encoding: .utf8)) as? [String: Any])
        let job = try #require(gitlab["easeml-ci-automl"] as? [String: Any])
        #expect(job["extends"] as? String == ".easeml-ci")
        let rules = try #require(job["rules"] as? [[String: Any]])
        #expect((rules.first?["changes"] as? [String])?.contains(".easeml.yml") == true)
        #expect((rules.first?["if"] as? String)?.contains("merge_request_event") == true)
        let script = try #require(job["script"] as? [String])
        for step in ["easeml-ci automl run", "easeml-ci automl leaderboard", "easeml-ci automl propose", "git push"] {
            #expect(script.contains { $0.contains(step) }, "\(step)")
        }
    }

    /// Runs `run-automl.sh` as the action would, with `easeml-ci` on PATH.
    static func step(_ folder: URL, base: String, summary: URL, output: URL) throws -> CommandLineRunner.Result {
        try CommandLineRunner.runProgram(
            templates.appendingPathComponent("github/run-automl.sh"), in: folder,
            environment: [
                "GITHUB_STEP_SUMMARY": summary.path, "GITHUB_OUTPUT": output.path, "EASEML_BASE": base, "EASEML_AUTOML_TRIALS": "2",
                "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
            ])
    }

    @Test func theGitHubStepSearchesOnlyWhenTheSearchInputsChangeAndPushesTheProposal() throws {
        let folder = try AutoMLRunEndToEndTests.workspace(trials: 100, workers: 1)
        let remote = try CommandLineRunner.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(at: remote)
        }
        try runGit(remote, ["init", "-q", "--bare"])
        try runGit(folder, ["init", "-q", "-b", "main"])
        try runGit(folder, ["remote", "add", "origin", remote.path])
        try Data("# project\n".utf8).write(to: folder.appendingPathComponent("README.md"))
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "add", "."])
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base"])
        let base = try runGit(folder, ["rev-parse", "HEAD"])
        let summary = folder.appendingPathComponent("summary.md")
        let output = folder.appendingPathComponent("output.txt")

        try Data("# project, documented\n".utf8).write(to: folder.appendingPathComponent("README.md"))
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "docs only"])
        let skipped = try Self.step(folder, base: base, summary: summary, output: output)
        #expect(skipped.status == 0, "\(skipped.stdout)\(skipped.stderr)")
        #expect(skipped.stdout.contains("no change to the search's data, space or trial code; skipping"), "\(skipped.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("executions.txt").path))

        try Data("x,label\n1,a\n2,b\n5,a\n".utf8).write(to: folder.appendingPathComponent("train.csv"))
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "more training data"])
        let searched = try Self.step(folder, base: base, summary: summary, output: output)
        #expect(searched.status == 0, "\(searched.stdout)\(searched.stderr)")
        #expect(searched.stdout.contains("changed: train.csv"), "\(searched.stdout)")
        #expect(searched.stdout.contains("done: the budget of 2 trials is spent"))
        let summaryText = try String(contentsOf: summary, encoding: .utf8)
        #expect(summaryText.contains("### easeml-ci AutoML"))
        #expect(summaryText.contains("rank  arm"), "\(summaryText)")
        #expect(try String(contentsOf: output, encoding: .utf8).contains("automl-branch=easeml/automl/main/run-1"))
        let pushed = try runGit(remote, ["rev-parse", "refs/heads/easeml/automl/main/run-1^"])
        #expect(pushed == (try runGit(folder, ["rev-parse", "HEAD"])))
        #expect(try runGit(remote, ["show", "easeml/automl/main/run-1:easeml-automl.json"]).contains("\"run\" : \"run-1\""))
    }
}
