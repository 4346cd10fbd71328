import EaseMLCI
import EaseMLTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct CleanCommandTests {
    /// breast_cancer split as in valuation.md §4.3: training rows r % 10 < 7, of which t % 5 == 2 miss
    /// the cells of base feature b = (t div 5) mod 10 (columns b, b+10, b+20); the true row 342 as a
    /// cleaned-rows file.
    private func dirtySplit() throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let source = try Fixtures.url("data/breast_cancer.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        let body = Array(lines.dropFirst())
        let train = body.indices.filter { $0 % 10 < 7 }.map { body[$0] }
        let valid = body.indices.filter { $0 % 10 >= 7 }.map { body[$0] }
        let dirty = train.enumerated().map { t, line -> String in
            guard t % 5 == 2 else { return line }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let b = (t / 5) % 10
            for c in [b, b + 10, b + 20] { fields[c] = c == b ? "" : "NaN" }
            return fields.joined(separator: ",")
        }
        func write(_ rows: [String], _ name: String) throws {
            try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write([lines[0]] + dirty, "train.csv")
        try write([lines[0]] + valid, "valid.csv")
        let features = lines[0].split(separator: ",").dropLast().joined(separator: ",")
        try write(["row," + features, "342," + train[342].split(separator: ",").dropLast().joined(separator: ",")], "fixed.csv")
        return folder
    }

    /// Inside an application, `clean apply` is recorded in the lineage and `next` counts the cleaned
    /// rows as step 3's evidence.
    @Test func applyIsRecordedInTheApplicationsLineage() throws {
        let folder = try dirtySplit()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try runGit(folder, ["init", "-q", "."])
        try "condition: n > 0.8 +/- 0.05\nreliability: 0.99\napplication:\n  training: train.csv\n  validation: valid.csv\n  target: 0.9\n"
            .write(to: folder.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        #expect(try CommandLineRunner.run(["clean", "next", "--train", "train.csv", "--valid", "valid.csv", "--scale", "minmax"], in: folder).status == 0)
        #expect(try CommandLineRunner.run(["clean", "apply", "fixed.csv"], in: folder).status == 0)
        let lineage = try #require(try JSONSerialization.jsonObject(with: Data(try CommandLineRunner.run(["lineage", "--json"], in: folder).stdout.utf8)) as? [String: Any])
        let run = try #require((lineage["runs"] as? [[String: Any]])?.first)
        #expect(run["step"] as? String == "clean")
        #expect(run["decision"] as? String == "session clean: 1 cleaned row recorded (342)", "\(run)")
        #expect((run["inputs"] as? [[String: Any]])?.first?["path"] as? String == "fixed.csv")
        let next = try CommandLineRunner.run(["next"], in: folder).stdout
        #expect(next.contains("3. cleaning     done            1 training rows cleaned in 1 session(s)"), "\(next)")
    }

    @Test func nextApplyStatusRoundTrip() throws {
        let folder = try dirtySplit()
        defer { try? FileManager.default.removeItem(at: folder) }
        let start = ["--train", "train.csv", "--valid", "valid.csv", "-k", "3", "--scale", "minmax"]
        let status = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite"] + start, in: folder)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("166 of 170 validation predictions are certain (K = 3); 80 rows"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledger.sqlite").path))

        // Resumed from the ledger: the reference's first three rows, best first.
        let next = try CommandLineRunner.run(["clean", "next", "--ledger", "ledger.sqlite", "--batch", "3", "--json"], in: folder)
        #expect(next.status == 0, "\(next.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["next"] as? [[String: Any]])
        #expect(rows.compactMap { $0["row"] as? Int } == [342, 57, 152])
        #expect(rows.first?["missingColumns"] as? [String] == ["x8", "x18", "x28"])

        let apply = try CommandLineRunner.run(["clean", "apply", "--ledger", "ledger.sqlite", "fixed.csv"], in: folder)
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Recorded 1 cleaned row: 342.\n168 of 170"))
        let after = try CommandLineRunner.run(["clean", "next", "--ledger", "ledger.sqlite"], in: folder)
        #expect(after.stdout.contains("1     57 "))

        // Applying the same row twice is refused and leaves the state alone.
        let again = try CommandLineRunner.run(["clean", "apply", "--ledger", "ledger.sqlite", "fixed.csv"], in: folder)
        #expect(again.status == 2 && again.stderr == "error: clean: fixed.csv: row 342 is already cleaned\n")
        let json = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite", "--json"], in: folder)
        let final = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((final["status"] as? [String: Any])?["cleanedRows"] as? [Int] == [342])
        let events = try CommandLineRunner.run(["ledger", "verify", "--ledger", "ledger.sqlite"], in: folder)
        #expect(events.status == 0, "\(events.stdout)\(events.stderr)")
    }

    /// SIGKILL at moments spread over `clean apply`: the cleaned row is recorded whole or not at
    /// all, the chain verifies, and the session resumes.
    @Test func sigkillDuringApplyRecordsTheBatchWholeOrNotAtAll() throws {
        let folder = try dirtySplit()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = ["--ledger", "ledger.sqlite"]
        let started = Date()
        #expect(try CommandLineRunner.run(["clean", "status", "--train", "train.csv", "--valid", "valid.csv", "--scale", "minmax"] + ledger, in: folder).status == 0)
        let duration = Date().timeIntervalSince(started)
        var seen: Set<[Int]> = []
        for i in 0..<10 {
            let running = try CommandLineRunner.start(["clean", "apply", "fixed.csv"] + ledger, in: folder)
            usleep(UInt32(duration * 1.3 * Double(i) / 9 * 1_000_000))
            kill(running.process.processIdentifier, SIGKILL)
            _ = running.finish()
            let status = try CommandLineRunner.run(["clean", "status", "--json"] + ledger, in: folder)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let cleaned = try #require((report["status"] as? [String: Any])?["cleanedRows"] as? [Int])
            #expect(cleaned == [] || cleaned == [342])
            seen.insert(cleaned)
            if cleaned == [342] { break }
        }
        #expect(seen.contains([]))
        if !seen.contains([342]) { #expect(try CommandLineRunner.run(["clean", "apply", "fixed.csv"] + ledger, in: folder).status == 0) }
        let next = try CommandLineRunner.run(["clean", "next", "--json"] + ledger, in: folder)
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])?["next"] as? [[String: Any]])
        #expect(rows.first?["row"] as? Int == 57)
        #expect(try CommandLineRunner.run(["ledger", "verify"] + ledger, in: folder).status == 0)
    }

    @Test func anEarlierJSONStateFileIsImportedIntoTheLedger() throws {
        let folder = try dirtySplit()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hash = try ContentHash.ofFile(folder.appendingPathComponent("train.csv").path)
        let fixed = try String(contentsOf: folder.appendingPathComponent("fixed.csv"), encoding: .utf8).split(separator: "\n")[1]
        let values = fixed.split(separator: ",").dropFirst().joined(separator: ",")
        let state = #"{"version":1,"training":"train.csv","validation":"valid.csv","trainingHash":"\#(hash)","k":3,"scaling":"minmax","cleaned":[{"row":342,"values":[\#(values)]}]}"#
        try state.write(to: folder.appendingPathComponent("easeml-clean.json"), atomically: true, encoding: .utf8)
        let imported = try CommandLineRunner.run(["clean", "import", "--ledger", "ledger.sqlite", "easeml-clean.json"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("Imported easeml-clean.json as session clean with 1 cleaned row"))
        #expect(imported.stdout.contains("168 of 170"))
        let status = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite", "--json"], in: folder)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((report["status"] as? [String: Any])?["cleanedRows"] as? [Int] == [342])
        let old = try CommandLineRunner.run(["clean", "next", "--state", "easeml-clean.json"], in: folder)
        #expect(old.status == 2 && old.stderr.contains("move easeml-clean.json there with `easeml-ci clean import easeml-clean.json`"))
        let twice = try CommandLineRunner.run(["clean", "import", "--ledger", "ledger.sqlite", "easeml-clean.json"], in: folder)
        #expect(twice.status == 2 && twice.stderr.contains("already has a session clean"))
    }

    @Test func errorsArePositionedAndSessionsAreGuarded() throws {
        let folder = try dirtySplit()
        defer { try? FileManager.default.removeItem(at: folder) }
        let none = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite"], in: folder)
        #expect(none.status == 2 && none.stderr.contains("error: clean: no cleaning session clean: no ledger at \(folder.standardizedFileURL.path)/ledger.sqlite"), "\(none.stderr)")
        try "a,b,label\n1,oops,0\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite", "--train", "bad.csv", "--valid", "valid.csv"], in: folder)
        #expect(bad.status == 2 && bad.stderr == "bad.csv:2:2: error: `oops` is not a finite number\n")
        _ = try CommandLineRunner.run(["clean", "status", "--ledger", "ledger.sqlite", "--train", "train.csv", "--valid", "valid.csv"], in: folder)
        let other = try CommandLineRunner.run(
            ["clean", "status", "--ledger", "ledger.sqlite", "--train", "train.csv", "--valid", "valid.csv", "-k", "5"], in: folder)
        #expect(other.status == 2 && other.stderr.contains("session clean has other inputs"))
        let second = try CommandLineRunner.run(
            ["clean", "status", "--ledger", "ledger.sqlite", "--session", "k5", "--train", "train.csv", "--valid", "valid.csv", "-k", "5"], in: folder)
        #expect(second.status == 0 && second.stdout.contains("(K = 5)"), "\(second.stderr)")
    }
}
