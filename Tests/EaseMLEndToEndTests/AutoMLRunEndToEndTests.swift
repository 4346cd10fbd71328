import EaseMLCI
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl run`, `--resume` and `leaderboard` with the real binary and a fake trial
/// command: a shell script that looks the score up by its parameter `x` (x=3 sleeps past the
/// timeout, x=4 exits 3) and appends `start x` / `end x` to a side file, so executions are counted.
@Suite(.serialized) struct AutoMLRunEndToEndTests {
    static let script = """
        #!/bin/sh
        # trial.sh {x} {out_dir} {train}
        echo "start $1" >> "$(dirname "$0")/executions.txt"
        test -f "$3" || { echo "no training data"; exit 2; }
        sleep "${TRIAL_SLEEP:-0}"
        case "$1" in
          1) score=0.6 ;;
          2) score=0.9 ;;
          3) sleep 30; score=0.99 ;;
          4) echo "end $1" >> "$(dirname "$0")/executions.txt"; echo "boom" >&2; exit 3 ;;
          5) score=0.7 ;;
          6) score=0.8 ;;
        esac
        echo "end $1" >> "$(dirname "$0")/executions.txt"
        echo "EASEML_RESULT {\\"score\\": $score}"
        """

    /// A repository folder with the script, data and `.easeml.yml`.
    static func workspace(trials: Int, workers: Int) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let script = folder.appendingPathComponent("trial.sh")
        try Data(Self.script.utf8).write(to: script)
        chmod(script.path, 0o755)
        try Data("x,label\n1,a\n2,b\n".utf8).write(to: folder.appendingPathComponent("train.csv"))
        try Data("x,label\n3,a\n4,b\n".utf8).write(to: folder.appendingPathComponent("valid.csv"))
        let config = """
            condition: n > 0.8 +/- 0.05
            reliability: 0.99
            automl:
              train: train.csv
              valid: valid.csv
              budget: {trials: \(trials)}
              timeout: 1
              workers: \(workers)
              policy: round_robin
              candidates:
                - name: fake
                  command: ./trial.sh {x} {out_dir} {train}
                  grid: {x: [1, 2, 3, 4, 5, 6]}

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent(".easeml.yml"))
        return folder
    }

    static func executions(_ folder: URL) -> [String] {
        let text = (try? String(contentsOf: folder.appendingPathComponent("executions.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    static func ledger(_ folder: URL) -> String { folder.appendingPathComponent("ledger.sqlite").path }

    @Test func theBudgetStopsTheSearchAndEveryTrialIsRecorded() throws {
        let folder = try Self.workspace(trials: 3, workers: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandLineRunner.run(["automl", "run", "--ledger", Self.ledger(folder)], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("done: the budget of 3 trials is spent"))
        let ledger = try Ledger.open(at: Self.ledger(folder), create: false)
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.count == 3)
        #expect(trials.allSatisfy { $0.state.isFinal && $0.attempts == 1 })
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")
        #expect(Self.executions(folder).filter { $0.hasPrefix("start") }.count == 3)
        for trial in trials { #expect(FileManager.default.fileExists(atPath: try #require(trial.logPath))) }
    }

    @Test func timeoutsFailuresKillAndResumeAndTheLeaderboard() throws {
        let folder = try Self.workspace(trials: 100, workers: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let running = try CommandLineRunner.start(["automl", "run", "--ledger", Self.ledger(folder)], in: folder, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "0.8"])
        let deadline = Date().addingTimeInterval(60)
        while Self.executions(folder).filter({ $0.hasPrefix("end") }).count < 2, Date() < deadline { usleep(20_000) }
        // Let the run record them and start the next trials' processes (a trial recorded as started
        // whose process has not run yet would not be counted below), then kill it hard in the
        // middle of the search.
        let ledger = try Ledger.open(at: Self.ledger(folder), create: false)
        while Date() < deadline {
            let trials = (try? ledger.automlTrials(run: "run-1")) ?? []
            if trials.filter(\.state.isFinal).count >= 2, Self.executions(folder).filter({ $0.hasPrefix("start") }).count >= trials.count { break }
            usleep(10_000)
        }
        kill(running.process.processIdentifier, SIGKILL)
        _ = running.finish()
        // What had really started by the kill (a trial recorded as started an instant before it
        // may not have had its process yet, and one spawned just before it writes its line an instant
        // after): every trial not finished runs once more on resume.
        usleep(500_000)
        let startsBeforeKill = Self.executions(folder).filter { $0.hasPrefix("start") }.count
        let before = try ledger.automlTrials(run: "run-1")
        let finishedBefore = before.filter { $0.state.isFinal }
        #expect(!finishedBefore.isEmpty)
        #expect(before.count < 6, "the kill came after the search ended")
        #expect(try ledger.automlRun(id: "run-1")?.status == "running")

        let resumed = try CommandLineRunner.run(["automl", "run", "--resume", "--ledger", Self.ledger(folder)], in: folder, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "0.1"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming run-1"))
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.count == 6)
        #expect(Set(trials.map(\.arm)) == Set(0..<6))
        #expect(trials.allSatisfy { $0.state.isFinal })
        let byArm = Dictionary(uniqueKeysWithValues: trials.map { ($0.arm, $0) })
        #expect(byArm[2]?.state == .timedOut)
        #expect(byArm[3]?.state == .failed)
        #expect(byArm[3]?.reason == "exit status 3")
        #expect(byArm[1]?.score == 0.9)
        // Finished trials were not run again; no arm completed twice.
        let lines = Self.executions(folder)
        for trial in finishedBefore {
            #expect(lines.filter { $0 == "start \(trial.arm + 1)" }.count == 1, "arm \(trial.arm) ran again")
        }
        for trial in finishedBefore {
            #expect(byArm[trial.arm]?.attempts == 1)
            #expect(byArm[trial.arm]?.id == trial.id)
        }
        // Interrupted trials ran again, once; the orphan of the killed run was killed, not finished.
        let interrupted = before.filter { !$0.state.isFinal }
        #expect(!interrupted.isEmpty)
        for trial in interrupted { #expect(byArm[trial.arm]?.attempts == 2) }
        #expect(lines.filter { $0 == "end 3" }.isEmpty, "the x=3 trial finished: \(lines)")
        #expect(lines.filter { $0.hasPrefix("start") }.count == startsBeforeKill + (6 - finishedBefore.count), "\(lines)")
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")

        let verify = try CommandLineRunner.run(["ledger", "verify", "--ledger", Self.ledger(folder)], in: folder)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        let board = try CommandLineRunner.run(["automl", "leaderboard", "--json", "--ledger", Self.ledger(folder)], in: folder)
        #expect(board.status == 0, "\(board.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(board.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 6)
        #expect(rows.first?["arm"] as? String == "fake[x=2]")
        #expect(rows.first?["rank"] as? Int == 1)
        #expect(rows.map { $0["state"] as? String } == ["ok", "ok", "ok", "ok", "failed", "timed-out"] || rows.map { $0["state"] as? String } == ["ok", "ok", "ok", "ok", "timed-out", "failed"])
        let table = try CommandLineRunner.run(["automl", "leaderboard", "--ledger", Self.ledger(folder)], in: folder)
        #expect(table.stdout.contains("   1  fake[x=2]  ok         0.9000"))
    }

    @Test func aRunOnARegisteredTestSetIsRefused() throws {
        let folder = try Self.workspace(trials: 3, workers: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        let test = folder.appendingPathComponent("holdout.csv")
        try Data("x,label\n1,a\n2,b\n".utf8).write(to: test)  // byte-identical to train.csv
        let ledger = try Ledger.open(at: Self.ledger(folder), create: true)
        ledger.authenticate(with: LedgerKey(ownerKey: Data(repeating: 1, count: 32)))
        try ledger.registerTestSet(NewTestSet(
            id: "ts1", name: "holdout", size: 2, classes: ["a", "b"], steps: 1, adaptivity: .full, reliability: 0.99, condition: "n > 0.8 +/- 0.05",
            plannedSize: 2, sealedLabels: Data([1, 2, 3]), inputsPath: test.path))
        let result = try CommandLineRunner.run(["automl", "run", "--ledger", Self.ledger(folder)], in: folder)
        #expect(result.status != 0)
        #expect(result.stderr.contains("train.csv is a byte-identical copy of the registered test set holdout"), "\(result.stderr)")
        #expect(Self.executions(folder).isEmpty)
        #expect(try ledger.automlRunIDs().isEmpty)
    }
}

extension AutoMLRunEndToEndTests {
    @Test func proposeCommitsTheBestArmOnABranchAndLeavesTheWorkingTreeAlone() throws {
        let folder = try Self.workspace(trials: 100, workers: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        try runGit(folder, ["init", "-q", "-b", "main"])
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "add", "trial.sh", ".easeml.yml", "train.csv", "valid.csv"])
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base"])
        let run = try CommandLineRunner.run(["automl", "run", "--ledger", Self.ledger(folder)], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let statusBefore = try runGit(folder, ["status", "--porcelain"])
        let headBefore = try runGit(folder, ["rev-parse", "HEAD"])
        let result = try CommandLineRunner.run(["automl", "propose", "--ledger", Self.ledger(folder)], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("proposed fake[x=2] (score 0.9000) on easeml/automl/main/run-1"))
        let file = try runGit(folder, ["show", "easeml/automl/main/run-1:easeml-automl.json"])
        #expect(file.contains("\"arm\" : \"fake[x=2]\""))
        #expect(file.contains("\"x\" : \"2\""))
        #expect(try runGit(folder, ["rev-parse", "easeml/automl/main/run-1^"]) == headBefore)
        #expect(try runGit(folder, ["show", "easeml/automl/main/run-1:trial.sh"]).contains("EASEML_RESULT"))
        #expect(try runGit(folder, ["rev-parse", "HEAD"]) == headBefore)
        #expect(try runGit(folder, ["status", "--porcelain"]) == statusBefore)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("easeml-automl.json").path))
        let ledger = try Ledger.open(at: Self.ledger(folder), create: false)
        #expect(try ledger.automlProposals(run: "run-1").map(\.branch) == ["easeml/automl/main/run-1"])
        #expect(try ledger.verify().isClean)
    }
}
