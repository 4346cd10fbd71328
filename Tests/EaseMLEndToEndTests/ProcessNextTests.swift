import EaseMLCI
import EaseMLTestSupport
import Foundation
import Testing

/// A small application in a real git repository: a shipped data set (iris by default) split into
/// training (3/5), validation (1/5) and an unlabelled pool (1/5), declared in `application:`.
private func makeApplication(target: Double, pool: Bool = true, data name: String = "iris.csv", extra: String = "") throws -> URL {
    let folder = try TemporaryDirectory.make(prefix: "easeml-process")
    _ = try runGit(folder, ["init", "-q", "."])
    let lines = try Fixtures.text("data/\(name)").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    let header = lines[0], body = Array(lines.dropFirst())
    // A fixed interleaving, so each part has every class.
    let train = body.enumerated().filter { $0.offset % 5 < 3 }.map(\.element)
    let valid = body.enumerated().filter { $0.offset % 5 == 3 }.map(\.element)
    let unlabelled = body.enumerated().filter { $0.offset % 5 == 4 }.map { $0.element.split(separator: ",").dropLast().joined(separator: ",") }
    let data = folder.appendingPathComponent("data")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try ([header] + train).joined(separator: "\n").appending("\n").write(to: data.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
    try ([header] + valid).joined(separator: "\n").appending("\n").write(to: data.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
    let poolHeader = header.split(separator: ",").dropLast().joined(separator: ",")
    try ([poolHeader] + unlabelled).joined(separator: "\n").appending("\n").write(to: data.appendingPathComponent("pool.csv"), atomically: true, encoding: .utf8)
    let config = """
        condition: n > 0.8 +/- 0.05
        reliability: 0.99
        application:
          training: data/train.csv
          validation: data/valid.csv
        \(pool ? "  pool: data/pool.csv\n" : "")  target: \(target)
        \(extra)
        """
    try config.write(to: folder.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
    return folder
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The recommendation of `next --json`: step number and command.
private func recommendation(_ folder: URL) throws -> (step: Int, command: String, why: String) {
    let result = try CommandLineRunner.run(["next", "--json"], in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let object = try json(result.stdout)
    let recommended = try #require(object["recommendation"] as? [String: Any])
    return (try #require(recommended["step"] as? Int), try #require(recommended["command"] as? String), try #require(recommended["why"] as? String))
}

private func state(_ folder: URL, step: Int) throws -> String {
    let object = try json(try CommandLineRunner.run(["next", "--json"], in: folder).stdout)
    let steps = try #require(object["steps"] as? [[String: Any]])
    return try #require(steps[step - 1]["state"] as? String)
}

/// Runs a recommended command exactly as `next` printed it (its words, split on blanks).
private func runVerbatim(_ command: String, in folder: URL) throws -> CommandLineRunner.Result {
    let words = command.split(separator: " ").map(String.init)
    #expect(words.first == "easeml-ci", "\(command)")
    return try CommandLineRunner.run(Array(words.dropFirst()), in: folder)
}

@Test func nextFollowsThePapersTransitionsAndEditingDataMakesResultsStale() throws {
    let folder = try makeApplication(target: 0.9)
    defer { try? FileManager.default.removeItem(at: folder) }

    // Nothing run yet: the data is in place, feasibility comes first, with the exact command.
    #expect(try state(folder, step: 1) == "done")
    var next = try recommendation(folder)
    #expect(next.step == 2)
    #expect(next.command == "easeml-ci feasibility --data data/train.csv --target 0.9")
    let text = try CommandLineRunner.run(["next"], in: folder).stdout
    #expect(text.contains("2. feasibility  not started") && text.contains("Next: step 2 (feasibility)"), "\(text)")

    // Feasible: the next step is AutoML (here its section is still to be written).
    let feasibility = try runVerbatim(next.command, in: folder)
    #expect(feasibility.status == 0, "\(feasibility.stderr)")
    #expect(try state(folder, step: 2) == "done")
    next = try recommendation(folder)
    #expect(next.step == 5 && next.command == "easeml-ci automl init --preset sklearn --train data/train.csv --valid data/valid.csv", "\(next)")

    // The lineage names the run, what it read (by role) and what it decided.
    let lineage = try json(try CommandLineRunner.run(["lineage", "--json"], in: folder).stdout)
    let runs = try #require(lineage["runs"] as? [[String: Any]])
    #expect(runs.count == 1)
    #expect(runs[0]["step"] as? String == "feasibility")
    #expect((runs[0]["decision"] as? String)?.hasPrefix("feasible: accuracy ceiling") == true)
    let inputs = try #require(runs[0]["inputs"] as? [[String: Any]])
    #expect(inputs.map { $0["role"] as? String } == ["training"])
    #expect(runs[0]["stale"] as? Bool == false)

    // Editing the training data marks the estimate stale, and `next` goes back to it.
    let train = folder.appendingPathComponent("data/train.csv")
    let handle = try FileHandle(forWritingTo: train)
    handle.seekToEndOfFile()
    handle.write(Data("6.1,2.8,4.7,1.2,1\n".utf8))
    try handle.close()
    let stale = try json(try CommandLineRunner.run(["lineage", "--json"], in: folder).stdout)
    let staleRun = try #require((stale["runs"] as? [[String: Any]])?.first)
    #expect(staleRun["stale"] as? Bool == true)
    #expect(staleRun["staleBecause"] as? [String] == ["data/train.csv changed"])
    #expect(try state(folder, step: 2) == "stale")
    next = try recommendation(folder)
    #expect(next.step == 2 && next.why.contains("changed"), "\(next)")
    let dot = try CommandLineRunner.run(["lineage", "--dot"], in: folder).stdout
    #expect(dot.hasPrefix("digraph lineage {") && dot.contains("label=\"changed\"") && dot.contains("style=dashed"), "\(dot)")

    // The drawings: the process with each step coloured by state and the recommended one marked;
    // the lineage with the stale run and the changed edge.
    #expect(try CommandLineRunner.run(["next", "--svg", "process.svg"], in: folder).status == 0)
    let process = try #require(SVGInspector.parse(try Data(contentsOf: folder.appendingPathComponent("process.svg"))))
    let steps = process.elements.filter { $0.classes.contains("step") }
    #expect(steps.count == 8)
    #expect(steps.filter { $0.classes.contains("recommended") }.map { $0.attributes["data-step"] } == ["2"])
    #expect(steps.first { $0.attributes["data-step"] == "2" }?.classes.contains("stale") == true)
    #expect(process.text.contains("easeml-ci feasibility --data data/train.csv --target 0.9"))
    #expect(try CommandLineRunner.run(["lineage", "--svg", "lineage.svg"], in: folder).status == 0)
    let graph = try #require(SVGInspector.parse(try Data(contentsOf: folder.appendingPathComponent("lineage.svg"))))
    #expect(graph.elements.filter { $0.classes.contains("run") && $0.classes.contains("stale") }.count == 1)
    #expect(graph.elements.filter { $0.classes.contains("changed") }.count == 1)
    #expect(graph.elements.filter { $0.classes.contains("file") }.count == 3)

    // Redone on the new data, the estimate is current again.
    #expect(try runVerbatim(next.command, in: folder).status == 0)
    #expect(try state(folder, step: 2) == "done")
}

@Test func infeasibleDataLeadsToImproveWithAPoolAndToCleaningWithout() throws {
    // Digits cannot reach 0.999: its accuracy ceiling is at most about 0.994 with 1,078 training rows.
    for pool in [true, false] {
        let folder = try makeApplication(target: 0.999, pool: pool, data: "digits.csv")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try recommendation(folder)
        let run = try runVerbatim(first.command, in: folder)
        #expect(run.status == 1, "\(run.stdout)")  // feasibility's own exit code for "infeasible"
        let next = try recommendation(folder)
        if pool {
            #expect(next.step == 4)
            #expect(next.command == "easeml-ci improve next --train data/train.csv --pool data/pool.csv --valid data/valid.csv")
            #expect(next.why.contains("bandit"))
        } else {
            #expect(next.step == 3)
            #expect(next.command == "easeml-ci clean next --train data/train.csv --valid data/valid.csv")
            #expect(try state(folder, step: 4) == "not applicable")
        }
    }
}

@Test func applicationSectionErrorsNameTheLineAndNextAsksForTheSection() throws {
    let folder = try TemporaryDirectory.make(prefix: "easeml-process")
    defer { try? FileManager.default.removeItem(at: folder) }
    _ = try runGit(folder, ["init", "-q", "."])
    let config = folder.appendingPathComponent(".easeml.yml")

    // No section: step 1 is blocked and the recommendation says what to add.
    try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\n".write(to: config, atomically: true, encoding: .utf8)
    let next = try recommendation(folder)
    #expect(next.step == 1 && next.command.contains("application:"), "\(next)")

    // A section without validation data, and a typo: usage errors (exit 2) at the right line.
    try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: data/train.csv\n".write(to: config, atomically: true, encoding: .utf8)
    let missing = try CommandLineRunner.run(["next"], in: folder)
    #expect(missing.status == 2)
    #expect(missing.stderr.contains(".easeml.yml:3") && missing.stderr.contains("missing `validation`"), "\(missing.stderr)")
    try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: a.csv\n  validaton: b.csv\n".write(to: config, atomically: true, encoding: .utf8)
    let typo = try CommandLineRunner.run(["next", "--json"], in: folder)
    #expect(typo.status == 2)
    let error = try json(typo.stdout.isEmpty ? typo.stderr : typo.stdout)
    #expect("\(error)".contains("validation"), "\(error)")
    try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: a.csv\n  validation: b.csv\n  target: 1.5\n".write(to: config, atomically: true, encoding: .utf8)
    let target = try CommandLineRunner.run(["lineage"], in: folder)
    #expect(target.status == 2 && target.stderr.contains(".easeml.yml:6") && target.stderr.contains("application.target"), "\(target.stderr)")
    // The declared files are missing: ingestion is blocked and names them.
    try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: a.csv\n  validation: b.csv\n".write(to: config, atomically: true, encoding: .utf8)
    let blocked = try CommandLineRunner.run(["next"], in: folder).stdout
    #expect(blocked.contains("1. ingestion    blocked") && blocked.contains("missing: a.csv, b.csv"), "\(blocked)")
}

/// `next --json` and `lineage --json` follow their schemas (`schemas/next.schema.json`,
/// `schemas/lineage.schema.json`) before any run, after one, and with a stale result.
@Test func processOutputsFollowTheirSchemas() throws {
    let folder = try makeApplication(target: 0.9)
    defer { try? FileManager.default.removeItem(at: folder) }
    var outputs: [JSONSchemaContractTests.Output] = []
    func capture() throws {
        for command in ["next", "lineage"] {
            let result = try CommandLineRunner.run([command, "--json"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(.init(command: command, stdout: result.stdout))
        }
    }
    try capture()
    #expect(try CommandLineRunner.run(["feasibility", "--data", "data/train.csv", "--target", "0.9"], in: folder).status == 0)
    try capture()
    try "x0,x1,x2,x3,label\n5.0,3.3,1.4,0.2,0\n".write(to: folder.appendingPathComponent("data/train.csv"), atomically: true, encoding: .utf8)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("data/pool.csv"))
    try capture()
    #expect(outputs.last?.stdout.contains(#""hash" : null"#) == true)  // the deleted pool, a declared data set
    #expect(outputs[4].stdout.contains(#""state" : "blocked""#))
    let validated = try JSONSchemaContractTests.validate(outputs)
    #expect(validated.status == 0, "\(validated.report)")
    #expect(validated.report.contains("6 outputs checked against the schemas, 0 problems"), "\(validated.report)")
}
