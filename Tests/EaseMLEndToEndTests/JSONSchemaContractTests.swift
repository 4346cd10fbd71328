import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `--json` outputs follow the versioned schemas of `schemas/` (issue 20): the outputs of an
/// owner's and a developer's session, of CI's two phases and of the engines are validated, with the `jsonschema`
/// package of `.venv`, by the validator the Python package ships (`easeml_ci/contract.py`).
@Suite(.serialized) struct JSONSchemaContractTests {
    /// One output to validate: the command path as `schemas/index.json` names it, and what it printed.
    struct Output: Encodable {
        var command: String
        var stdout: String
    }

    /// Runs the validator over `outputs`; `strict`: an output of a command without a schema is a problem.
    static func validate(_ outputs: [Output], strict: Bool = true) throws -> (status: Int32, report: String) {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("outputs.json")
        try JSONEncoder().encode(outputs).write(to: file)
        let root = TestPython.packageRoot
        let arguments = [root.appendingPathComponent("python/src/easeml_ci/contract.py").path, "--schemas", root.appendingPathComponent("schemas").path]
            + (strict ? ["--strict"] : []) + [file.path]
        let result = try CommandLineRunner.runProgram(try TestPython.interpreter(), arguments, in: folder)
        return (result.status, result.stdout + result.stderr)
    }

