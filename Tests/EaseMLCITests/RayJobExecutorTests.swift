import EaseMLCI
import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing

/// The Ray backend against `FakeRayCluster` (127.0.0.1 only): submission body, polling, logs and
/// results, failures, stop at the timeout, retries of 503s and broken connections, redirects and
/// addresses in answers never followed, lost submit answers adopted, and recovery after a kill.
@Suite struct RayJobExecutorTests {
    static let result = "EASEML_RESULT {\"score\": 0.8125, \"accuracy\": 0.75}"

    static func executor(_ cluster: FakeRayCluster, attempts: Int = 4) throws -> RayJobExecutor {
        let http = HTTPClient(address: try HTTPAddress(parsing: cluster.address), timeoutSeconds: 5, attempts: attempts, firstBackoffSeconds: 0.01)
        return RayJobExecutor(jobs: RayJobsClient(http: http), numCPUs: 1, pollSeconds: 0.01, stopGraceSeconds: 2)
    }

    static func trial(_ name: String, template: [String] = ["./trial.sh", "{x}"], x: String = "1", timeout: Double? = nil, memory: Int? = nil) throws -> AutoMLTrial {
        let folder = try CommandLineRunner.temporaryDirectory()
        return AutoMLTrial(
            name: name, template: template, trainPath: "/data/train.csv", validPath: "/data/valid.csv", outDirectory: folder.appendingPathComponent("arm-0").path,
            seed: 7, parameters: ["x": x], timeoutSeconds: timeout, memoryMiB: memory, environment: ["SECRET_OF_THE_CLIENT": "1"])
    }

