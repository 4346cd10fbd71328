import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci acquire` through the real binary on digits: 60 labelled rows, the rest of the
/// training split (r % 10 < 7) as an unlabelled pool, the validation split (r % 10 >= 7).
@Suite(.serialized) struct AcquireCommandTests {
    private func files(emptyLabelColumn: Bool) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let source = try Fixtures.url("data/digits.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        let body = Array(lines.dropFirst().enumerated())
        let train = body.filter { $0.offset % 10 < 7 }.map(\.element)
        let valid = [lines[0]] + body.filter { $0.offset % 10 >= 7 }.map(\.element)
        let unlabel = { (line: String) in String(line[..<line.lastIndex(of: ",")!]) }
        let pool = train.dropFirst(60).map { emptyLabelColumn ? unlabel($0) + "," : unlabel($0) }
        let poolHeader = emptyLabelColumn ? lines[0] : unlabel(lines[0])
        let write = { (name: String, rows: [String]) in
            try (rows.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("labeled.csv", [lines[0]] + train.prefix(60))
        try write("pool.csv", [poolHeader] + pool)
        try write("valid.csv", valid)
        return folder
    }

    @Test func ranksThePoolAndMarksTheBatch() throws {
        let folder = try files(emptyLabelColumn: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandLineRunner.run(
            ["acquire", "--labeled", "labeled.csv", "--pool", "pool.csv", "--valid", "valid.csv", "-k", "5", "--batch", "10", "--format", "json"],
            in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == 1_200)
        #expect(Set(rows.compactMap { $0["index"] as? Int }).count == 1_200)
        #expect(rows.filter { $0["labelNow"] as? Bool == true }.count == 10)
        #expect(rows.filter { $0["eligible"] as? Bool == true }.count == 600)
        #expect(rows.prefix(600).allSatisfy { $0["eligible"] as? Bool == true })
        // An empty label column in the pool gives the same order.
        let other = try files(emptyLabelColumn: true)
        defer { try? FileManager.default.removeItem(at: other) }
        let csv = try CommandLineRunner.run(
            ["acquire", "--labeled", "labeled.csv", "--pool", "pool.csv", "--valid", "valid.csv", "--format", "csv"], in: other)
        #expect(csv.status == 0, "\(csv.stderr)")
        let csvIndices = csv.stdout.split(separator: "\n").dropFirst().map { Int($0.split(separator: ",")[1])! }
        #expect(csvIndices == rows.compactMap { $0["index"] as? Int })
        let table = try CommandLineRunner.run(["acquire", "--labeled", "labeled.csv", "--pool", "pool.csv", "--valid", "valid.csv"], in: folder)
        #expect(table.stdout.contains("label now"))
        #expect(table.stdout.contains("1,200 pool rows"))
    }

    @Test func badInputIsAUsageError() throws {
        let folder = try files(emptyLabelColumn: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
        let narrow = try CommandLineRunner.run(["acquire", "--labeled", "labeled.csv", "--pool", "narrow.csv", "--valid", "valid.csv"], in: folder)
        #expect(narrow.status == 2)
        #expect(narrow.stderr.contains("feature columns"))
        let batch = try CommandLineRunner.run(
            ["acquire", "--labeled", "labeled.csv", "--pool", "pool.csv", "--valid", "valid.csv", "--batch", "0"], in: folder)
        #expect(batch.status == 2)
        #expect(batch.stderr.contains("--batch"))
    }
}
