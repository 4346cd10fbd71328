import EaseMLCI
import EaseMLCore
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `automl run` with `backend: ray` on a real Ray cluster: `.venv/bin/ray start --head` bound to
/// 127.0.0.1 on free ports (made by `./install.sh`), a four-arm search killed with -9 in the middle
/// and resumed, then `ray stop` (always; note that it stops every Ray process of this user on the
/// machine). Every request goes to 127.0.0.1.
@Suite(.serialized) struct AutoMLRealRayTests {
    static let script = """
        #!/bin/sh
        # trial.sh {x}: x=2 takes 3 s, x=3 outlives its timeout, x=4 exits 3.
        echo "start $1" >> "$(dirname "$0")/executions.txt"
        echo "trial $1 as $EASEML_TRIAL"
        case "$1" in
          1) score=0.6 ;;
          2) sleep 3; score=0.9 ;;
          3) sleep 60; score=0.99 ;;
          4) echo boom >&2; exit 3 ;;
        esac
        echo "end $1" >> "$(dirname "$0")/executions.txt"
        echo "EASEML_RESULT {\\"score\\": $score}"
        """

    /// A port nothing listens on now.
    static func freePort() throws -> UInt16 {
        let server = try TestHTTPServer { _ in .drop }
        server.stop()
        return server.port
    }

    static func ray(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = TestPython.binDirectory.appendingPathComponent("ray")
        guard FileManager.default.isExecutableFile(atPath: process.executableURL!.path) else {
            throw TestPython.MissingEnvironment(path: process.executableURL!.path)
        }
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(.timeLimit(.minutes(3))) func aSearchRunsOnARealRayClusterAndSurvivesAKill() throws {
        let temp = "/tmp/er-" + String(UUID().uuidString.prefix(6))
        let dashboard = try Self.freePort()
        let started = try Self.ray([
            "start", "--head", "--node-ip-address=127.0.0.1", "--dashboard-host=127.0.0.1", "--port=\(try Self.freePort())",
            "--dashboard-port=\(dashboard)", "--dashboard-agent-listen-port=\(try Self.freePort())", "--ray-client-server-port=\(try Self.freePort())",
            "--num-cpus=2", "--disable-usage-stats", "--temp-dir=\(temp)",
        ])
        defer {
            // A short grace period: where PID 1 reaps slowly, Ray's exited processes linger as
            // zombies and `ray stop` would wait its full 16 s for them.
            _ = try? Self.ray(["stop", "--grace-period", "3"])
            try? FileManager.default.removeItem(atPath: temp)
        }
        try #require(started.status == 0, "ray start failed:\n\(started.output)")
        let address = "http://127.0.0.1:\(dashboard)"
        let jobs = RayJobsClient(http: HTTPClient(address: try HTTPAddress(parsing: address), timeoutSeconds: 5, attempts: 1))
        #expect(waitUntil(40) { (try? jobs.version()) != nil }, "the dashboard did not answer")

        let folder = try RayWorkspace.make(address: address, workers: 2, timeout: 25)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("trial.sh")
        try Data(Self.script.utf8).write(to: script)
        chmod(script.path, 0o755)
        let ledgerPath = folder.appendingPathComponent("ledger.sqlite").path
        func executions() -> [String] {
            ((try? String(contentsOf: folder.appendingPathComponent("executions.txt"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        // Kill the run while the x=2 job runs on the cluster, then resume: it is adopted. The
        // timeout (25 s) leaves room for Ray starting each job: 5–9 s on a loaded machine.
        let first = try CommandLineRunner.start(["automl", "run", "--ledger", ledgerPath], in: folder)
        #expect(waitUntil(40) { executions().contains("start 2") }, "\(executions())")
        kill(first.process.processIdentifier, SIGKILL)
        let killed = first.finish()
        #expect(killed.stdout.contains("automl: Ray 2.60.0 at \(address)"), "\(killed.stdout)")
        let resumed = try CommandLineRunner.run(["automl", "run", "--resume", "--ledger", ledgerPath], in: folder)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resuming run-1"))
        #expect(resumed.stdout.contains("adopted"), "\(resumed.stdout)")

        let ledger = try Ledger.open(at: ledgerPath, create: false)
        let trials = try ledger.automlTrials(run: "run-1")
        let byArm = Dictionary(uniqueKeysWithValues: trials.map { ($0.arm, $0) })
        #expect(trials.count == 4 && trials.allSatisfy(\.state.isFinal))
        #expect(byArm[0]?.score == 0.6)
        #expect(byArm[1]?.score == 0.9, "\(trials)\n\(resumed.stdout)\n\(killed.stdout)")
        #expect(byArm[2]?.state == .timedOut)
        #expect(byArm[3]?.state == .failed && byArm[3]?.reason == "exit status 3")
        // No trial ran twice; the timed-out one never finished.
        let lines = executions()
        for x in 1...4 { #expect(lines.filter { $0 == "start \(x)" }.count == 1, "\(lines)") }
        #expect(!lines.contains("end 3"))
        // The logs came from the cluster; the stopped job is STOPPED there.
        let log = try String(contentsOfFile: try #require(byArm[3]?.logPath), encoding: .utf8)
        #expect(log.contains("trial 4 as easeml-") && log.contains("boom"))
        let stoppedLog = try String(contentsOfFile: try #require(byArm[2]?.logPath), encoding: .utf8)
        let stoppedName = try #require(stoppedLog.components(separatedBy: "trial 3 as ").dropFirst().first?.split(separator: "\n").first)
        #expect(stoppedName.hasSuffix("-run-1-\(try #require(byArm[2]?.id))"))
        #expect(try jobs.job(String(stoppedName))?.status == .stopped)
        #expect(try ledger.automlRun(id: "run-1")?.status == "done")
        let board = try CommandLineRunner.run(["automl", "leaderboard", "--ledger", ledgerPath], in: folder)
        #expect(board.stdout.contains("   1  fake[x=2]  ok"), "\(board.stdout)")
    }
}
