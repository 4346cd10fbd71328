import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci ingest documents` (issue 22, the paper's Document template), through the binary with
/// the real converters: pdftotext (poppler-utils) and pandoc, installed by install.sh.
@Suite struct IngestDocumentsTests {
    private func write(_ data: Data, _ path: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    private func write(_ text: String, _ path: String, in folder: URL) throws {
        try write(Data(text.utf8), path, in: folder)
    }

    /// A one-page PDF whose page shows `line` in Helvetica, with a correct cross-reference table.
    private func pdf(_ line: String) -> Data {
        let content = "BT /F1 14 Tf 20 100 Td (\(line)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }

    /// A DOCX made by the real pandoc from Markdown.
    private func docx(_ markdown: String, _ path: String, in folder: URL) throws {
        let source = folder.appendingPathComponent("docx-source.md")
        try markdown.write(to: source, atomically: true, encoding: .utf8)
        let target = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let made = try CommandLineRunner.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["pandoc", source.path, "-o", target.path], in: folder)
        #expect(made.status == 0, "pandoc: \(made.stderr)")
        try FileManager.default.removeItem(at: source)
    }

    private func table(_ path: String, in folder: URL) throws -> [[String]] {
        // The documents' texts here hold no commas or quotes: a split is the whole CSV reading.
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// PDF, DOCX, HTML and text documents in labelled sub-folders become one table with the right
    /// ids, texts, labels and converters; other files are ignored, hidden ones passed over; a
    /// second run writes the same bytes; the table feeds `ingest table`.
    @Test func aFolderOfDocumentsBecomesOneTable() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(pdf("Refund arrived quickly"), "docs/positive/a.pdf", in: folder)
        try write("<html><head><title>t</title></head><body><h1>Great</h1><p>Friendly   staff\nand <b>fast</b> delivery</p></body></html>",
                  "docs/positive/b.html", in: folder)
        try docx("Broken on arrival\n\nNever again", "docs/negative/c.docx", in: folder)
        try write("Slow\tand\n\nrude\n", "docs/negative/d.txt", in: folder)
        try write(Data([0, 1, 2, 3]), "docs/notes.bin", in: folder)
        try write("secret draft", "docs/.hidden/e.txt", in: folder)

        let run = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try table("out/documents.csv", in: folder)
        #expect(rows.first == ["id", "text", "label", "source"])
        #expect(rows.dropFirst().map { $0[0] } == ["negative/c.docx", "negative/d.txt", "positive/a.pdf", "positive/b.html"])
        #expect(rows.dropFirst().map { $0[2] } == ["negative", "negative", "positive", "positive"])
        #expect(rows.dropFirst().map { $0[3] } == ["pandoc", "text", "pdftotext", "pandoc"])
        #expect(rows[1][1] == "Broken on arrival Never again")
        #expect(rows[2][1] == "Slow and rude")
        #expect(rows[3][1] == "Refund arrived quickly")
        #expect(rows[4][1].hasPrefix("Great") && rows[4][1].hasSuffix("Friendly staff and fast delivery"), "\(rows[4][1])")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(report["documents"] as? Int == 4)
        #expect(report["ignored"] as? [String] == ["notes.bin"])
        #expect(report["byFormat"] as? [String: Int] == ["pdf": 1, "docx": 1, "html": 1, "text": 1])
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest documents", stdout: run.stdout)])
        #expect(validated.status == 0, "\(validated.report)")

        let again = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "again"], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("4 documents") && again.stdout.contains("negative 2, positive 2"), "\(again.stdout)")
        #expect(try Data(contentsOf: folder.appendingPathComponent("again/documents.csv")) == Data(contentsOf: folder.appendingPathComponent("out/documents.csv")))

        let encoded = try CommandLineRunner.run(
            ["ingest", "table", "--input", "out/documents.csv", "--output", "features", "--max-categories", "3", "--json"], in: folder)
        #expect(encoded.status == 0, "\(encoded.stderr)")
        let kinds = try #require(try JSONSerialization.jsonObject(with: Data(encoded.stdout.utf8)) as? [String: Any])["columns"] as? [[String: Any]]
        #expect(kinds?.map { "\($0["name"]!):\($0["kind"]!)" } == ["id:text", "text:text", "source:categorical"])

        // The text template of augmentation: perturbed copies, ids kept unique, provenance listed.
        let augmented = try CommandLineRunner.run(
            ["ingest", "augment", "--input", "out/documents.csv", "--text", "text", "--factor", "1.5", "--seed", "3", "--output", "aug", "--json"], in: folder)
        #expect(augmented.status == 0, "\(augmented.stderr)")
        let grown = try table("aug/augmented.csv", in: folder)
        #expect(grown.count == 1 + 4 + 2)
        #expect(Array(grown[1...4]) == Array(rows[1...4]))
        #expect(grown[5][0] == "negative/c.docx#aug1" && grown[6][0] == "negative/d.txt#aug1")
        #expect(grown[5][1] != rows[1][1] && Set(grown[5][1].split(separator: " ")).isSubset(of: Set(rows[1][1].split(separator: " "))))
        #expect(try String(contentsOf: folder.appendingPathComponent("aug/synthetic-rows.csv"), encoding: .utf8).hasPrefix("row,source,operation\n4,0,"))
        let validatedAugment = try JSONSchemaContractTests.validate([.init(command: "ingest augment", stdout: augmented.stdout)])
        #expect(validatedAugment.status == 0, "\(validatedAugment.report)")
        let noColumn = try CommandLineRunner.run(["ingest", "augment", "--input", "out/documents.csv", "--text", "body", "--output", "aug2"], in: folder)
        #expect(noColumn.status == 2 && noColumn.stderr.contains("documents.csv:1: no column `body`"), "\(noColumn.stderr)")
    }

    /// A missing converter names its Debian package (exit 4, also under --json); documents that need
    /// only the converters present still work.
    @Test func aMissingConverterNamesItsPackage() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin.appendingPathComponent("pandoc").path, withDestinationPath: "/usr/bin/pandoc")
        try write(pdf("Hello"), "docs/a/one.pdf", in: folder)
        try write("<p>Hi there</p>", "html/a/two.html", in: folder)
        let environment = ["PATH": bin.path]

        let run = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out"], in: folder, environment: environment)
        #expect(run.status == 4)
        #expect(run.stderr.contains("`pdftotext` is not installed") && run.stderr.contains("apt-get install poppler-utils"), "\(run.stderr)")
        #expect(run.stderr.contains("one.pdf"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        let json = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out", "--json"], in: folder, environment: environment)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String: Any]])["error"]
        #expect(error?["kind"] as? String == "environment")
        #expect(error?["exitCode"] as? Int == 4)
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest documents", stdout: json.stdout)])
        #expect(validated.status == 0, "\(validated.report)")

        let html = try CommandLineRunner.run(["ingest", "documents", "--input", "html", "--output", "out"], in: folder, environment: environment)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(try table("out/documents.csv", in: folder).last == ["a/two.html", "Hi there", "a", "pandoc"])
    }

    /// A document no converter can read is named with its path: by default nothing is written
    /// (exit 2); with --on-error skip the rest is ingested and the bad file listed, never a crash.
    @Test func malformedDocumentsAreRefusedOrSkipped() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(Data("%PDF-1.4 this is not really a PDF".utf8), "docs/x/broken.pdf", in: folder)
        try write(Data("not a zip at all".utf8), "docs/x/broken.docx", in: folder)
        try write(Data([0xFF, 0xFE, 0x41, 0xC0]), "docs/x/latin.txt", in: folder)
        try write("all good here", "docs/y/good.txt", in: folder)

        let refused = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out"], in: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("3 files could not be read") && refused.stderr.contains("docs/x/broken.pdf: pdftotext could not read it"), "\(refused.stderr)")
        #expect(refused.stderr.contains("latin.txt: not UTF-8 text") && refused.stderr.contains("--on-error skip"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))

        let skipped = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out", "--on-error", "skip", "--json"], in: folder)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(skipped.stdout.utf8)) as? [String: Any])
        #expect((report["skipped"] as? [[String: String]])?.map { $0["path"]! } == ["x/broken.docx", "x/broken.pdf", "x/latin.txt"])
        #expect(try table("out/documents.csv", in: folder) == [["id", "text", "label", "source"], ["y/good.txt", "all good here", "y", "text"]])
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest documents", stdout: skipped.stdout)])
        #expect(validated.status == 0, "\(validated.report)")

        let bad = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--output", "out", "--on-error", "maybe"], in: folder)
        #expect(bad.status == 2 && bad.stderr.contains("--on-error: refuse or skip"), "\(bad.stderr)")
        let notFolder = try CommandLineRunner.run(["ingest", "documents", "--input", "docs/y/good.txt", "--output", "out"], in: folder)
        #expect(notFolder.status == 2 && notFolder.stderr.contains("is not a folder"), "\(notFolder.stderr)")
    }

    /// A labels file overrides folder names and labels top-level documents; an id it names that is
    /// not a document is refused with its line; a label the CSV files cannot carry is refused.
    @Test func aLabelsFileNamesTheClasses() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("first one", "docs/one.txt", in: folder)
        try write("second one", "docs/inbox/two.md", in: folder)
        try write("third one", "docs/three.txt", in: folder)
        try write("id,label\none.txt,spam\ninbox/two.md,ham\n", "labels.csv", in: folder)

        let run = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--labels", "labels.csv", "--output", "out"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try table("out/documents.csv", in: folder).dropFirst().map { "\($0[0]):\($0[2])" } == ["inbox/two.md:ham", "one.txt:spam", "three.txt:"])
        #expect(run.stdout.contains("ham 1, spam 1; 1 unlabelled"), "\(run.stdout)")

        try write("id,label\none.txt,spam\nfour.txt,ham\n", "typo.csv", in: folder)
        let typo = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--labels", "typo.csv", "--output", "out2"], in: folder)
        #expect(typo.status == 2 && typo.stderr.contains("typo.csv:3: no document `four.txt`"), "\(typo.stderr)")
        try write("id,label\none.txt,\"a,b\"\n", "comma.csv", in: folder)
        let comma = try CommandLineRunner.run(["ingest", "documents", "--input", "docs", "--labels", "comma.csv", "--output", "out2"], in: folder)
        #expect(comma.status == 2 && comma.stderr.contains("comma.csv:2:2: the label `a,b` cannot be used"), "\(comma.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out2").path))
    }
}