    static func log(_ trial: AutoMLTrial) -> String? {
        FileManager.default.contents(atPath: trial.logPath).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func aJobIsSubmittedPolledAndItsResultReadFromItsLogs() throws {
        let cluster = try FakeRayCluster { _ in Script(states: ["PENDING", "RUNNING", "RUNNING", "SUCCEEDED"], logs: "fitting\n\(Self.result)\n", exitCode: 0) }
        defer { cluster.stop() }
        let trial = try Self.trial("easeml-abc-run-1-1", template: ["./trial.sh", "{x}", "it's a {x}"], x: "3", memory: 256)
        let outcome = try Self.executor(cluster).run(trial)
        #expect(outcome == .ok(score: 0.8125, result: "{\"score\": 0.8125, \"accuracy\": 0.75}"))
        #expect(Self.log(trial) == "fitting\n\(Self.result)\n")
        let job = try #require(cluster.jobs["easeml-abc-run-1-1"])
        #expect(job.entrypoint == "ulimit -v 262144 || exit 125; exec ./trial.sh 3 'it'\\''s a 3'")
        #expect(job.environment == ["EASEML_TRIAL": "easeml-abc-run-1-1"])
        #expect(job.numCPUs == 1)
        #expect(job.memory == 256 * 1024 * 1024)
        let lines = cluster.requestLines
        #expect(lines.first == "POST /api/jobs/")
        #expect(lines.filter { $0 == "GET /api/jobs/easeml-abc-run-1-1" }.count == 4)
        #expect(lines.last == "GET /api/jobs/easeml-abc-run-1-1/logs")
        #expect(cluster.http.requests.allSatisfy { $0.headers["host"] == "127.0.0.1:\(cluster.http.port)" && $0.headers["connection"] == "close" })
        #expect(cluster.decoy.connectionCount == 0)
    }

    @Test func theEntrypointGivesTheShellEachArgumentUnchanged() throws {
        let words = ["a b", "it's", "$HOME", "`id`", "semi;colon", "", "plain-1.5/x=y"]
        let trial = try Self.trial("easeml-quote", template: ["printf", "<%s>\\n"] + words)
        let cluster = try FakeRayCluster { _ in .succeeds(Self.result) }
        defer { cluster.stop() }
        let entrypoint = try Self.executor(cluster).submission(trial).entrypoint
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", entrypoint]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(printed == words.map { "<\($0)>\n" }.joined())
    }

    @Test func failedStoppedAndSilentJobsAreFailures() throws {
        let cluster = try FakeRayCluster { entrypoint in
            if entrypoint.hasSuffix(" 1") { return Script(states: ["RUNNING", "FAILED"], logs: "Traceback\nboom\n", exitCode: 3) }
            if entrypoint.hasSuffix(" 2") { return Script(states: ["FAILED"], logs: "", exitCode: nil, message: "runtime env setup failed\nno such file") }
            if entrypoint.hasSuffix(" 3") { return Script(states: ["RUNNING", "STOPPED"], logs: "interrupted\n", exitCode: nil) }
            return .succeeds("done without a result line\n")
        }
        defer { cluster.stop() }
        let executor = try Self.executor(cluster)
        let exited = try Self.trial("easeml-f-1", x: "1")
        #expect(try executor.run(exited) == .failed(reason: "exit status 3"))
        #expect(Self.log(exited) == "Traceback\nboom\n")
        #expect(try executor.run(Self.trial("easeml-f-2", x: "2")) == .failed(reason: "the Ray job failed: no such file"))
        #expect(try executor.run(Self.trial("easeml-f-3", x: "3")) == .failed(reason: "the Ray job was stopped on the cluster"))
        let silent = try executor.run(Self.trial("easeml-f-4", x: "4"))
        guard case .failed(let reason) = silent else { Issue.record("expected a failure, got \(silent)"); return }
        #expect(reason.contains("no `EASEML_RESULT {json}` line"))
    }

    @Test func aJobStillRunningAtItsTimeoutIsStopped() throws {
        let cluster = try FakeRayCluster { _ in Script(states: ["PENDING", "RUNNING"], logs: "still fitting\n", exitCode: nil) }
        defer { cluster.stop() }
        let trial = try Self.trial("easeml-slow", timeout: 0.3)
        let start = ContinuousClock.now
        #expect(try Self.executor(cluster).run(trial) == .timedOut(seconds: 0.3))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(cluster.requestLines.filter { $0 == "POST /api/jobs/easeml-slow/stop" }.count == 1)
        #expect(cluster.jobs["easeml-slow"]?.stopped == true)
        #expect(Self.log(trial) == "still fitting\n")
    }

    @Test func unavailableAnswersAndBrokenConnectionsAreRetried() throws {
        let cluster = try FakeRayCluster { _ in .succeeds(Self.result) }
        defer { cluster.stop() }
        cluster.inject(.status(503), on: .submit, times: 2)
        cluster.inject(.drop, on: .status)
        cluster.inject(.truncate, on: .status)
        cluster.inject(.status(502), on: .logs)
        let trial = try Self.trial("easeml-flaky")
        #expect(try Self.executor(cluster).run(trial) == .ok(score: 0.8125, result: "{\"score\": 0.8125, \"accuracy\": 0.75}"))
        let lines = cluster.requestLines
        #expect(lines.filter { $0 == "POST /api/jobs/" }.count == 3)
        #expect(lines.filter { $0 == "GET /api/jobs/easeml-flaky/logs" }.count == 2)
        #expect(cluster.submissions == ["easeml-flaky"])
    }

    @Test func retriesAreBoundedAndTheErrorIsTyped() throws {
        let cluster = try FakeRayCluster { _ in .succeeds(Self.result) }
        defer { cluster.stop() }
        cluster.inject(.status(503), on: .any, times: 10)
        let executor = try Self.executor(cluster, attempts: 3)
        let trial = try Self.trial("easeml-down")
        do throws(EaseMLCIError) {
            _ = try executor.run(trial)
            Issue.record("the run did not fail")
        } catch {
            guard case .http(.serverError(_, let attempts, let status, let body)) = error else { Issue.record("unexpected \(error)"); return }
            #expect(attempts == 3 && status == 503)
            #expect(body.contains("Service Unavailable"))
            #expect(error.exitStatus == .internalError)
        }
        // Three POSTs, then the look-up for an answer-less submission: three GETs.
        #expect(cluster.requestLines == Array(repeating: "POST /api/jobs/", count: 3) + Array(repeating: "GET /api/jobs/easeml-down", count: 3))
        #expect(cluster.submissions.isEmpty)
    }

    @Test func nothingListeningIsUnreachableAfterTheRetries() throws {
        let vacated = try TestHTTPServer { _ in .drop }
        let port = vacated.port
        vacated.stop()
        let http = HTTPClient(address: HTTPAddress(host: "127.0.0.1", port: port), timeoutSeconds: 2, attempts: 2, firstBackoffSeconds: 0.01)
        do {
            _ = try http.send(.get, "/api/version")
            Issue.record("a closed port answered")
        } catch {
            guard case .unreachable(_, let attempts, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(attempts == 2)
            #expect(reason.contains("refused"))
        }
    }

    @Test func redirectsAndAddressesInAnswersAreNeverFollowed() throws {
        let cluster = try FakeRayCluster { _ in .succeeds(Self.result) }
        defer { cluster.stop() }
        cluster.inject(.redirect, on: .status)
        let executor = try Self.executor(cluster)
        let trial = try Self.trial("easeml-moved")
        do throws(EaseMLCIError) {
            _ = try executor.run(trial)
            Issue.record("a redirect was accepted")
        } catch {
            guard case .http(.unexpectedStatus(let method, let url, let status, _)) = error else { Issue.record("unexpected \(error)"); return }
            #expect(method == "GET" && status == 307)
            #expect(url == cluster.address + "/api/jobs/easeml-moved")
            #expect(error.description.contains("redirects are not followed"))
        }
        // Every answer named the decoy (driver_agent_http_address, Location); it was never contacted.
        #expect(cluster.decoy.connectionCount == 0)
        let version = try RayJobsClient(http: HTTPClient(address: HTTPAddress(parsing: cluster.address))).version()
        #expect(version == "2.60.0")
        #expect(cluster.decoy.connectionCount == 0)
    }

    @Test func aSubmissionWhoseAnswerWasLostIsAdoptedNotRepeated() throws {
        let cluster = try FakeRayCluster { _ in .succeeds(Self.result) }
        defer { cluster.stop() }
        cluster.inject(.dropAfterwards, on: .submit)
        let trial = try Self.trial("easeml-lost-answer")
        #expect(try Self.executor(cluster, attempts: 3).run(trial) == .ok(score: 0.8125, result: "{\"score\": 0.8125, \"accuracy\": 0.75}"))
        // The retries found the id taken (HTTP 500, as Ray answers); the job was created once.
        #expect(cluster.submissions == ["easeml-lost-answer"])
        #expect(cluster.requestLines.filter { $0 == "POST /api/jobs/" }.count == 3)
    }

    @Test func recoveryTellsLostEndedAndRunningJobsApart() throws {
        let cluster = try FakeRayCluster { entrypoint in
            entrypoint.hasSuffix(" 1") ? .succeeds(Self.result, after: 0) : Script(states: ["RUNNING"], logs: "", exitCode: nil)
        }
        defer { cluster.stop() }
        let executor = try Self.executor(cluster)
        guard case .lost = try executor.recover(Self.trial("easeml-never-submitted")) else { Issue.record("an unknown job is not lost"); return }

        let ended = try Self.trial("easeml-ended", x: "1")
        try executor.jobs.submit(executor.submission(ended))
        guard case .ended(let outcome, let seconds) = try executor.recover(ended) else { Issue.record("an ended job is not ended"); return }
        #expect(outcome == .ok(score: 0.8125, result: "{\"score\": 0.8125, \"accuracy\": 0.75}"))
        #expect(seconds == 1.5)
        #expect(Self.log(ended) == Self.result)

        let running = try Self.trial("easeml-running", x: "2", timeout: 60)
        try executor.jobs.submit(executor.submission(running))
        guard case .running(let elapsed, let wait) = try executor.recover(running) else { Issue.record("a running job is not running"); return }
        #expect(elapsed >= 2 && elapsed < 10)
        cluster.rescript(entrypointContaining: " 2", .succeeds("EASEML_RESULT {\"score\": 0.5}", after: 1))
        #expect(try wait() == .ok(score: 0.5, result: "{\"score\": 0.5}"))
        #expect(cluster.submissions == ["easeml-ended", "easeml-running"])
    }
}

private typealias Script = FakeRayCluster.Script
