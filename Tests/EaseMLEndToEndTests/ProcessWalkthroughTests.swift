import EaseMLTestSupport
import Foundation
import Testing

/// Runs the walkthrough of `examples/process/README.md` verbatim in a copy of the folder: `next`
/// guides feasibility, then (the model deployed) `debug`, then acquisition.
@Test func processWalkthroughRunsVerbatim() throws {
    let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/process")
    let readme = try String(contentsOf: example.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "<!-- walkthrough:start -->\n```sh\n"))
    let end = try #require(readme.range(of: "```\n<!-- walkthrough:end -->"))
    let commands = String(readme[start.upperBound..<end.lowerBound])
    let sandbox = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: sandbox) }
    let copy = sandbox.appendingPathComponent("process")
    try FileManager.default.copyItem(at: example, to: copy)
    let result = try CommandLineRunner.runProgram(URL(fileURLWithPath: "/bin/bash"), ["-e", "-c", commands], in: copy)
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    // What the README says to expect, in order.
    let recommendations = result.stdout.components(separatedBy: "\n").enumerated()
        .filter { $0.element.hasPrefix("Next: step") }
        .map { result.stdout.components(separatedBy: "\n")[$0.offset + 1].trimmingCharacters(in: .whitespaces) }
    #expect(recommendations == [
        "easeml-ci feasibility --data data/train.csv --target 0.9",
        "easeml-ci automl init",
        "easeml-ci acquire --labeled data/train.csv --pool data/pool.csv --valid data/valid.csv",
    ], "\(result.stdout)")
    #expect(result.stdout.contains("Production items: 40, mistakes: 10"))
    #expect(result.stdout.contains("1. ACQUIRE — explains 100 % of the mistakes"))
    #expect(result.stdout.contains("production rows: 30, 31, 32, 33, 34, 35, 36, 37, 38, 39"))
    #expect(result.stdout.contains("#3 acquire") && !result.stdout.contains("STALE"))

    // What it says happens next: an edited training file makes every run that read it stale.
    let handle = try FileHandle(forWritingTo: copy.appendingPathComponent("data/train.csv"))
    handle.seekToEndOfFile()
    handle.write(Data("5.0,3.4,1.5,0.2,0\n".utf8))
    try handle.close()
    let lineage = try CommandLineRunner.run(["lineage"], in: copy).stdout
    #expect(lineage.components(separatedBy: "STALE").count - 1 == 3, "\(lineage)")
    let next = try CommandLineRunner.run(["next"], in: copy).stdout
    #expect(next.contains("Next: step 2 (feasibility)"), "\(next)")
}
