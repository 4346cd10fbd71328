import Foundation
import Testing

@Suite(.serialized) struct ValueCommandTests {
    /// breast_cancer split as in valuation.md §4 (row r is training when r % 10 < 7).
    private func split() throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/breast_cancer.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(separator: "\n").map(String.init)
        let body = lines.dropFirst().enumerated()
        let train = [lines[0]] + body.filter { $0.offset % 10 < 7 }.map(\.element)
        let valid = [lines[0]] + body.filter { $0.offset % 10 >= 7 }.map(\.element)
        try (train.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try (valid.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func ranksLowestFirstAndFlagsTheLowestFraction() throws {
        let folder = try split()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CommandLineRunner.run(
            ["value", "--train", "train.csv", "--valid", "valid.csv", "-k", "5", "--flag", "0.1", "--format", "json"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == 399)
        #expect(abs((report["total"] as? Double ?? 0) - 0.895294117647) < 1e-9)
        // The reference's lowest-valued training rows (valuation.md, knn-shapley-vectors.json).
        #expect(rows.prefix(3).compactMap { $0["index"] as? Int } == [11, 344, 96])
        #expect(rows.filter { $0["flagged"] as? Bool == true }.count == 40)
        let values = rows.compactMap { $0["value"] as? Double }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        let csv = try CommandLineRunner.run(["value", "--train", "train.csv", "--valid", "valid.csv", "--format", "csv"], in: folder)
        #expect(csv.stdout.hasPrefix("rank,index,label,value,flagged\n1,"))
    }

    @Test func badInputIsAPositionedUsageError() throws {
        let folder = try split()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "x0,x1,label\n1,2,0\n3,nan,1\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let nan = try CommandLineRunner.run(["value", "--train", "bad.csv", "--valid", "valid.csv"], in: folder)
        #expect(nan.status == 2)
        #expect(nan.stderr.contains("bad.csv"))
        #expect(nan.stderr.contains("3"))
        #expect(nan.stderr.hasPrefix("bad.csv:3:"))
        try "x0,x1,label\n1,2,0\n3,4,1\n".write(to: folder.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
        let narrow = try CommandLineRunner.run(["value", "--train", "train.csv", "--valid", "narrow.csv"], in: folder)
        #expect(narrow.status == 2)
        #expect(narrow.stderr.contains("feature columns"))
        #expect(try CommandLineRunner.run(["value", "--train", "train.csv", "--valid", "valid.csv", "--flag", "2"], in: folder).status == 2)
    }
}
