import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

/// `automl run`'s output: one updating line on a terminal (a real pseudo-terminal through
/// `script(1)`), plain lines in CI and pipes; and a budget in wall seconds.
@Suite(.serialized) struct AutoMLProgressTests {
    static let script = """
        #!/bin/sh
        # trial.sh {x}: logs its start time (seconds since the epoch), sleeps, scores x/10.
        echo "$(date +%s.%N) $1" >> "$(dirname "$0")/starts.txt"
        sleep "${TRIAL_SLEEP:-0}"
        echo "EASEML_RESULT {\\"score\\": 0.$1}"
        """

    static func workspace(budget: String) throws -> URL {
        try AutoMLWorkspace.make(script: script, automl: """
            train: train.csv
            valid: valid.csv
            budget: \(budget)
            policy: round_robin
            candidates:
              - name: t
                command: ./trial.sh {x}
                grid: {x: [1, 2, 3, 4, 5, 6, 7, 8, 9]}
            """)
    }

    @Test func aBudgetInSecondsStopsStartingTrials() throws {
        let folder = try Self.workspace(budget: "{seconds: 1}")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledgerPath = folder.appendingPathComponent("ledger.sqlite").path
        let result = try CommandLineRunner.run(["automl", "run", "--ledger", ledgerPath], in: folder, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "0.7", "CI": "true"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("done: the budget of 1 seconds is spent"), "\(result.stdout)")
        let starts = try String(contentsOf: folder.appendingPathComponent("starts.txt"), encoding: .utf8)
            .split(separator: "\n").compactMap { Double($0.split(separator: " ")[0]) }
        let trials = try Ledger.open(at: ledgerPath, create: false).automlTrials(run: "run-1")
        #expect(trials.count == starts.count)
        // One worker, trials of ≥ 0.7 s: at most two can start within the budget's second (fewer on a
        // loaded machine), and none after it; every started trial ran to its end.
        #expect(trials.count >= 1 && trials.count <= 2, "\(trials.count) trials")
        #expect(trials.allSatisfy { $0.state == .ok })
        let elapsed = try #require(try Ledger.open(at: ledgerPath, create: false).automlRun(id: "run-1")?.elapsedSeconds)
        #expect(elapsed >= 1)
    }

    @Test func aTerminalGetsOneUpdatingLineAndCIPlainLines() throws {
        let folder = try Self.workspace(budget: "{trials: 3}")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledgerPath = folder.appendingPathComponent("ledger.sqlite").path
        let command = [CommandLineRunner.executable.path, "automl", "run", "--ledger", ledgerPath].map { "'\($0)'" }.joined(separator: " ")
        let run = try CommandLineRunner.runProgram(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: folder, environment: ["CI": nil, "EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "1.2"])
        let terminal = run.stdout
        #expect(run.status == 0, "\(terminal)")
        #expect(terminal.contains("\rautoml: 0/3 trials done, 1 running, no score yet, "), "\(terminal.debugDescription)")
        #expect(terminal.contains("\rautoml: 2/3 trials done, 1 running, best 0.2000, "), "\(terminal.debugDescription)")
        #expect(terminal.contains("\u{1B}[K"))
        #expect(!terminal.contains("trial 1 started"), "\(terminal)")
        #expect(terminal.contains("done: the budget of 3 trials is spent"))

        let ci = try CommandLineRunner.run(["automl", "run", "--ledger", ledgerPath], in: folder, environment: ["CI": "true"])
        #expect(ci.status == 0, "\(ci.stderr)")
        #expect(ci.stdout.contains("automl: trial 4 started: t[x="), "\(ci.stdout)")
        #expect(!ci.stdout.contains("\r") && !ci.stdout.contains("\u{1B}"))
    }
}