    /// The owner registers a set and a baseline; the developer passes, fails, replays and is refused.
    @Test func theGatesOutputsFollowTheirSchemas() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        var outputs: [Output] = []
        func run(_ command: String, _ arguments: [String], _ statuses: Set<Int32> = [0]) throws {
            let result = try repo.run(arguments + ["--json"])
            #expect(statuses.contains(result.status), "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
            outputs.append(Output(command: command, stdout: result.stdout))
        }
        try repo.write("better.csv", accuracy: 0.9)
        try repo.write("worse.csv", accuracy: 0.8)
        // The set supports 8 steps: two are spent above, six here, and the next check is refused.
        let more = [0.91, 0.92, 0.93, 0.94, 0.96, 0.97]
        for (i, accuracy) in more.enumerated() { try repo.write("model\(i).csv", accuracy: accuracy) }
        try run("key generate", ["key", "generate", "--output", "spare.key"])
        try run("plan", ["plan"])
        try run("plan", ["plan", "--condition", #"n - o > 0.02 +/- 0.01 /\ d < 0.1 +/- 0.01"#, "--steps", "32"])
        try run("plan", ["plan", "--condition", "n > 0.8 +/- 0.05", "--steps", "32", "--test-size", "6000"])
        try run("testset add", ["testset", "add", "--labels", "labels.csv", "--force"])
        try run("baseline set", ["baseline", "set", "--predictions", "baseline.csv", "--branch", "main"])
        try run("check", ["check", "--predictions", "better.csv"])
        try run("status", ["status", "--modes", "--limit", "1"])
        try run("check", ["check", "--predictions", "worse.csv"], [1])
        try run("check", ["check", "--predictions", "worse.csv"], [1])
        for i in more.indices { try run("check", ["check", "--predictions", "model\(i).csv"], [0, 1]) }
        try run("check", ["check", "--predictions", "baseline.csv"], [3])
        try run("status", ["status"])
        try run("testset list", ["testset", "list"])
        try run("version", ["version"])
        try run("plan", ["plan", "--condition", "n - o >> 0.02 +/- 0.01"], [2])
        try run("check", ["check", "--predictions", "missing.csv"], [2, 3])
        let list = try JSONSerialization.jsonObject(with: Data(try repo.run(["testset", "list", "--json"]).stdout.utf8)) as? [String: Any]
        let id = try #require((list?["testSets"] as? [[String: Any]])?.first?["id"] as? String)
        try run("testset retire", ["testset", "retire", id])
        #expect(outputs.contains { $0.stdout.contains(#""answer" : "refused""#) })
        #expect(outputs.contains { $0.stdout.contains(#""location""#) })
        let validated = try Self.validate(outputs)
        #expect(validated.status == 0, "\(validated.report)")
        #expect(validated.report.contains("\(outputs.count) outputs checked against the schemas, 0 problems"), "\(validated.report)")
    }

    /// CI in two phases (issue 15): `predict` with no key and `check --commit` on its artifact; the
    /// owner's one-command `check --commit` (the script runs here); a commit with no model change;
    /// the configured script under `check`; a prediction job with a key in reach and an edited
    /// artifact (errors).
    @Test func theTwoPhasesOutputsFollowTheirSchemas() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        let artifact = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-predictions.csv").standardizedFileURL
        defer {
            try? FileManager.default.removeItem(at: artifact)
            try? FileManager.default.removeItem(atPath: artifact.path + ".easeml.json")
        }
        var outputs: [Output] = []
        func record(_ command: String, _ arguments: [String], _ result: CommandLineRunner.Result, _ statuses: Set<Int32>) {
            #expect(statuses.contains(result.status), "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
            outputs.append(Output(command: command, stdout: result.stdout))
        }
        func run(_ command: String, _ arguments: [String], _ statuses: Set<Int32> = [0]) throws {
            record(command, arguments, try repo.run(arguments + ["--json"]), statuses)
        }
        /// The prediction job: no key in its environment unless `environment` puts one there.
        func predict(_ revision: String, _ statuses: Set<Int32> = [0], environment: [String: String] = [:]) throws {
            let arguments = ["predict", "--commit", revision, "--output", artifact.path]
            record("predict", arguments, try CommandLineRunner.run(arguments + ["--json"], in: repo.root, environment: environment), statuses)
        }
        try run("testset add", ["testset", "add", "--labels", "labels.csv", "--force"])
        try run("baseline set", ["baseline", "set", "--predictions", "baseline.csv", "--branch", "main"])
        _ = try repo.commitModel(accuracy: 0.9, message: "model v1")
        try predict("HEAD", [2], environment: repo.environment)
        try predict("HEAD")
        try run("check --commit", ["check", "--commit", "HEAD", "--predictions", artifact.path, "--branch", "main"])
        _ = try repo.commitModel(accuracy: 0.6, message: "model v2")
        try run("check --commit", ["check", "--commit", "HEAD", "--branch", "main"], [1])
        try predict("HEAD")
        try (String(contentsOf: artifact, encoding: .utf8) + "x0,1\n").write(to: artifact, atomically: true, encoding: .utf8)
        try run("check --commit", ["check", "--commit", "HEAD", "--predictions", artifact.path, "--branch", "main"], [2])
        try "docs\n".write(to: repo.root.appendingPathComponent("NOTES.md"), atomically: true, encoding: .utf8)
        try repo.git("add", "NOTES.md")
        try repo.git("commit", "-q", "-m", "docs only")
        try predict("HEAD")
        try run("check --commit", ["check", "--commit", "HEAD", "--predictions", artifact.path, "--branch", "main"])
        try run("check", ["check", "--branch", "main"], [0, 1])
        for expected in [#""source" : "predict""#, #""source" : "script""#, #""candidate" : false"#, #""predictionsSHA256""#, #""kind" : "key""#, #""kind" : "data""#] {
            #expect(outputs.contains { $0.stdout.contains(expected) }, "no output holds \(expected)")
        }
        let validated = try Self.validate(outputs)
        #expect(validated.status == 0, "\(validated.report)")
        #expect(validated.report.contains("\(outputs.count) outputs checked against the schemas, 0 problems"), "\(validated.report)")
    }

