import EaseMLTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `easeml-ci improve` through the real binary on breast_cancer: validation rows r % 10 >= 7; of
/// the other rows (t = 0, 1, …) those with t % 4 == 0 are labelled training rows, the rest an
/// unlabelled pool. Labelled rows with an even index miss every third cell (columns c with
/// (index + c) % 3 == 0). The test plays the person, answering from the complete file.
@Suite(.serialized) struct ImproveCommandTests {
    struct Fixture {
        var folder: URL
        var header: String
        /// The complete labelled rows (features then label) and pool rows (features then label).
        var labelled: [[String]]
        var pool: [[String]]

        init() throws {
            folder = try CommandLineRunner.temporaryDirectory()
            let source = try Fixtures.url("data/breast_cancer.csv")
            let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
            header = lines[0]
            let body = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            let training = body.indices.filter { $0 % 10 < 7 }.map { body[$0] }
            labelled = training.indices.filter { $0 % 4 == 0 }.map { training[$0] }
            pool = training.indices.filter { $0 % 4 != 0 }.map { training[$0] }
            let dirty = labelled.enumerated().map { index, row -> String in
                guard index % 2 == 0 else { return row.joined(separator: ",") }
                return row.enumerated().map { c, cell in c < row.count - 1 && (index + c) % 3 == 0 ? "" : cell }.joined(separator: ",")
            }
            try write([header] + dirty, "train.csv")
            try write([header] + pool.map { $0.dropLast().joined(separator: ",") + "," }, "pool.csv")
            try write([header] + body.indices.filter { $0 % 10 >= 7 }.map { body[$0].joined(separator: ",") }, "valid.csv")
        }

