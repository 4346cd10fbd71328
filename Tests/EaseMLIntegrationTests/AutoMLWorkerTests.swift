import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `worker:` in the `automl:` section, with the real binary and a small Python worker that speaks
/// the protocol: one process runs many trials; a worker that dies or overruns its trial's timeout
/// fails (or times out) that trial only, and the next trial gets a new worker.
@Suite(.serialized) struct AutoMLWorkerTests {
    /// `worker.py`: as a worker (`--worker`) it appends `start <pid>` to starts.txt once, then for
    /// each request runs `x=<n>`: 4 exits the process with status 3, 3 sleeps 30 s, others score
    /// n / 10 and report the worker's pid. Run directly (no `--worker`) it is a one-shot trial.
    static let worker = """
        import json, os, sys, time
        HERE = os.path.dirname(os.path.abspath(__file__))

        def trial(args):
            x = int([a for a in args if a.startswith("x=")][0][2:])
            print("trial x=%d in %d" % (x, os.getpid()), flush=True)
            if x == 4:
                print("boom", file=sys.stderr, flush=True)
                os._exit(3)
            if x == 3:
                time.sleep(30)
            return {"score": x / 10, "pid": os.getpid()}

        if sys.argv[1:] == ["--worker"]:
            with open(os.path.join(HERE, "starts.txt"), "a") as f:
                f.write("start %d\\n" % os.getpid())
            reply = os.fdopen(os.dup(1), "w", buffering=1)
            for line in sys.stdin:
                request = json.loads(line)
                log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(log, 1); os.dup2(log, 2); os.close(log)
                result = trial(request["command"])
                answer = "EASEML_RESULT " + json.dumps(result)
                print(answer, flush=True)
                reply.write(answer + "\\n")
        else:
            print("EASEML_RESULT " + json.dumps(trial(sys.argv[1:])))
        """

    static func workspace(grid: String, timeout: Int = 5) throws -> URL {
        let folder = try AutoMLWorkspace.make(script: Self.worker, named: "worker.py", automl: """
            train: train.csv
            valid: valid.csv
            timeout: \(timeout)
            policy: round_robin
            python: '\(try TestPython.interpreter().path)'
            worker: '{python} worker.py --worker'
            candidates:
              - name: fake
                command: '{python} worker.py --train {train} x={x}'
                grid: {x: \(grid)}
            """)
        try runGit(folder, ["init", "-q"])
        return folder
    }

    static func starts(_ folder: URL) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent("starts.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func pid(_ trial: AutoMLTrialRecord) throws -> Int? {
        let log = try String(contentsOfFile: try #require(trial.logPath), encoding: .utf8)
        guard let line = log.split(separator: "\n").last(where: { $0.hasPrefix("EASEML_RESULT ") }) else { return nil }
        let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst("EASEML_RESULT ".count).utf8)) as? [String: Any]
        return object?["pid"] as? Int
    }

    @Test func oneWorkerProcessRunsEveryTrial() throws {
        let folder = try Self.workspace(grid: "[1, 2, 5, 6, 7]")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineRunner.run(["automl", "run"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try Self.starts(folder).count == 1, "scikit-learn-style start-up is paid once")
        let ledger = try Ledger.open(at: folder.appendingPathComponent(".git/easeml/ledger.sqlite").path, create: false)
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.map(\.state) == Array(repeating: .ok, count: 5))
        #expect(Set(trials.map(\.score)) == [0.1, 0.2, 0.5, 0.6, 0.7])
        let pids = try trials.map { try Self.pid($0) }
        #expect(Set(pids).count == 1 && pids.first! != nil, "\(pids)")
        // Each trial's own output is in its own log.
        for trial in trials {
            let log = try String(contentsOfFile: try #require(trial.logPath), encoding: .utf8)
            #expect(log.contains("trial x=") && log.components(separatedBy: "trial x=").count == 2, "\(log)")
        }
        // The worker ended with the run.
        let pid = try #require(pids.first ?? nil)
        #expect(kill(pid_t(pid), 0) != 0)
    }

    @Test func aDeadOrStuckWorkerFailsItsTrialOnlyAndIsReplaced() throws {
        let folder = try Self.workspace(grid: "[1, 4, 2, 3, 5]", timeout: 2)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CommandLineRunner.run(["automl", "run"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let ledger = try Ledger.open(at: folder.appendingPathComponent(".git/easeml/ledger.sqlite").path, create: false)
        let trials = try ledger.automlTrials(run: "run-1").sorted { $0.id < $1.id }
        #expect(trials.map(\.state) == [.ok, .failed, .ok, .timedOut, .ok])
        #expect(trials[1].reason == "the worker ended with exit status 3 during the trial (a new one starts for the next trial)", "\(trials[1].reason ?? "")")
        let crashed = try String(contentsOfFile: try #require(trials[1].logPath), encoding: .utf8)
        #expect(crashed.contains("boom"), "the dying worker's error output is in its trial's log")
        // Three workers: the first (x=1, x=4 kills it), the second (x=2, x=3 overruns), the third (x=5).
        #expect(try Self.starts(folder).count == 3)
        let pids = try trials.map { try Self.pid($0) }
        #expect(pids[0] != nil && pids[2] != nil && pids[4] != nil)
        #expect(Set([pids[0], pids[2], pids[4]]).count == 3)
    }
}
