import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl serve` with the real binary: two tenants (iris with its own `automl:` space,
/// wine with data only) share two workers; the fake trial looks its validation accuracy up in
/// `Tests/Fixtures/data/automl/sk_matrix.csv` by data set (the training file's content) and model.
@Suite(.serialized) struct AutoMLServeTests {
    static var matrix: String { get throws { try Fixtures.url("data/automl/sk_matrix.csv").path } }

    /// The trial script; `sleep` is the shell word of its duration in seconds.
    static func writeScript(_ folder: URL, sleep: String = "\"${TRIAL_SLEEP:-0.2}\"") throws {
        let script = folder.appendingPathComponent("lookup.sh")
        try Data("""
            #!/bin/sh
            # lookup.sh {train} MODEL: the score of MODEL on the data set named in the training file.
            dataset=$(cat "$1")
            echo "start $dataset $2" >> "$(dirname "$0")/executions.txt"
            sleep \(sleep)
            score=$(grep "^$dataset,$2," "\(matrix)" | cut -d, -f3)
            echo "end $dataset $2" >> "$(dirname "$0")/executions.txt"
            echo "EASEML_RESULT {\\"score\\": $score}"
            """.utf8).write(to: script)
        chmod(script.path, 0o755)
    }

    /// A tenant's folder `name` with iris data (`train.txt`, `valid.txt`) and a `.easeml.yml` whose
    /// `automl:` section takes them and then the lines of `automl` (indented by two spaces).
    static func tenantFolder(_ folder: URL, _ name: String, automl: String) throws {
        let tenant = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: tenant, withIntermediateDirectories: true)
        try Data("iris".utf8).write(to: tenant.appendingPathComponent("train.txt"))
        try Data("iris-valid".utf8).write(to: tenant.appendingPathComponent("valid.txt"))
        let section = automl.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        try Data("condition: n > 0.8 +/- 0.05\nreliability: 0.99\nautoml:\n  train: train.txt\n  valid: valid.txt\n\(section)\n".utf8)
            .write(to: tenant.appendingPathComponent(".easeml.yml"))
    }

    static func workspace(budget: Int) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        try writeScript(folder)
        try tenantFolder(folder, "alpha", automl: """
            candidates:
              - name: own
                command: ../lookup.sh {train} {model}
                grid: {model: [logreg, knn5]}
            """)
        try Data("wine".utf8).write(to: folder.appendingPathComponent("wine-train.txt"))
        try Data("wine-valid".utf8).write(to: folder.appendingPathComponent("wine-valid.txt"))
        try Data("""
            budget: {trials: \(budget), seconds: 120}
            workers: 2
            policy: max_gap
            timeout: 60
            tenants:
              - name: iris
                config: alpha
              - name: wine
                train: wine-train.txt
                valid: wine-valid.txt

            """.utf8).write(to: folder.appendingPathComponent("tenants.yml"))
        try writeZoo(folder, models: ["tree", "gnb"])
        return folder
    }

    static func writeZoo(_ folder: URL, models: [String], extra: String = "") throws {
        let zoo = """
            candidates:
              - name: zoo
                command: ./lookup.sh {train} {model}
                grid: {model: [\(models.joined(separator: ", "))]}

            """ + extra
        try AtomicWrite.replace(folder.appendingPathComponent("zoo.yml"), with: zoo)
    }

    static func score(_ dataset: String, _ model: String) throws -> Double {
        let line = try #require(try String(contentsOfFile: matrix, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix("\(dataset),\(model),") })
        return try #require(Double(line.split(separator: ",")[2]))
    }

    static func start(_ folder: URL, environment: [String: String] = [:]) throws -> CommandLineRunner.Running {
        try CommandLineRunner.start(
            ["automl", "serve", "--tenants", "tenants.yml", "--zoo", "zoo.yml", "--ledger", folder.appendingPathComponent("ledger.sqlite").path],
            in: folder, environment: environment)
    }

    /// Waits (up to 60 s) until `condition` holds on the ledger's trials.
    static func wait(_ folder: URL, until condition: ([AutoMLTrialRecord]) -> Bool) throws {
        let path = folder.appendingPathComponent("ledger.sqlite").path
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: path), let ledger = try? Ledger.open(at: path, create: false),
                let runs = try? ledger.automlRunIDs(), runs.count == 2
            {
                let trials = runs.flatMap { (try? ledger.automlTrials(run: $0)) ?? [] }
                if condition(trials) { return }
            }
            usleep(20_000)
        }
        Issue.record("timed out waiting for the ledger")
    }

    @Test func aCandidateAddedToTheZooMidRunGetsTrialsInBothTenants() throws {
        let folder = try Self.workspace(budget: 8)
        defer { try? FileManager.default.removeItem(at: folder) }
        let serve = try Self.start(folder)
        try Self.wait(folder) { $0.filter(\.state.isFinal).count >= 2 }
        try Self.writeZoo(folder, models: ["tree", "gnb"], extra: "  - name: forest\n    command: ./lookup.sh {train} rf100\n")
        let result = serve.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("automl serve: the zoo gave every tenant forest"), "\(result.stdout)")
        #expect(result.stdout.contains("done after 8 trials: the budget of 8 trials is spent"), "\(result.stdout)")
        let ledger = try Ledger.open(at: folder.appendingPathComponent("ledger.sqlite").path, create: false)
        #expect(try ledger.automlRunIDs() == ["run-1", "run-2"])
        for (run, tenant, dataset, armCount) in [("run-1", "iris", "iris", 5), ("run-2", "wine", "wine", 3)] {
            let record = try #require(try ledger.automlRun(id: run))
            #expect(record.tenant == tenant && record.status == "done")
            let arms = try ledger.automlArms(run: run)
            #expect(arms.count == armCount)
            #expect(arms.last?.key == "forest")
            let trials = try ledger.automlTrials(run: run)
            #expect(trials.count == armCount, "\(run): every arm ran once")
            #expect(trials.allSatisfy { $0.state == .ok })
            for trial in trials {
                let model = arms[trial.arm].key == "forest" ? "rf100" : String(arms[trial.arm].key.split(separator: "=")[1].dropLast())
                #expect(trial.score == (try Self.score(dataset, model)), "\(run) \(arms[trial.arm].key)")
            }
        }
        #expect(try ledger.verify().isClean)
        #expect(try ledger.events().contains { $0.kind == "automl-arms" })
    }

    @Test func mistakesInTheTenantsAndZooFilesArePositioned() throws {
        let folder = try Self.workspace(budget: 4)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("workers: 2\ntenant:\n  - {name: a, train: t, valid: v}\n".utf8).write(to: folder.appendingPathComponent("typo.yml"))
        let typo = try CommandLineRunner.run(["automl", "serve", "--tenants", "typo.yml", "--ledger", "l.sqlite"], in: folder)
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("typo.yml:2:1: error: unknown key `tenant` in `the tenants file`"), "\(typo.stderr)")
        #expect(typo.stderr.contains("did you mean `tenants`?"))
        try Data("tenants:\n  - {name: a}\n".utf8).write(to: folder.appendingPathComponent("half.yml"))
        let half = try CommandLineRunner.run(["automl", "serve", "--tenants", "half.yml", "--ledger", "l.sqlite"], in: folder)
        #expect(half.status == 2)
        #expect(half.stderr.contains("the tenant `a` needs `config` or both `train` and `valid`"), "\(half.stderr)")
        try Data("candidates:\n  - {name: z}\n".utf8).write(to: folder.appendingPathComponent("zoo.yml"))
        let zoo = try Self.start(folder).finish()
        #expect(zoo.status == 2)
        #expect(zoo.stderr.contains("zoo.yml:2:5: error: the candidate `z` is missing `command`"), "\(zoo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("l.sqlite").path))
    }

    @Test func sigtermStopsRunningTrialsAndResumeRunsThemOnce() throws {
        let folder = try Self.workspace(budget: 100)
        defer { try? FileManager.default.removeItem(at: folder) }
        let began = Date()
        let serve = try Self.start(folder, environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "30"])
        try Self.wait(folder) { $0.filter { $0.state == .running }.count == 2 }
        // Both trial processes are up once both have logged their start.
        let executions = folder.appendingPathComponent("executions.txt")
        while ((try? String(contentsOf: executions, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 2, Date().timeIntervalSince(began) < 60 { usleep(20_000) }
        kill(serve.process.processIdentifier, SIGTERM)
        let result = serve.finish()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(began) < 25, "the trials were not stopped")
        #expect(result.stdout.contains("automl serve: SIGTERM: stopping 2 running trial(s)"), "\(result.stdout)")
        #expect(result.stdout.contains("stopped by SIGTERM after 2 trials (2 re-queued)"), "\(result.stdout)")
        let ledger = try Ledger.open(at: folder.appendingPathComponent("ledger.sqlite").path, create: false)
        let stopped = try ledger.automlTrials(run: "run-1") + ledger.automlTrials(run: "run-2")
        #expect(stopped.count == 2)
        #expect(stopped.allSatisfy { $0.state == .queued && $0.attempts == 1 })
        #expect(try ledger.automlRun(id: "run-1")?.status == "running" && ledger.automlRun(id: "run-2")?.status == "running")
        let lines = try String(contentsOf: executions, encoding: .utf8).split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("end") }, "a stopped trial ran on: \(lines)")

        // `automl run --resume` in a tenant's repository leaves serve's runs alone.
        let alone = try CommandLineRunner.run(
            ["automl", "run", "--resume", "--ledger", folder.appendingPathComponent("ledger.sqlite").path], in: folder.appendingPathComponent("alpha"))
        #expect(alone.status != 0 && alone.stderr.contains("no unfinished automl run to resume"), "\(alone.stderr)")

        // Resumed without --zoo: the zoo's arms stay in both runs; the stopped trials run again
        // first, and every arm runs to its end exactly once.
        let resumed = try CommandLineRunner.run(
            ["automl", "serve", "--resume", "--tenants", "tenants.yml", "--ledger", folder.appendingPathComponent("ledger.sqlite").path], in: folder,
            environment: ["EASEML_PASS_ENV": "TRIAL_SLEEP", "TRIAL_SLEEP": "0.05"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("automl serve: iris: resuming run-1\n") && resumed.stdout.contains("automl serve: wine: resuming run-2\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("done after 6 trials: every arm of every tenant has been tried"), "\(resumed.stdout)")
        #expect(try ledger.automlRunIDs() == ["run-1", "run-2"])
        for (run, dataset, armCount) in [("run-1", "iris", 4), ("run-2", "wine", 2)] {
            #expect(try ledger.automlRun(id: run)?.status == "done")
            let arms = try ledger.automlArms(run: run)
            #expect(arms.count == armCount && arms.suffix(2).map(\.key) == ["zoo[model=tree]", "zoo[model=gnb]"], "\(arms.map(\.key))")
            let trials = try ledger.automlTrials(run: run)
            #expect(Set(trials.map(\.arm)) == Set(0..<armCount) && trials.count == armCount)
            #expect(trials.allSatisfy { $0.state == .ok })
            #expect(trials.map(\.attempts).sorted() == [Int](repeating: 1, count: armCount - 1) + [2], "\(run): the stopped trial ran again, once")
            for trial in trials {
                let model = String(arms[trial.arm].key.split(separator: "=")[1].dropLast())
                #expect(trial.score == (try Self.score(dataset, model)), "\(run) \(arms[trial.arm].key)")
            }
        }
        let ends = try String(contentsOf: executions, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("end") }
        #expect(ends.count == 6 && Set(ends).count == 6, "\(ends)")
        #expect(try ledger.verify().isClean)
    }
}

/// Replaces a file in one rename, so a reader never sees half of it.
enum AtomicWrite {
    static func replace(_ url: URL, with text: String) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        try Data(text.utf8).write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