        func write(_ lines: [String], _ name: String) throws {
            try (lines.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }

        func run(_ arguments: [String]) throws -> CommandLineRunner.Result {
            try CommandLineRunner.run(["improve"] + arguments + ["--ledger", "ledger.sqlite"], in: folder)
        }

        func json(_ arguments: [String]) throws -> [String: Any] {
            let result = try run(arguments + ["--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        }

        /// The person's answers for a round: true rows for `clean`, true labels for `acquire`.
        func answer(_ round: [String: Any], to name: String) throws {
            let rows = (round["items"] as? [[String: Any]] ?? []).compactMap { $0["row"] as? Int }
            if round["arm"] as? String == "clean" {
                let features = header.split(separator: ",").dropLast().joined(separator: ",")
                try write(["row," + features] + rows.map { "\($0)," + labelled[$0].dropLast().joined(separator: ",") }, name)
            } else {
                try write(["row,label"] + rows.map { "\($0),\(pool[$0].last!)" }, name)
            }
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static let start = ["--train", "train.csv", "--pool", "pool.csv", "--valid", "valid.csv", "--scale", "minmax", "--batch", "5"]

    @Test func roundsAlternateArmsResumeAndDrawTheCurve() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let first = try fixture.json(["next"] + Self.start)
        let round1 = try #require(first["round"] as? [String: Any])
        #expect(round1["arm"] as? String == "clean" && round1["round"] as? Int == 1)
        let items = try #require(round1["items"] as? [[String: Any]])
        #expect(items.count == 5)
        #expect(items.allSatisfy { ($0["row"] as! Int) % 2 == 0 && ($0["why"] as! String).contains("expected entropy drop") })
        // Asking again shows the same open round: nothing new is picked until it is answered.
        let again = try fixture.json(["next"])
        #expect((again["round"] as? [String: Any])?["items"] as? NSArray == round1["items"] as? NSArray)

        // An answer outside the batch is refused and changes nothing.
        let shown = Set(items.compactMap { $0["row"] as? Int })
        let outside = (0..<100).first { $0 % 2 == 0 && !shown.contains($0) }!
        try fixture.answer(["arm": "clean", "items": [["row": outside]]], to: "wrong.csv")
        let wrong = try fixture.run(["apply", "wrong.csv"])
        #expect(wrong.status == 2 && wrong.stderr.contains("is not a row of round 1's batch"), "\(wrong.stderr)")

        try fixture.answer(round1, to: "answers1.csv")
        let applied = try fixture.run(["apply", "answers1.csv"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.hasPrefix("Round 1 (clean) recorded: effort 5, ceiling 0."))
        #expect(applied.stdout.contains("Feasibility curve"))

        let second = try fixture.json(["next"])
        let round2 = try #require(second["round"] as? [String: Any])
        #expect(round2["arm"] as? String == "acquire" && (round2["reason"] as? String ?? "").contains("not been tried"))
        let poolRows = try #require(round2["items"] as? [[String: Any]]).compactMap { $0["row"] as? Int }
        #expect(poolRows.count == 5 && Set(poolRows).count == 5)
        try fixture.answer(round2, to: "answers2.csv")
        #expect(try fixture.run(["apply", "answers2.csv"]).status == 0)

        let third = try fixture.json(["next"])
        let round3 = try #require(third["round"] as? [String: Any])
        #expect((round3["reason"] as? String ?? "").hasPrefix("UCB1 on the normalised gain per unit of effort"))

        let status = try fixture.run(["status", "--plot", "curve.svg", "--target", "0.999"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("Round 3: \(round3["arm"] as! String) — UCB1"))
        let table = status.stdout.split(separator: "\n").filter { $0.hasPrefix("    ") || $0.hasPrefix("round") }
        #expect(table.count == 4, "\(status.stdout)")
        let svg = try #require(SVGInspector.parse(try Data(contentsOf: fixture.folder.appendingPathComponent("curve.svg"))))
        #expect(svg.elements(withClasses: "point").count == 3)
        #expect(svg.elements(withClasses: "point", "clean").count == 1 && svg.elements(withClasses: "point", "acquire").count == 1)
        #expect(svg.text.contains("Improvement loop improve") && svg.elements(withClasses: "target").count == 1)
        #expect(status.stdout.contains("is below the target 0.999: no model can reach it on this data yet"))
        let verify = try CommandLineRunner.run(["ledger", "verify", "--ledger", "ledger.sqlite"], in: fixture.folder)
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    /// SIGKILL at moments spread over `apply`'s run: the session is always exactly before or after
    /// the round, the ledger's chain stays intact, and the loop resumes.
    @Test func sigkillDuringApplyLeavesTheRoundWholeAndTheLoopResumes() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        // Killed while starting the session and opening round 1: afterwards there is no session,
        // or one without a round, or one with round 1 open; `next` then shows round 1.
        let started = Date()
        _ = try CommandLineRunner.run(["improve", "next", "--ledger", "timing.sqlite"] + Self.start, in: fixture.folder)
        let duration = Date().timeIntervalSince(started)
        for i in 0..<8 {
            let running = try CommandLineRunner.start(["improve", "next", "--ledger", "ledger.sqlite"] + Self.start, in: fixture.folder)
            usleep(UInt32(duration * 1.3 * Double(i) / 7 * 1_000_000))
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.finish()
            let status = try fixture.run(["status", "--json"])
            if status.status == 0 {
                let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
                let round = report["round"] as? [String: Any]
                #expect(round == nil || round?["round"] as? Int == 1)
            } else {
                #expect((try jsonError(status.stdout)?["message"] as? String)?.contains("no improve session improve") == true, "\(status.stdout)")
            }
        }
        let first = try fixture.json(["next"] + Self.start)
        #expect((first["round"] as? [String: Any])?["round"] as? Int == 1)
        try fixture.answer(try #require(first["round"] as? [String: Any]), to: "answers.csv")
        var outcomes: Set<Int> = []
        for i in 0..<12 {
            let running = try CommandLineRunner.start(["improve", "apply", "answers.csv", "--ledger", "ledger.sqlite"], in: fixture.folder)
            usleep(UInt32(duration * 1.3 * Double(i) / 11 * 1_000_000))
            kill(running.process.processIdentifier, SIGKILL)
            let result = running.finish()
            let report = try fixture.json(["status"])
            let points = try #require(report["curve"] as? [[String: Any]]).count
            #expect(points == 1 || points == 2)
            #expect((report["round"] == nil || report["round"] is NSNull) == (points == 2))
            outcomes.insert(points)
            if result.status == 0 { #expect(points == 2) }
            if points == 2 { break }
        }
        #expect(outcomes.contains(1))
        if !outcomes.contains(2) { #expect(try fixture.run(["apply", "answers.csv"]).status == 0) }
        let twice = try fixture.run(["apply", "answers.csv"])
        #expect(twice.status == 2 && twice.stderr.contains("no open round"))
        let next = try fixture.json(["next"])
        #expect((next["round"] as? [String: Any])?["arm"] as? String == "acquire")
        #expect(try CommandLineRunner.run(["ledger", "verify", "--ledger", "ledger.sqlite"], in: fixture.folder).status == 0)
    }

    @Test func simulateComparesTheBanditWithEachArm() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try Fixtures.url("data/breast_cancer.csv").path
        let result = try CommandLineRunner.run(["improve", "simulate", "--data", data, "--rounds", "4", "--plot", "sim.svg", "--json"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let runs = try #require(report["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["policy"] as? String } == ["bandit", "clean", "acquire"])
        #expect(report["labelledRows"] as? Int == 100 && report["poolRows"] as? Int == 299 && report["validationRows"] as? Int == 170)
        let finals = runs.compactMap { $0["finalCeiling"] as? Double }
        #expect(finals[0] >= min(finals[1], finals[2]))
        let svg = try #require(SVGInspector.parse(try Data(contentsOf: folder.appendingPathComponent("sim.svg"))))
        #expect(svg.elements(withClasses: "curve").count == 3)
        #expect(svg.elements(withClasses: "legend").count == 3)
    }
}
