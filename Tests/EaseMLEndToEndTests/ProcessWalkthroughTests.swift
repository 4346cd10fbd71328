import EaseMLTestSupport
import Foundation
import Testing

/// Runs the walkthrough of `examples/process/README.md` verbatim in a copy of the folder, with the
/// tests' Python (scikit-learn, `.venv`): `next` guides every step — feasibility, the AutoML search,
/// the test set, the proposal and its check, model picking against the deployed model, debugging
/// and acquisition — and each recommendation is the command the walkthrough runs next.
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
    let result = try CommandLineRunner.runProgram(
        URL(fileURLWithPath: "/bin/bash"), ["-e", "-c", commands], in: copy,
        environment: [
            "PYTHON": try TestPython.interpreter().path, "EASEML_KEY": nil, "EASEML_KEY_FILE": nil, "CI": "true",
            "GIT_AUTHOR_NAME": "Process", "GIT_AUTHOR_EMAIL": "process@example.com",
            "GIT_COMMITTER_NAME": "Process", "GIT_COMMITTER_EMAIL": "process@example.com",
        ])
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    let lines = result.stdout.components(separatedBy: "\n")

    // Every recommendation, in order, and the walkthrough ran each (with what `next` cannot know added).
    let recommendations = lines.enumerated().filter { $0.element.hasPrefix("Next: step") }.map { lines[$0.offset + 1].trimmingCharacters(in: .whitespaces) }
    let expected = [
        "easeml-ci feasibility --data data/train.csv --target 0.9",
        "easeml-ci automl init --preset sklearn --train data/train.csv --valid data/valid.csv",
        "easeml-ci automl run",
        "easeml-ci testset add --labels <hidden test labels>",
        "easeml-ci automl propose",
        "easeml-ci check --commit easeml/automl/main/run-1",
        "easeml-ci pick start --name production --from-gate --pool-inputs data/production-labelled.csv --models data/deployed-predictions.csv",
        "easeml-ci debug --production data/production-labelled.csv --predictions data/deployed-predictions.csv",
        "easeml-ci acquire --labeled data/train.csv --pool data/pool.csv --valid data/valid.csv",
    ]
    #expect(recommendations == expected, "\(result.stdout)")
    let run = commands.replacingOccurrences(of: " \\\n  ", with: " ").components(separatedBy: "\n").filter { $0.hasPrefix("easeml-ci ") && !$0.hasPrefix("easeml-ci next") }
    for command in expected where !command.contains("<") {
        #expect(run.contains { $0.hasPrefix(command) }, "the walkthrough does not run `\(command)`")
    }

    // Day 0 and 1: feasible; the search wrote its section and the models' folder; four trials.
    #expect(result.stdout.contains("Verdict: feasible"))
    #expect(result.stdout.contains("added models: [\"model/\"]"))
    #expect(result.stdout.contains("done: the budget of 4 trials is spent"), "\(result.stdout)")
    // Before the gate judged anything, picking was blocked and said why.
    #expect(result.stdout.contains("7. picking      blocked         needs two candidate models, one of them accepted by the gate: 0 model commit(s)"))
    // Day 2: the set fits the plan; the proposal passes the gate in a sandbox, one step used.
    #expect(result.stdout.contains("Registered test set") && result.stdout.contains("25 examples"))
    #expect(result.stdout.contains("PASS  n > 0.8 +/- 0.1  (test set"), "\(result.stdout)")
    #expect(result.stdout.contains("3 steps left"))
    // ModelPicker asked only where the two models disagree (production rows 30–39) and certified
    // the new model after those 10 labels.
    let asked = try String(contentsOf: copy.appendingPathComponent("asked.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().compactMap { Int($0) }.sorted()
    #expect(asked == Array(30...39), "\(asked)")
    #expect(result.stdout.contains("stopped (certified)") && result.stdout.contains("Labels: 10 of 200 used"), "\(result.stdout)")
    // Debugging the deployed model: all ten mistakes are far from the training data.
    #expect(result.stdout.contains("Production items: 40, mistakes: 10"))
    #expect(result.stdout.contains("1. ACQUIRE — explains 100 % of the mistakes"))
    #expect(result.stdout.contains("production rows: 30, 31, 32, 33, 34, 35, 36, 37, 38, 39"))
    // The lineage holds every run, the proposal and its check among them (the verdict as shown, no metric).
    for (number, step) in ["feasibility", "automl", "propose", "check", "pick", "debug", "acquire"].enumerated() {
        #expect(result.stdout.contains("#\(number + 1) \(step)  "), "#\(number + 1) \(step): \(result.stdout)")
    }
    #expect(result.stdout.contains(": PASS  n > 0.8 +/- 0.1  (test set") && !result.stdout.contains("STALE"))

    // What it says happens next: an edited training file makes every run that read it stale.
    let handle = try FileHandle(forWritingTo: copy.appendingPathComponent("data/train.csv"))
    handle.seekToEndOfFile()
    handle.write(Data("5.0,3.4,1.5,0.2,0\n".utf8))
    try handle.close()
    let lineage = try CommandLineRunner.run(["lineage"], in: copy).stdout
    #expect(lineage.components(separatedBy: "STALE").count - 1 == 5, "\(lineage)")
    let next = try CommandLineRunner.run(["next"], in: copy).stdout
    #expect(next.contains("Next: step 2 (feasibility)"), "\(next)")
}
