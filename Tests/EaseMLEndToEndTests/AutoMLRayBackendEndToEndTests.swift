import EaseMLCI
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl run` with `backend: ray`, the real binary against `FakeRayCluster` on
/// 127.0.0.1: a whole search, kill -9 and `--resume` (a job that ended meanwhile is recorded from
/// its logs, one still running is adopted; no job is submitted twice), and an unreachable cluster.
@Suite(.serialized) struct AutoMLRayBackendEndToEndTests {
    /// The fake's jobs by the arm's `x` (the entrypoint's last word): x=4 fails with exit 3.
    static func plan(_ entrypoint: String) -> FakeRayCluster.Script {
        switch entrypoint.split(separator: " ").last {
        case "1": return .succeeds("EASEML_RESULT {\"score\": 0.6}\n")
        case "2": return .succeeds("EASEML_RESULT {\"score\": 0.9}\n")
        case "3": return .succeeds("EASEML_RESULT {\"score\": 0.7}\n")
        default: return FakeRayCluster.Script(states: ["RUNNING", "FAILED"], logs: "boom\n", exitCode: 3)
        }
    }

    /// A repository folder with data and an `.easeml.yml` of four arms `./trial.sh {x}` on Ray.
    static func workspace(address: String, workers: Int, timeout: Double = 30) throws -> URL {
        try RayWorkspace.make(address: address, workers: workers, timeout: timeout)
    }

    static func writeConfig(_ folder: URL, address: String, workers: Int, timeout: Double = 30) throws {
        try RayWorkspace.writeConfig(folder, address: address, workers: workers, timeout: timeout)
    }

    static func ledgerPath(_ folder: URL) -> String { folder.appendingPathComponent("ledger.sqlite").path }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool { EaseMLTestSupport.waitUntil(seconds, condition) }

    @Test func aSearchRunsAsRayJobs() throws {
        let cluster = try FakeRayCluster(plan: Self.plan)
        defer { cluster.stop() }
        let folder = try Self.workspace(address: cluster.address, workers: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandLineRunner.run(["automl", "run", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("automl: Ray 2.60.0 at \(cluster.address)"))
        #expect(result.stdout.contains("done: every arm has been tried"))
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        let trials = try ledger.automlTrials(run: "run-1")
        let byArm = Dictionary(uniqueKeysWithValues: trials.map { ($0.arm, $0) })
        #expect(trials.count == 4)
        #expect(byArm[1]?.score == 0.9)
        #expect(byArm[3]?.state == .failed && byArm[3]?.reason == "exit status 3")
        #expect(try String(contentsOfFile: try #require(byArm[3]?.logPath), encoding: .utf8) == "boom\n")
        // One job per trial, named after it, running the resolved command.
        #expect(cluster.submissions.count == 4 && Set(cluster.submissions).count == 4)
        for job in cluster.jobs.values {
            #expect(job.entrypoint.hasPrefix("exec \(folder.path)/./trial.sh "))
            #expect(job.environment == ["EASEML_TRIAL": job.id])
            #expect(job.id.hasPrefix("easeml-") && job.id.contains("-run-1-"))
        }
        #expect(cluster.decoy.connectionCount == 0)
        let board = try CommandLineRunner.run(["automl", "leaderboard", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(board.stdout.contains("   1  fake[x=2]  ok      0.9000"), "\(board.stdout)")
    }

    @Test func resumeRecordsEndedJobsAndAdoptsRunningOnesWithoutResubmitting() throws {
        let cluster = try FakeRayCluster { entrypoint in
            let x = entrypoint.split(separator: " ").last
            return x == "1" || x == "2" ? FakeRayCluster.Script(states: ["RUNNING"], logs: "", exitCode: nil) : Self.plan(entrypoint)
        }
        defer { cluster.stop() }
        let folder = try Self.workspace(address: cluster.address, workers: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try CommandLineRunner.start(["automl", "run", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(Self.waitUntil(30) { cluster.submissions.count == 2 })
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.finish()
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        #expect(try ledger.automlTrials(run: "run-1").map(\.state) == [.running, .running])

        // While no run watched, x=1 ended; x=2 is still running and ends once the resume polls it.
        cluster.rescript(entrypointContaining: "trial.sh 1", .succeeds("EASEML_RESULT {\"score\": 0.6}\n", after: 0))
        let polledBefore = cluster.requestLines.count
        let resumed = try CommandLineRunner.start(["automl", "run", "--resume", "--ledger", Self.ledgerPath(folder)], in: folder)
        let x2 = try #require(cluster.jobs.values.first { $0.entrypoint.hasSuffix("trial.sh 2") }?.id)
        #expect(Self.waitUntil(30) { cluster.requestLines.dropFirst(polledBefore).filter { $0 == "GET /api/jobs/\(x2)" }.count >= 2 })
        cluster.rescript(entrypointContaining: "trial.sh 2", .succeeds("EASEML_RESULT {\"score\": 0.9}\n", after: 1))
        let result = resumed.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("resuming run-1; recorded 1 trial(s) that ended meanwhile; adopted 1 trial(s) still running"), "\(result.stdout)")
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.count == 4)
        #expect(trials.allSatisfy { $0.state.isFinal && $0.attempts == 1 })
        #expect(Dictionary(uniqueKeysWithValues: trials.map { ($0.arm, $0.score) })[1] == 0.9)
        // Every job was created once, and no second POST was even tried for the first two.
        #expect(cluster.submissions.count == 4 && Set(cluster.submissions).count == 4)
        #expect(cluster.requestLines.filter { $0 == "POST /api/jobs/" }.count == 4)
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")
        #expect(try ledger.verify().isClean)
    }

    @Test func anUnreachableClusterStopsTheRunForALaterResume() throws {
        let vacated = try TestHTTPServer { _ in .drop }
        let closedAddress = vacated.address
        vacated.stop()
        let folder = try Self.workspace(address: closedAddress, workers: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        let refused = try CommandLineRunner.run(["automl", "run", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("error: cannot reach \(closedAddress) (5 attempts)"), "\(refused.stderr)")
        #expect(try Ledger.open(at: Self.ledgerPath(folder), create: false).automlRunIDs().isEmpty)

        // The cluster goes away in the middle of a trial: the run stops, its trial left running.
        let cluster = try FakeRayCluster { _ in FakeRayCluster.Script(states: ["RUNNING"], logs: "", exitCode: nil) }
        try Self.writeConfig(folder, address: cluster.address, workers: 1)
        let running = try CommandLineRunner.start(["automl", "run", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(Self.waitUntil(30) { cluster.submissions.count == 1 })
        cluster.stop()
        let interrupted = running.finish()
        #expect(interrupted.status == 4)
        #expect(interrupted.stderr.contains("error: cannot reach \(cluster.address)"), "\(interrupted.stderr)")
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        #expect(try ledger.automlRun(id: "run-1")?.status == "running")
        #expect(try ledger.automlTrials(run: "run-1").map(\.state) == [.running])

        // A new cluster does not know the job: the trial is lost, runs again, and the run ends.
        let fresh = try FakeRayCluster(plan: Self.plan)
        defer { fresh.stop() }
        try Self.writeConfig(folder, address: fresh.address, workers: 1)
        let resumed = try CommandLineRunner.run(["automl", "run", "--resume", "--ledger", Self.ledgerPath(folder)], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("re-queued 1 interrupted trial(s)"))
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.count == 4 && trials.allSatisfy(\.state.isFinal))
        #expect(trials.first?.attempts == 2)
        #expect(fresh.submissions.count == 4)
    }
}
