import EaseMLTestSupport
import EaseMLLedger
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl run` stopped by SIGTERM or SIGINT, with the real binary: no trial starts any
/// more, local trials are killed and re-queued, Ray jobs (`FakeRayCluster`) are left running, the
/// run stays unfinished and the exit code is 128 + the signal's number; `--resume` then runs every
/// arm to its end exactly once and submits no Ray job twice.
@Suite(.serialized) struct AutoMLRunStopTests {
    static let script = """
        #!/bin/sh
        # trial.sh {x}: logs `start x` and `end x`, sleeps in between, scores x/10.
        echo "start $1" >> "$(dirname "$0")/executions.txt"
        sleep "${TRIAL_SLEEP:-0}"
        echo "end $1" >> "$(dirname "$0")/executions.txt"
        echo "EASEML_RESULT {\\"score\\": 0.$1}"
        """

    /// Four local arms, two workers, no budget (the search ends when every arm has run).
    static func workspace() throws -> URL {
        try AutoMLWorkspace.make(script: script, automl: """
            train: train.csv
            valid: valid.csv
            timeout: 60
            workers: 2
            policy: round_robin
            candidates:
              - name: t
                command: ./trial.sh {x}
                grid: {x: [1, 2, 3, 4]}
            """)
    }

    static func ledgerPath(_ folder: URL) -> String { folder.appendingPathComponent("ledger.sqlite").path }

    static func run(_ folder: URL, resume: Bool = false, environment: [String: String]) throws -> CommandLineRunner.Running {
        try CommandLineRunner.start(
            ["automl", "run", "--ledger", ledgerPath(folder)] + (resume ? ["--resume"] : []), in: folder, environment: environment.merging(["CI": "true"]) { $1 })
    }

    static func executions(_ folder: URL) -> [Substring] {
        ((try? String(contentsOf: folder.appendingPathComponent("executions.txt"), encoding: .utf8)) ?? "").split(separator: "\n")
    }

    static func trials(_ folder: URL) -> [AutoMLTrialRecord] {
        (try? Ledger.open(at: ledgerPath(folder), create: false).automlTrials(run: "run-1")) ?? []
    }

    /// The live processes working in `folder` (a trial's shell and its `sleep`: their current
    /// folder is the one `automl run` ran in).
    static func processes(in folder: URL) -> [String] {
        let wanted = folder.resolvingSymlinksInPath().path
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            Int32(entry) != nil && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd")) == wanted
        }
    }

    @Test(arguments: [("SIGTERM", SIGTERM, Int32(143)), ("SIGINT", SIGINT, Int32(130))])
    func aSignalStopsLocalTrialsAndResumeRunsEveryArmOnce(name: String, signal: Int32, exitCode: Int32) throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let began = Date()
        let first = try Self.run(folder, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "30"])
        #expect(AutoMLRayBackendEndToEndTests.waitUntil(30) {
            Self.trials(folder).filter { $0.state == .running }.count == 2 && Self.executions(folder).count == 2
        })
        kill(first.process.processIdentifier, signal)
        let stopped = first.finish()
        #expect(stopped.status == exitCode, "\(stopped.stdout)\(stopped.stderr)")
        #expect(Date().timeIntervalSince(began) < 25, "the trials were not stopped")
        #expect(stopped.stdout.contains("automl: \(name): stopping 2 running trial(s)\n"), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("automl: run-1 stopped by \(name) after 2 trials (2 re-queued); `automl run --resume` continues it\n"), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("automl run-1 (running): 2 trials"), "the leaderboard so far: \(stopped.stdout)")
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        #expect(try ledger.automlRun(id: "run-1")?.status == "running")
        #expect(Self.trials(folder).map(\.state) == [.queued, .queued])
        #expect(Self.trials(folder).allSatisfy { $0.attempts == 1 })
        #expect(!Self.executions(folder).contains { $0.hasPrefix("end") }, "a stopped trial ran on")
        #expect(Self.processes(in: folder).isEmpty, "an orphan trial process survived the stop")

        let resumed = try Self.run(folder, resume: true, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "0.05"]).finish()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("automl: resuming run-1\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("automl: run-1 done: every arm has been tried\n"), "\(resumed.stdout)")
        let trials = Self.trials(folder)
        #expect(trials.count == 4 && Set(trials.map(\.arm)) == Set(0..<4) && trials.allSatisfy { $0.state == .ok }, "\(trials)")
        #expect(trials.map(\.attempts) == [2, 2, 1, 1], "the stopped trials ran again, once")
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")
        let ends = Self.executions(folder).filter { $0.hasPrefix("end") }
        #expect(ends.count == 4 && Set(ends).count == 4, "\(ends)")
        #expect(Self.executions(folder).filter { $0.hasPrefix("start") }.count == 6)
        #expect(try ledger.verify().isClean)
    }

    @Test func sigtermLeavesRayJobsRunningAndResumeAdoptsThem() throws {
        let hold = AutoMLServeResumeTests.Hold()
        hold.set(true)
        let cluster = try FakeRayCluster { entrypoint in
            hold.isOn ? FakeRayCluster.Script(states: ["RUNNING"], logs: "", exitCode: nil) : AutoMLRayBackendEndToEndTests.plan(entrypoint)
        }
        defer { cluster.stop() }
        let folder = try AutoMLRayBackendEndToEndTests.workspace(address: cluster.address, workers: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.run(folder, environment: [:])
        #expect(AutoMLRayBackendEndToEndTests.waitUntil(30) {
            cluster.submissions.count == 2 && Self.trials(folder).filter { $0.state == .running }.count == 2
        })
        kill(first.process.processIdentifier, SIGTERM)
        let stopped = first.finish()
        #expect(stopped.status == 143, "\(stopped.stdout)\(stopped.stderr)")
        #expect(stopped.stdout.components(separatedBy: "left running for `--resume`: fake[x=").count == 3, "\(stopped.stdout)")
        #expect(stopped.stdout.contains("automl: run-1 stopped by SIGTERM after 2 trials (0 re-queued)"), "\(stopped.stdout)")
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        #expect(try ledger.automlRun(id: "run-1")?.status == "running")
        #expect(Self.trials(folder).map(\.state) == [.running, .running])
        #expect(!cluster.requestLines.contains { $0.hasSuffix("/stop") }, "a Ray job was stopped")

        // The held jobs end once polled by the resume; new ones follow `plan`.
        hold.set(false)
        for x in 1...4 { cluster.rescript(entrypointContaining: "trial.sh \(x)", AutoMLRayBackendEndToEndTests.plan("trial.sh \(x)")) }
        let resumed = try Self.run(folder, resume: true, environment: [:]).finish()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("automl: resuming run-1; adopted 2 trial(s) still running\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("automl: run-1 done: every arm has been tried"), "\(resumed.stdout)")
        let trials = Self.trials(folder)
        #expect(trials.count == 4 && Set(trials.map(\.arm)) == Set(0..<4) && trials.allSatisfy { $0.state.isFinal && $0.attempts == 1 }, "\(trials)")
        #expect(Dictionary(uniqueKeysWithValues: trials.map { ($0.arm, $0.score) })[1] == 0.9)
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")
        // Every job was submitted once: the adopted ones were never posted again.
        #expect(cluster.submissions.count == 4 && Set(cluster.submissions).count == 4)
        #expect(cluster.requestLines.filter { $0 == "POST /api/jobs/" }.count == 4)
        #expect(try ledger.verify().isClean)
    }

    @Test func aTrialStartsWithTheDefaultSignalHandlers() throws {
        // The trial scores 1 when neither SIGTERM (bit 15) nor SIGINT (bit 2) is ignored.
        let folder = try AutoMLWorkspace.make(script: """
            #!/bin/sh
            ignored=$(grep SigIgn /proc/$$/status | cut -f2)
            if [ $(( 0x$ignored & 0x4002 )) -eq 0 ]; then score=1; else score=0; fi
            echo "EASEML_RESULT {\\"score\\": $score}"
            """, automl: """
            train: train.csv
            valid: valid.csv
            candidates:
              - name: t
                command: ./trial.sh
            """)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.run(folder, environment: [:]).finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.trials(folder).map(\.score) == [1], "\(result.stdout)")
    }

    @Test func theHelpNamesTheExitCodesOfAStop() throws {
        let help = try CommandLineRunner.run(["automl", "run", "--help"])
        #expect(help.status == 0)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("the exit code is then 143 (SIGTERM) or 130 (SIGINT)"), "\(help.stdout)")
    }
}
