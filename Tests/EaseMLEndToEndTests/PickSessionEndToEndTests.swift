import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci pick start/next/label/status/run/choose` as real subprocesses on a real ledger file,
/// with a scripted labeler answering from the EmoContext labels.
@Suite(.serialized) struct PickSessionEndToEndTests {
    static let truth: [String: String] = {
        let text = (try? String(contentsOfFile: PickCommandTests.labelsFile, encoding: .utf8)) ?? ""
        var result: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            if fields.count == 2 { result[String(fields[0])] = String(fields[1]) }
        }
        return result
    }()

    static func start(_ directory: URL, budget: Int = 120) throws {
        let result = try CommandLineRunner.run(
            ["pick", "start", "--ledger", "l.sqlite", "--name", "day1", "--seed", "7", "--label-budget", String(budget), "--models"]
                + PickCommandTests.modelFiles, in: directory)
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func status(_ directory: URL) throws -> [String: Any] {
        let result = try CommandLineRunner.run(["pick", "status", "--ledger", "l.sqlite", "--json"], in: directory)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Labels in batches of 10 until the session stops; at the listed rounds the `pick label` (or
    /// `pick next`) process is killed with SIGKILL right after it starts, then the loop resumes.
    static func label(_ directory: URL, killLabelAt: Set<Int> = [], killNextAt: Set<Int> = []) throws {
        for round in 0..<100 {
            if killNextAt.contains(round) {
                let doomed = try CommandLineRunner.start(["pick", "next", "--ledger", "l.sqlite", "--batch", "10"], in: directory)
                kill(doomed.process.processIdentifier, SIGKILL)
                _ = doomed.finish()
            }
            let next = try CommandLineRunner.run(["pick", "next", "--ledger", "l.sqlite", "--batch", "10", "--format", "csv"], in: directory)
            #expect(next.status == 0, "\(next.stderr)")
            let ids = next.stdout.split(separator: "\n").dropFirst().map(String.init)
            if ids.isEmpty { return }
            // Answer in reverse order: labels in any order.
            let pairs = ids.reversed().map { "\($0)=\(truth[$0] ?? "?")" }
            if killLabelAt.contains(round) {
                let doomed = try CommandLineRunner.start(["pick", "label", "--ledger", "l.sqlite"] + pairs, in: directory)
                usleep(UInt32(20_000 * (round % 3)))
                kill(doomed.process.processIdentifier, SIGKILL)
                let killed = doomed.finish()
                #expect(killed.status != 0 || killed.stderr.isEmpty)
                continue  // the labeler asks again: whatever was committed is not asked twice
            }
            let labeled = try CommandLineRunner.run(["pick", "label", "--ledger", "l.sqlite"] + pairs, in: directory)
            #expect(labeled.status == 0, "\(labeled.stderr)")
        }
        Issue.record("the session did not stop")
    }

    @Test func aKilledSessionResumesToTheSameAnswer() throws {
        let plain = try CommandLineRunner.temporaryDirectory()
        let killed = try CommandLineRunner.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: plain)
            try? FileManager.default.removeItem(at: killed)
        }
        try Self.start(plain)
        try Self.label(plain)
        try Self.start(killed)
        try Self.label(killed, killLabelAt: [1, 3, 4, 7], killNextAt: [2, 5])
        let a = try Self.status(plain)
        let b = try Self.status(killed)
        #expect(a["status"] as? String == "stopped")
        #expect(a["chosen"] as? String != nil)
        #expect(a["chosen"] as? String == b["chosen"] as? String)
        #expect(a["stopReason"] as? String == b["stopReason"] as? String)
        #expect(a["labelsUsed"] as? Int == b["labelsUsed"] as? Int)
        #expect(a["streamPosition"] as? Int == b["streamPosition"] as? Int)
        let lossesA = (a["models"] as? [[String: Any]])?.map { $0["estimatedLoss"] as? Double }
        let lossesB = (b["models"] as? [[String: Any]])?.map { $0["estimatedLoss"] as? Double }
        #expect(lossesA == lossesB)
        // The chain is intact after the kills.
        let verify = try CommandLineRunner.run(["ledger", "verify", "--ledger", "l.sqlite"], in: killed)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func unknownIdsAndClassesChangeNothing() throws {
        let directory = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.start(directory)
        let next = try CommandLineRunner.run(["pick", "next", "--ledger", "l.sqlite", "--batch", "3", "--format", "json"], in: directory)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 3)
        let first = try #require(items.first?["id"] as? String)
        let unknown = try CommandLineRunner.run(["pick", "label", "--ledger", "l.sqlite", "\(first)=\(Self.truth[first]!)", "no-such-item=1"], in: directory)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown item id `no-such-item`"))
        let badClass = try CommandLineRunner.run(["pick", "label", "--ledger", "l.sqlite", "\(first)=surprise"], in: directory)
        #expect(badClass.status == 2)
        #expect(try Self.status(directory)["labelsUsed"] as? Int == 0)
        let again = try CommandLineRunner.run(["pick", "next", "--ledger", "l.sqlite", "--batch", "3", "--format", "json"], in: directory)
        #expect(again.stdout == next.stdout)
    }

    @Test func runReadsAnswersFromStdinAndResumes() throws {
        let directory = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.start(directory, budget: 6)
        func run(_ answers: (String) -> [String], stopAfter: Int) throws -> String {
            let process = Process()
            process.executableURL = CommandLineRunner.executable
            process.arguments = ["pick", "run", "--ledger", "l.sqlite"]
            process.currentDirectoryURL = directory
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            var transcript = ""
            var answered = 0
            let reader = output.fileHandleForReading
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                transcript += String(decoding: chunk, as: UTF8.self)
                if transcript.hasSuffix("label> ") {
                    let id = transcript.components(separatedBy: "item ").last?.split(separator: "\n").first.map(String.init) ?? ""
                    let lines = answered >= stopAfter ? ["q"] : answers(id)
                    answered += 1
                    input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
                }
            }
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            return transcript
        }
        let first = try run({ id in ["?", Self.truth[id]!] }, stopAfter: 2)
        #expect(first.contains("s  skip the item"))
        #expect(first.contains("Saved; run `easeml-ci pick run` to resume."))
        #expect(try Self.status(directory)["labelsUsed"] as? Int == 2)
        let second = try run({ id in [Self.truth[id]!] }, stopAfter: 100)
        #expect(second.contains("Stopped (budget): chose"))
        let status = try Self.status(directory)
        #expect(status["labelsUsed"] as? Int == 6)
        // The budget is shared: every label was asked for by ModelPicker, the stopping rule, or both.
        let split = try #require(status["labelSplit"] as? [String: Int])
        #expect((split["modelPicker"] ?? 0) + (split["stoppingRule"] ?? 0) + (split["both"] ?? 0) == 6, "\(split)")
        #expect((split["modelPicker"] ?? 0) + (split["both"] ?? 0) > 0 && (split["stoppingRule"] ?? 0) + (split["both"] ?? 0) > 0, "\(split)")
        #expect(status["status"] as? String == "stopped")
        // The next session starts from the chosen model: it is recorded in the ledger.
        let chosen = try CommandLineRunner.run(["pick", "choose", "--ledger", "l.sqlite"], in: directory)
        #expect(chosen.status == 2)
        #expect(chosen.stderr.contains("already chosen \(status["chosen"] as? String ?? "?")"))
    }
}
