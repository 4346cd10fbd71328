import EaseMLTestSupport
import Foundation
import Testing

/// `scripts/embed-text.py` end to end with the test venv's Python and numpy and the stand-in model
/// (`EmbedderStandIn`: a text as (length, count of "a", count of "b")), which separates the two
/// classes of the fixture, so the feasibility study on the script's output must find them separable.
@Suite struct EmbeddingScriptTests {
    let script = EmbedderStandIn.script

    func runPython(_ arguments: [String], in folder: URL) throws -> CommandLineRunner.Result {
        try CommandLineRunner.runProgram(
            try TestPython.interpreter(), [script] + arguments, in: folder,
            environment: ["PYTHONPATH": folder.appendingPathComponent("stand-in").path])
    }

    func makeFolder() throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        _ = try EmbedderStandIn.install(in: folder)
        var csv = "id,text,label\n"
        for i in 0..<60 {
            let text = i % 2 == 0 ? String(repeating: "a", count: 5 + i % 7) + " x" : "\"b, " + String(repeating: "b", count: 3 + i % 5) + "\""
            csv += "\(i),\(text),\(i % 2 == 0 ? "ham" : "spam")\n"
        }
        try csv.write(to: folder.appendingPathComponent("texts.csv"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func embedsATextColumnIntoANumpyMatrixTheFeasibilityStudyReads() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runPython(["texts.csv", "--text", "text", "--label", "label", "--output", "e.npy", "--labels-output", "y.csv"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("e.npy: 60 x 3 float32"))
        let npy = try Data(contentsOf: folder.appendingPathComponent("e.npy"))
        let header = String(decoding: npy.prefix(128), as: UTF8.self)
        #expect(header.contains("'descr': '<f4'") && header.contains("'shape': (60, 3)"))
        let labels = try String(contentsOf: folder.appendingPathComponent("y.csv"), encoding: .utf8)
        #expect(labels.hasPrefix("label\nham\nspam\nham\n") && labels.split(separator: "\n").count == 61)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") }.isEmpty)

        let study = try CommandLineRunner.run(
            ["feasibility", "--data", "e.npy", "--labels", "y.csv", "--metric", "cosine", "--target", "0.9", "--json"], in: folder)
        #expect(study.status == 0, "\(study.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(study.stdout.utf8)) as? [String: Any])
        #expect(json["verdict"] as? String == "feasible")
        let entry = try #require((json["entries"] as? [[String: Any]])?.first)
        let estimate = try #require(entry["estimate"] as? [String: Any])
        #expect(estimate["examples"] as? Int == 60 && estimate["features"] as? Int == 3 && estimate["classes"] as? Int == 2)
    }

    @Test func badInputIsRefusedWithItsPlaceAndNothingIsWritten() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try runPython(["texts.csv", "--text", "body", "--output", "e.npy"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("texts.csv:1: error: no column `body` (columns: id, text, label)"))
        try "id,text\n1,hello\n2,\n".write(to: folder.appendingPathComponent("gap.csv"), atomically: true, encoding: .utf8)
        let empty = try runPython(["gap.csv", "--text", "text", "--output", "e.npy"], in: folder)
        #expect(empty.stderr.contains("gap.csv:3:2: error: empty `text` cell"))
        try "text,label\nhello,a\nworld,\"b, c\"\n".write(to: folder.appendingPathComponent("comma.csv"), atomically: true, encoding: .utf8)
        let comma = try runPython(["comma.csv", "--text", "text", "--label", "label", "--output", "e.npy"], in: folder)
        #expect(comma.stderr.contains("comma.csv:3:2: error: label `b, c` is empty or holds a comma"))
        let suffix = try runPython(["texts.csv", "--text", "text", "--output", "e.csv"], in: folder)
        #expect(suffix.status == 2 && suffix.stderr.contains("--output must end in .npy"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("e.npy").path))
    }
}