    /// Feasibility, valuation, a ModelPicker session and an AutoML run.
    @Test func theEnginesOutputsFollowTheirSchemas() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var outputs: [Output] = []
        func run(_ command: String, _ arguments: [String], _ statuses: Set<Int32> = [0]) throws {
            let result = try CommandLineRunner.run(arguments + ["--json"], in: folder)
            #expect(statuses.contains(result.status), "\(arguments): \(result.status) \(result.stdout) \(result.stderr)")
            outputs.append(Output(command: command, stdout: result.stdout))
        }
        let iris = try Fixtures.url("data/iris.csv").path
        try run("feasibility", ["feasibility", "--data", iris, "--target", "0.9"])
        try run("feasibility", ["feasibility", "--data", iris, "--data", iris, "--halving", "--halving-start", "20", "--target", "0.999"], [1])
        try run("value", ["value", "--train", iris, "--valid", iris, "-k", "3", "--flag", "0.1"])
        // Three models on a pool of 60 items, one label a model gets wrong more often than the next.
        let truth = (0..<60).map { ($0 * 5 + $0 / 7) % 3 }
        for (name, wrongEvery) in [("m1", 10), ("m2", 4), ("m3", 2)] {
            let rows = truth.enumerated().map { i, label in "p\(i),\(i % wrongEvery == 0 ? (label + 1) % 3 : label)" }
            try ("id,prediction\n" + rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
        }
        try run("pick start", ["pick", "start", "--name", "monday", "--models", "m1.csv", "m2.csv", "m3.csv", "--ledger", "pick.sqlite"])
        try run("pick next", ["pick", "next", "--batch", "3", "--ledger", "pick.sqlite"])
        let next = try JSONSerialization.jsonObject(with: Data(outputs.last!.stdout.utf8)) as? [[String: Any]] ?? []
        let given = next.compactMap { $0["id"] as? String }.map { id in "\(id)=\(truth[Int(id.dropFirst())!])" }
        #expect(!given.isEmpty)
        try run("pick label", ["pick", "label", "--ledger", "pick.sqlite"] + given)
        try run("pick status", ["pick", "status", "--ledger", "pick.sqlite"])
        try run("pick choose", ["pick", "choose", "--ledger", "pick.sqlite"])
        let trial = folder.appendingPathComponent("trial.sh")
        try "#!/bin/sh\necho \"EASEML_RESULT {\\\"score\\\": 0.$1}\"\n".write(to: trial, atomically: true, encoding: .utf8)
        chmod(trial.path, 0o755)
        try "x,label\n1,a\n".write(to: folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try "x,label\n2,b\n".write(to: folder.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
        try """
            condition: n > 0.8 +/- 0.05
            reliability: 0.99
            automl:
              train: train.csv
              valid: valid.csv
              budget: {trials: 2}
              candidates:
                - name: t
                  command: ./trial.sh {x}
                  grid: {x: [1, 2]}
            """.write(to: folder.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        try run("automl run", ["automl", "run", "--ledger", "automl.sqlite"])
        try run("automl leaderboard", ["automl", "leaderboard", "--ledger", "automl.sqlite"])
        let validated = try Self.validate(outputs)
        #expect(validated.status == 0, "\(validated.report)")
        #expect(validated.report.contains("\(outputs.count) outputs checked against the schemas, 0 problems"), "\(validated.report)")
    }

    /// The validator rejects an output that breaks its schema: the check is not vacuous.
    @Test func aBrokenOutputIsReported() throws {
        let broken = [
            Output(command: "check", stdout: #"{"answer": "maybe", "replay": false}"#),
            Output(command: "plan", stdout: #"{"error": {"kind": "condition", "message": "", "exitCode": 7}}"#),
            Output(command: "init", stdout: #"{"written": []}"#),
            Output(command: "check --commit", stdout: #"{"commit": "abc", "summary": "s", "candidate": true, "relevantPaths": [], "gate": {"answer": "pass"}}"#),
        ]
        let validated = try Self.validate(broken)
        #expect(validated.status == 1)
        #expect(validated.report.contains("check: answer: 'maybe' is not one of"), "\(validated.report)")
        #expect(validated.report.contains("check: (document): 'testSetID' is a required property"), "\(validated.report)")
        #expect(validated.report.contains("plan: error/exitCode: 7 is not one of [1, 2, 3, 4]"), "\(validated.report)")
        #expect(validated.report.contains("init: no schema in schemas/index.json"), "\(validated.report)")
        #expect(validated.report.contains("check --commit: commit: 'abc' does not match"), "\(validated.report)")
        #expect(validated.report.contains("check --commit: gate: 'replay' is a required property"), "\(validated.report)")
        #expect(try Self.validate([broken[2]], strict: false).status == 0)
    }
}
