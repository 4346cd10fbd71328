import EaseMLTestSupport
import Foundation
import Testing

/// Runs the walkthrough of `examples/demo/README.md` verbatim in a copy of the demo folder.
@Test func demoWalkthroughRunsVerbatim() throws {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/demo")
    let readme = try String(contentsOf: demo.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "<!-- walkthrough:start -->\n```sh\n"))
    let end = try #require(readme.range(of: "```\n<!-- walkthrough:end -->"))
    let commands = String(readme[start.upperBound..<end.lowerBound])
    let sandbox = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: sandbox) }
    let copy = sandbox.appendingPathComponent("demo")
    try FileManager.default.copyItem(at: demo, to: copy)
    let result = try CommandLineRunner.runProgram(
        URL(fileURLWithPath: "/bin/bash"), ["-e", "-c", commands], in: copy,
        environment: [
            "EASEML_KEY": nil, "EASEML_KEY_FILE": nil, "GIT_AUTHOR_NAME": "Demo", "GIT_AUTHOR_EMAIL": "demo@example.com",
            "GIT_COMMITTER_NAME": "Demo", "GIT_COMMITTER_EMAIL": "demo@example.com",
        ])
    let stdout = result.stdout
    #expect(result.status == 0, "\(stdout)\n\(result.stderr)")
    // What the README says to expect.
    #expect(stdout.contains("Chosen: exact"))
    #expect(stdout.contains("Registered test set"))
    // The hooks speak on standard error: the gate's commit (the owner's baseline), v1, v2, v3.
    let verdicts = result.stderr.split(separator: "\n").filter { $0.contains("(test set ") }.map { String($0.split(separator: " ")[2]) }
    #expect(verdicts == ["PASS", "PASS", "FAIL", "FAIL"], "\(result.stderr)")
    #expect(result.stderr.contains("the integration owner's baseline"))
    #expect(stdout.contains("v2 was rejected") && stdout.contains("v3 was rejected"))
    #expect(result.stderr.contains("push blocked:"))
    // The remote kept v1: the last model that passed.
    let remote = try #require(stdout.split(separator: "\n").first { $0.hasSuffix("refs/heads/main") })
    let v1 = try runGit(copy, ["rev-parse", "HEAD~2"])
    #expect(remote.hasPrefix(v1), "\(remote) is not v1 \(v1)")
    #expect(stdout.contains("steps       3 used, 5 left of 8"))
    let log = stdout.split(separator: "\n").filter { $0.hasSuffix("model v1") || $0.hasSuffix("model v2") || $0.hasSuffix("model v3") }
    #expect(log.count == 3)
    #expect(log.first?.contains("FAIL") == true && log.last?.contains("PASS") == true)
    // The labels never entered the demo repository.
    let files = try runGit(copy, ["ls-files"])
    #expect(files.contains("model/predictions.csv"))
    #expect(!files.contains("owner/"))
}
