import EaseMLCI
import EaseMLEngines
import Foundation
import Testing

/// The trial contract on the local backend (subprocess, placeholders, result line, exit code, timeout, memory cap, log)
/// and the data-discipline refusals.
struct AutoMLTrialTests {
    let local = LocalTrialExecutor()

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("automl-trial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func trial(_ script: String, in folder: URL, timeout: Double? = nil, memory: Int? = nil, parameters: [String: String] = [:]) -> AutoMLTrial {
        AutoMLTrial(
            name: "easeml-test-1", template: ["sh", "-c", script, "trial", "{train}", "{valid}", "{out_dir}", "{seed}"], trainPath: "/data/train.csv",
            validPath: "/data/valid.csv", outDirectory: folder.appendingPathComponent("t1").path, seed: 42, parameters: parameters,
            timeoutSeconds: timeout, memoryMiB: memory)
    }

    @Test func aTrialGetsItsPlaceholdersAndReportsItsScore() throws {
        let folder = try Self.scratch()
        let t = trial("echo training on $1 $2 into $3 seed $4 depth {depth}; echo 'EASEML_RESULT {\"score\": 0.875, \"fit_seconds\": 1.5}'", in: folder, parameters: ["depth": "7"])
        #expect(try t.arguments()[2].contains("depth 7"))
        let outcome = try local.run(t)
        #expect(outcome == .ok(score: 0.875, result: "{\"score\": 0.875, \"fit_seconds\": 1.5}"))
        let log = try String(contentsOfFile: t.logPath, encoding: .utf8)
        #expect(log.contains("training on /data/train.csv /data/valid.csv into \(folder.path)/t1 seed 42 depth 7"))
    }

    @Test func exitCodeAndResultLineDecideFailure() throws {
        let folder = try Self.scratch()
        #expect(try local.run(trial("echo 'EASEML_RESULT {\"score\": 0.9}'; echo oops >&2; exit 3", in: folder)) == .failed(reason: "exit status 3"))
        #expect(try String(contentsOfFile: folder.appendingPathComponent("t1/trial.log").path, encoding: .utf8).contains("oops"))
        let missing = try local.run(trial("echo done", in: folder))
        guard case .failed(let reason) = missing else { Issue.record("expected a failure, got \(missing)"); return }
        #expect(reason.contains("no `EASEML_RESULT {json}` line"))
        let noScore = try local.run(trial("echo 'EASEML_RESULT {\"accuracy\": 0.9}'", in: folder))
        guard case .failed(let why) = noScore else { Issue.record("expected a failure, got \(noScore)"); return }
        #expect(why.contains("no finite number `score`"))
    }

    @Test func aTrialIsKilledAtItsTimeout() throws {
        let folder = try Self.scratch()
        let start = ContinuousClock.now
        let outcome = try local.run(trial("sleep 20 & sleep 20; echo 'EASEML_RESULT {\"score\": 1}'", in: folder, timeout: 0.3))
        #expect(outcome == .timedOut(seconds: 0.3))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func memoryIsCapped() throws {
        let folder = try Self.scratch()
        let hungry = "python3 -c 'x = bytearray(600 * 1024 * 1024); print(\"EASEML_RESULT {\\\"score\\\": 1}\")'"
        let capped = try local.run(trial(hungry, in: folder, memory: 200))
        guard case .failed = capped else { Issue.record("expected the capped trial to fail, got \(capped)"); return }
        #expect(try local.run(trial(hungry, in: folder)) == .ok(score: 1, result: "{\"score\": 1}"))
    }

    @Test func anUnknownPlaceholderIsRefused() {
        let t = AutoMLTrial(name: "easeml-test-2", template: ["run", "--lr={lr}"], trainPath: "a", validPath: "b", outDirectory: "/tmp/x", seed: 1)
        #expect(throws: EaseMLCIError.self) { try t.arguments() }
        do { _ = try t.arguments() } catch { #expect(error.description.contains("unknown placeholder {lr}")) }
    }

    @Test func testSetsAreRefusedByPathSymlinkAndCopy() throws {
        let folder = try Self.scratch()
        let test = folder.appendingPathComponent("test.csv")
        let train = folder.appendingPathComponent("train.csv")
        try Data("x,label\n1,a\n2,b\n".utf8).write(to: test)
        try Data("x,label\n3,a\n4,b\n".utf8).write(to: train)
        let protected = [AutoMLDataDiscipline.ProtectedFile(testSet: "holdout", path: test.path)]
        try AutoMLDataDiscipline.check(inputs: [train.path], protected: protected)

        func refusal(_ input: String) -> String {
            do {
                try AutoMLDataDiscipline.check(inputs: [train.path, input], protected: protected)
                return "accepted"
            } catch { return error.description }
        }
        let byPath = refusal(folder.path + "/./test.csv")
        #expect(byPath.contains("is the same file as the registered test set holdout"))
        let link = folder.appendingPathComponent("valid.csv")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: test)
        #expect(refusal(link.path).contains("trial input \(link.path) is a link to the registered test set holdout"))
        let copyFolder = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: copyFolder, withIntermediateDirectories: true)
        let copy = copyFolder.appendingPathComponent("valid.csv")
        try FileManager.default.copyItem(at: test, to: copy)
        #expect(refusal(copyFolder.path).contains("trial input \(copy.path) is a byte-identical copy of the registered test set holdout"))
        #expect(refusal(copy.path).contains("byte-identical copy"))
    }
}
