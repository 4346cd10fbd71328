import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci automl serve --resume` with the real binary and a real ledger: one tenant on Ray
/// (`FakeRayCluster` on 127.0.0.1), one local; serve is killed with SIGKILL while a Ray job and a
/// local trial run, after a zoo candidate was added. The resumed session adopts the job, kills and
/// re-runs the orphaned local trial, keeps the zoo arm (gone from the zoo file by then) and runs
/// every other arm exactly once.
@Suite(.serialized) struct AutoMLServeResumeTests {
    /// Whether new fake Ray jobs stay running until rescripted.
    final class Hold: Sendable {
        let value = Mutex(false)
        func set(_ held: Bool) { value.withLock { $0 = held } }
        var isOn: Bool { value.withLock { $0 } }
    }

    static let rayScore = 0.5
    /// A job that succeeds at its second status request, scoring `rayScore`.
    static let quickJob = FakeRayCluster.Script.succeeds("EASEML_RESULT {\"score\": \(rayScore)}\n", after: 1)

    /// A fake cluster whose new jobs are quick, or stay running while `hold` is on.
    static func cluster(_ hold: Hold) throws -> FakeRayCluster {
        try FakeRayCluster { _ in hold.isOn ? FakeRayCluster.Script(states: ["RUNNING"], logs: "", exitCode: nil) : quickJob }
    }

    static func workspace(rayAddress: String) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        try AutoMLServeTests.writeScript(folder, sleep: "\"$(cat \"$(dirname \"$0\")/sleep.txt\")\"")
        try Data("0.3".utf8).write(to: folder.appendingPathComponent("sleep.txt"))
        try AutoMLServeTests.tenantFolder(folder, "raytenant", automl: """
            backend: ray
            ray_address: \(rayAddress)
            candidates:
              - name: fake
                command: ./trial.sh {x}
                grid: {x: [1, 2, 3]}
            """)
        try Data("wine".utf8).write(to: folder.appendingPathComponent("wine-train.txt"))
        try Data("wine-valid".utf8).write(to: folder.appendingPathComponent("wine-valid.txt"))
        // 13 trials: the Ray tenant's 3 arms, and both tenants' 4 zoo arms and the added `forest`.
        try Data("""
            budget: {trials: 13, seconds: 120}
            workers: 2
            policy: round_robin
            timeout: 60
            tenants:
              - name: ray
                config: raytenant
              - name: wine
                train: wine-train.txt
                valid: wine-valid.txt

            """.utf8).write(to: folder.appendingPathComponent("tenants.yml"))
        try AutoMLServeTests.writeZoo(folder, models: zooModels)
        return folder
    }

    static let zooModels = ["tree", "gnb", "knn5", "logreg"]
    static let forest = "  - name: forest\n    command: ./lookup.sh {train} rf100\n"

    static func ledgerPath(_ folder: URL) -> String { folder.appendingPathComponent("ledger.sqlite").path }

    static func serve(_ folder: URL, resume: Bool = false, zoo: Bool = true) throws -> CommandLineRunner.Running {
        try CommandLineRunner.start(
            ["automl", "serve", "--tenants", "tenants.yml", "--ledger", ledgerPath(folder)] + (zoo ? ["--zoo", "zoo.yml"] : []) + (resume ? ["--resume"] : []),
            in: folder)
    }

    /// Waits (up to 30 s) until `condition` holds on run-1's and run-2's trials.
    static func wait(_ folder: URL, until condition: ([AutoMLTrialRecord], [AutoMLTrialRecord]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let ledger = try? Ledger.open(at: ledgerPath(folder), create: false), let ray = try? ledger.automlTrials(run: "run-1"),
                let local = try? ledger.automlTrials(run: "run-2"), condition(ray, local)
            {
                return true
            }
            usleep(20_000)
        }
        return false
    }

    static func executions(_ folder: URL) -> [Substring] {
        ((try? String(contentsOf: folder.appendingPathComponent("executions.txt"), encoding: .utf8)) ?? "").split(separator: "\n")
    }

    /// The processes running this workspace's `lookup.sh` (found by their command lines in /proc).
    static func liveTrialProcesses(_ folder: URL) -> Int {
        let script = Data((folder.path + "/./lookup.sh").utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            Int32(entry) != nil && FileManager.default.contents(atPath: "/proc/\(entry)/cmdline").map { $0.range(of: script) != nil } == true
        }.count
    }

    /// How many of this workspace's `lookup.sh` processes are in their `sleep 60` (a trial started
    /// after the switch to long trials, which cannot end on its own before the kill).
    static func longTrialProcesses(_ folder: URL) -> Int {
        let script = Data((folder.path + "/./lookup.sh").utf8)
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int32($0) != nil }
        let scripts = Set(entries.filter { FileManager.default.contents(atPath: "/proc/\($0)/cmdline").map { $0.range(of: script) != nil } == true })
        return entries.filter { entry in
            guard FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") == Data("sleep\u{0}60\u{0}".utf8),
                let stat = FileManager.default.contents(atPath: "/proc/\(entry)/stat").map({ String(decoding: $0, as: UTF8.self) }),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && scripts.contains(String(fields[1]))
        }.count
    }

    @Test func killedServeResumesEveryTenantWithoutLosingOrRepeatingATrial() throws {
        let hold = Hold()
        let cluster = try Self.cluster(hold)
        defer { cluster.stop() }
        let folder = try Self.workspace(rayAddress: cluster.address)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Self.serve(folder)
        #expect(Self.wait(folder) { ray, local in ray.contains { $0.state == .ok } && local.contains { $0.state == .ok } })

        // From now on Ray jobs and local trials run until the kill; a zoo candidate arrives.
        hold.set(true)
        try Data("60".utf8).write(to: folder.appendingPathComponent("sleep.txt"))
        try AutoMLServeTests.writeZoo(folder, models: Self.zooModels, extra: Self.forest)
        #expect(Self.wait(folder) { ray, local in
            let lines = Self.executions(folder)
            // Every local trial the ledger calls running is a long one, asleep: a short trial that
            // ended but was not yet recorded would (rightly) run again after the resume.
            let runningLocal = local.filter { $0.state == .running }.count
            return ray.contains { $0.state == .running } && runningLocal > 0 && ray.count + local.count >= 4
                && cluster.submissions.count == ray.count
                && lines.filter { $0.hasPrefix("start") }.count - lines.filter { $0.hasPrefix("end") }.count == runningLocal
                && Self.longTrialProcesses(folder) == runningLocal
                && (try? Ledger.open(at: Self.ledgerPath(folder), create: false).automlArms(run: "run-2").last?.key) == "forest"
        })
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.finish()

        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        let before = try ledger.automlTrials(run: "run-1") + ledger.automlTrials(run: "run-2")
        let finishedBefore = before.filter(\.state.isFinal)
        let rayRunning = try ledger.automlTrials(run: "run-1").filter { $0.state == .running }.count
        let localRunning = try ledger.automlTrials(run: "run-2").filter { $0.state == .running }.map(\.id)
        #expect(rayRunning >= 1 && !localRunning.isEmpty && !finishedBefore.isEmpty)
        #expect(Self.liveTrialProcesses(folder) == localRunning.count, "the orphaned local trial is alive")

        // The zoo file loses `forest` again; trials are quick; the held jobs end once polled.
        try AutoMLServeTests.writeZoo(folder, models: Self.zooModels)
        try Data("0.1".utf8).write(to: folder.appendingPathComponent("sleep.txt"))
        hold.set(false)
        cluster.rescript(entrypointContaining: "exec", Self.quickJob)
        let resumed = try Self.serve(folder, resume: true).finish()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("automl serve: ray: resuming run-1; adopted \(rayRunning) trial(s) still running"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("automl serve: wine: resuming run-2; re-queued \(localRunning.count) interrupted trial(s)"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("done after 13 trials: the budget of 13 trials is spent"), "\(resumed.stdout)")

        #expect(try ledger.automlRunIDs() == ["run-1", "run-2"])
        for (run, armCount) in [("run-1", 8), ("run-2", 5)] {
            #expect(try ledger.automlRun(id: run)?.status == "done")
            let arms = try ledger.automlArms(run: run)
            #expect(arms.count == armCount && arms.last?.key == "forest", "\(run): \(arms.map(\.key))")
            let trials = try ledger.automlTrials(run: run)
            #expect(trials.count == armCount && Set(trials.map(\.arm)) == Set(0..<armCount), "\(run): one trial per arm")
            #expect(trials.allSatisfy { $0.state == .ok }, "\(run): \(trials)")
        }
        let rayTrials = try ledger.automlTrials(run: "run-1")
        #expect(rayTrials.allSatisfy { $0.attempts == 1 && $0.score == Self.rayScore })
        // Every Ray job was submitted once: the adopted one was never posted again.
        #expect(cluster.submissions.count == 8 && Set(cluster.submissions).count == 8)
        #expect(cluster.requestLines.filter { $0 == "POST /api/jobs/" }.count == 8)
        let wineArms = try ledger.automlArms(run: "run-2")
        for trial in try ledger.automlTrials(run: "run-2") {
            #expect(trial.attempts == (localRunning.contains(trial.id) ? 2 : 1))
            let key = wineArms[trial.arm].key
            let model = key == "forest" ? "rf100" : String(key.split(separator: "=")[1].dropLast())
            #expect(trial.score == (try AutoMLServeTests.score("wine", model)), "\(key)")
        }
        // Finished trials were kept as they were; each local trial ran to its end once (the
        // orphan was killed before it could end).
        let after = Dictionary(uniqueKeysWithValues: (rayTrials + (try ledger.automlTrials(run: "run-2"))).map { ($0.id, $0) })
        #expect(finishedBefore.allSatisfy { after[$0.id] == $0 })
        let ends = Self.executions(folder).filter { $0.hasPrefix("end") }
        #expect(ends.count == 5 && Set(ends).count == 5, "\(ends)")
        #expect(Self.liveTrialProcesses(folder) == 0, "the orphan outlived the resume")
        #expect(try ledger.verify().isClean)
    }

    @Test func sigtermLeavesRayJobsRunningForTheResumeToAdopt() throws {
        let hold = Hold()
        hold.set(true)
        let cluster = try Self.cluster(hold)
        defer { cluster.stop() }
        let folder = try Self.workspace(rayAddress: cluster.address)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("60".utf8).write(to: folder.appendingPathComponent("sleep.txt"))
        let first = try Self.serve(folder)
        #expect(Self.wait(folder) { ray, local in
            ray.count == 1 && local.count == 1 && cluster.submissions.count == 1 && Self.executions(folder).count == 1
        })
        kill(first.process.processIdentifier, SIGTERM)
        let stopped = first.finish()
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stdout.contains("automl serve: ray: trial 1 left running for `--resume`"), "\(stopped.stdout)")
        #expect(stopped.stdout.contains("stopped by SIGTERM after 2 trials (1 re-queued)"), "\(stopped.stdout)")
        let ledger = try Ledger.open(at: Self.ledgerPath(folder), create: false)
        #expect(try ledger.automlTrials(run: "run-1").map(\.state) == [.running])
        #expect(try ledger.automlTrials(run: "run-2").map(\.state) == [.queued])
        #expect(!cluster.requestLines.contains { $0.hasSuffix("/stop") }, "the Ray job was stopped")

        // Resumed without --zoo (its arms stay): the job is adopted, the local trial runs again.
        try Data("0.05".utf8).write(to: folder.appendingPathComponent("sleep.txt"))
        hold.set(false)
        cluster.rescript(entrypointContaining: "exec", Self.quickJob)
        let resumed = try Self.serve(folder, resume: true, zoo: false).finish()
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("automl serve: ray: resuming run-1; adopted 1 trial(s) still running\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("automl serve: wine: resuming run-2\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("done after 11 trials: every arm of every tenant has been tried"), "\(resumed.stdout)")
        for (run, armCount) in [("run-1", 7), ("run-2", 4)] {
            let trials = try ledger.automlTrials(run: run)
            #expect(try ledger.automlRun(id: run)?.status == "done")
            #expect(trials.count == armCount && Set(trials.map(\.arm)) == Set(0..<armCount) && trials.allSatisfy { $0.state == .ok }, "\(run): \(trials)")
        }
        #expect(try ledger.automlTrials(run: "run-1").allSatisfy { $0.attempts == 1 })
        #expect(try ledger.automlTrials(run: "run-2").map(\.attempts).sorted() == [1, 1, 1, 2])
        #expect(cluster.submissions.count == 7 && Set(cluster.submissions).count == 7)
        let ends = Self.executions(folder).filter { $0.hasPrefix("end") }
        #expect(ends.count == 4 && Set(ends).count == 4, "\(ends)")
        #expect(try ledger.verify().isClean)
    }
}
