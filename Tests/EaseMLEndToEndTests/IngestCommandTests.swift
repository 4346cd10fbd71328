import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci ingest table` (issue 22, the tables template).
@Suite struct IngestCommandTests {
    private func write(_ text: String, _ name: String, in folder: URL) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func read(_ path: String, in folder: URL) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    /// Numeric columns are standardized, categorical ones one-hot encoded, text left out; missing
    /// cells stay missing in every column they feed; CSV and JSON Lines give the same bytes, and so
    /// does a second run.
    @Test func aTableIsTypedEncodedAndReproducible() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("""
            age,city,review,label
            30,Zurich,great service and friendly,yes
            ,Basel,slow delivery but ok,no
            50,Bern,"never again, sorry",no
            40,,would order again,yes
            20,Zurich,fine,yes

            """, "raw.csv", in: folder)
        try write("""
            {"age": 30, "city": "Zurich", "review": "great service and friendly", "label": "yes"}
            {"age": null, "city": "Basel", "review": "slow delivery but ok", "label": "no"}
            {"age": 50, "city": "Bern", "review": "never again, sorry", "label": "no"}
            {"age": 40, "review": "would order again", "label": "yes"}
            {"age": 20, "city": "Zurich", "review": "fine", "label": "yes"}

            """, "raw.jsonl", in: folder)
        let run = try CommandLineRunner.run(["ingest", "table", "--input", "raw.csv", "--output", "out", "--max-categories", "3", "--json"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let kinds = (report["columns"] as? [[String: Any]])?.map { "\($0["name"]!):\($0["kind"]!):\($0["missing"]!)" }
        #expect(kinds == ["age:numeric:1", "city:categorical:1", "review:text:0"])
        let features = try read("out/features.csv", in: folder).split(separator: "\n").map(String.init)
        #expect(features.first == "age,city=Basel,city=Bern,city=Zurich,label")
        // age: mean 35 over the four present cells, population sd √125.
        let sd = (125.0).squareRoot()
        #expect(features[1] == "\(-5 / sd),0,0,1,yes")
        #expect(features[2] == ",1,0,0,no")
        #expect(features[4] == "\(5 / sd),,,,yes")
        let encoding = try #require(try JSONSerialization.jsonObject(with: Data(try read("out/encoding.json", in: folder).utf8)) as? [String: Any])
        #expect(encoding["label"] as? String == "label")

        let again = try CommandLineRunner.run(["ingest", "table", "--input", "raw.csv", "--output", "again", "--max-categories", "3"], in: folder)
        #expect(again.status == 0)
        #expect(try read("again/features.csv", in: folder) == read("out/features.csv", in: folder))
        #expect(try read("again/encoding.json", in: folder) == read("out/encoding.json", in: folder))
        let jsonl = try CommandLineRunner.run(["ingest", "table", "--input", "raw.jsonl", "--output", "fromjsonl", "--max-categories", "3"], in: folder)
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(try read("fromjsonl/features.csv", in: folder) == read("out/features.csv", in: folder))
        // The same table tab-separated (a tab is a separator there, never trimmed), named by --format.
        try write("age\tcity\treview\tlabel\n30\tZurich\tgreat service and friendly\tyes\n\tBasel\tslow delivery but ok\tno\n"
            + "50\tBern\tnever again, sorry\tno\n40\t\twould order again\tyes\n20\tZurich\tfine\tyes\n", "raw.txt", in: folder)
        let tsv = try CommandLineRunner.run(["ingest", "table", "--input", "raw.txt", "--format", "tsv", "--output", "fromtsv", "--max-categories", "3"], in: folder)
        #expect(tsv.status == 0, "\(tsv.stderr)")
        #expect(try read("fromtsv/features.csv", in: folder) == read("out/features.csv", in: folder))

        // Production encoded the same way: an unseen city is all zeros and counted; no label needed.
        try write("age,city,review\n35,Geneva,new\n", "production.csv", in: folder)
        let production = try CommandLineRunner.run(
            ["ingest", "table", "--input", "production.csv", "--encoding", "out/encoding.json", "--output", "prod", "--json"], in: folder)
        #expect(production.status == 0, "\(production.stderr)")
        #expect(try read("prod/features.csv", in: folder) == "age,city=Basel,city=Bern,city=Zurich\n0,0,0,0\n")
        #expect(production.stdout.contains(#""unseenCategories" : 1"#))
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest table", stdout: run.stdout), .init(command: "ingest table", stdout: production.stdout)])
        #expect(validated.status == 0, "\(validated.report)")
    }

    /// Iris with blanked cells: the ingested training table, its candidate repairs and the validation
    /// table encoded with its encoding feed `clean` and `feasibility` as they are.
    @Test func aShippedTableWithBlankedCellsFeedsCleanAndFeasibility() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try Fixtures.text("data/iris.csv").split(separator: "\n").map(String.init)
        let body = Array(lines.dropFirst())
        let blanked: Set<Int> = [3, 10, 20]
        let train = body.enumerated().filter { $0.offset % 5 < 3 }.map(\.element).enumerated().map { index, line -> String in
            guard blanked.contains(index) else { return line }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[1] = ""
            return fields.joined(separator: ",")
        }
        let valid = body.enumerated().filter { $0.offset % 5 >= 3 }.map(\.element)
        try write(([lines[0]] + train).joined(separator: "\n") + "\n", "train.csv", in: folder)
        try write(([lines[0]] + valid).joined(separator: "\n") + "\n", "valid.csv", in: folder)

        // Inside an application, so the run lands in the lineage.
        _ = try runGit(folder, ["init", "-q", "."])
        try write("condition: n > 0.8 +/- 0.05\nreliability: 0.99\n", ".easeml.yml", in: folder)
        let ingest = try CommandLineRunner.run(["ingest", "table", "--input", "train.csv", "--output", "t", "--candidates"], in: folder)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let lineage = try #require(try JSONSerialization.jsonObject(with: Data(try CommandLineRunner.run(["lineage", "--json"], in: folder).stdout.utf8)) as? [String: Any])
        let run = try #require((lineage["runs"] as? [[String: Any]])?.first)
        #expect(run["step"] as? String == "ingestion")
        #expect((run["outputs"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["features", "encoding", "candidates", "candidate-methods"])
        #expect(ingest.stdout.contains("3 missing feature cells in 3 rows"), "\(ingest.stdout)")
        let methods = try read("t/candidates-methods.csv", in: folder).split(separator: "\n").dropFirst()
        #expect(methods.count == 12)
        #expect(Set(methods.map { $0.split(separator: ",")[2] }) == ["mean", "median", "mode", "knn5"])
        #expect(Set(methods.map { Int($0.split(separator: ",")[0])! }) == blanked)
        let candidates = try read("t/candidates.csv", in: folder).split(separator: "\n")
        #expect(candidates.count == 1 + 12)
        #expect(try CommandLineRunner.run(["ingest", "table", "--input", "valid.csv", "--encoding", "t/encoding.json", "--output", "v"], in: folder).status == 0)

        let clean = try CommandLineRunner.run(
            ["clean", "next", "--ledger", "ledger.sqlite", "--train", "t/features.csv", "--valid", "v/features.csv", "--candidates", "t/candidates.csv", "--json"],
            in: folder)
        #expect(clean.status == 0, "\(clean.stderr)")
        let next = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdout.utf8)) as? [String: Any])
        let rows = Set(((next["next"] as? [[String: Any]]) ?? []).compactMap { $0["row"] as? Int })
        #expect(rows.isSubset(of: blanked), "\(rows)")
        let feasibility = try CommandLineRunner.run(["feasibility", "--data", "v/features.csv", "--target", "0.8"], in: folder)
        #expect(feasibility.status == 0 && feasibility.stdout.contains("Verdict: feasible"), "\(feasibility.stdout)\(feasibility.stderr)")
    }

    /// Augmentation interpolates inside each class, reproducibly, and its output is refused wherever
    /// validation or test data is expected, while training on it works.
    @Test func augmentedRowsStayInTheirClassAndNeverBecomeValidationData() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try Fixtures.text("data/iris.csv").split(separator: "\n").map(String.init)
        let body = Array(lines.dropFirst())
        try write(([lines[0]] + body.enumerated().filter { $0.offset % 5 < 3 }.map(\.element)).joined(separator: "\n") + "\n", "train.csv", in: folder)
        try write(([lines[0]] + body.enumerated().filter { $0.offset % 5 >= 3 }.map(\.element)).joined(separator: "\n") + "\n", "valid.csv", in: folder)
        _ = try runGit(folder, ["init", "-q", "."])
        try write("condition: n > 0.8 +/- 0.05\nreliability: 0.99\n", ".easeml.yml", in: folder)

        let run = try CommandLineRunner.run(["ingest", "augment", "--input", "train.csv", "--output", "aug", "--factor", "2", "--seed", "3"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("90 rows + 90 synthetic"), "\(run.stdout)")
        let augmented = try read("aug/augmented.csv", in: folder).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(augmented.count == 1 + 180)
        let provenance = try read("aug/synthetic-rows.csv", in: folder).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(provenance.count == 90)
        for entry in provenance {
            let (row, source, neighbour, weight) = (Int(entry[0])! + 1, Int(entry[1])! + 1, Int(entry[2])! + 1, Double(entry[3])!)
            #expect(augmented[row].last == augmented[source].last && augmented[source].last == augmented[neighbour].last)
            for column in 0..<4 {
                let (s, n, x) = (Double(augmented[source][column])!, Double(augmented[neighbour][column])!, Double(augmented[row][column])!)
                #expect(abs(x - (s + weight * (n - s))) < 1e-9 && weight >= 0 && weight < 1)
            }
        }
        #expect(try CommandLineRunner.run(["ingest", "augment", "--input", "train.csv", "--output", "again", "--factor", "2", "--seed", "3"], in: folder).status == 0)
        #expect(try read("again/augmented.csv", in: folder) == read("aug/augmented.csv", in: folder))
        #expect(try CommandLineRunner.run(["ingest", "augment", "--input", "train.csv", "--output", "other", "--factor", "2", "--seed", "4"], in: folder).status == 0)
        #expect(try read("other/augmented.csv", in: folder) != read("aug/augmented.csv", in: folder))
        let json = try CommandLineRunner.run(["ingest", "augment", "--input", "train.csv", "--output", "j", "--factor", "1.5", "--json"], in: folder)
        #expect(json.status == 0 && json.stdout.contains(#""syntheticRows" : 45"#), "\(json.stdout)")
        let validated = try JSONSchemaContractTests.validate([.init(command: "ingest augment", stdout: json.stdout)])
        #expect(validated.status == 0, "\(validated.report)")

        // Training on it works; as validation or test data it is refused, naming the lineage run.
        #expect(try CommandLineRunner.run(["value", "--train", "aug/augmented.csv", "--valid", "valid.csv"], in: folder).status == 0)
        for arguments in [
            ["value", "--train", "train.csv", "--valid", "aug/augmented.csv"],
            ["acquire", "--labeled", "train.csv", "--pool", "valid.csv", "--valid", "aug/augmented.csv"],
            ["clean", "next", "--train", "train.csv", "--valid", "aug/augmented.csv"],
        ] {
            let refused = try CommandLineRunner.run(arguments, in: folder)
            #expect(refused.status == 2, "\(arguments): \(refused.stdout)")
            #expect(refused.stderr.contains("aug/augmented.csv is augmented data") && refused.stderr.contains("never enter validation or test data"), "\(refused.stderr)")
        }
    }

    @Test func badTablesAreRefusedWithTheirPlace() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("{\"a\": 1, \"label\": \"x\"}\n{\"a\": 2, \"label\": \n", "broken.jsonl", in: folder)
        let broken = try CommandLineRunner.run(["ingest", "table", "--input", "broken.jsonl", "--output", "o"], in: folder)
        #expect(broken.status == 2 && broken.stderr.contains("broken.jsonl:2"), "\(broken.stderr)")
        try write("a,b\n1,2\n3\n", "short.csv", in: folder)
        let short = try CommandLineRunner.run(["ingest", "table", "--input", "short.csv", "--output", "o", "--json"], in: folder)
        #expect(short.status == 2)
        #expect((short.stdout + short.stderr).contains("short.csv:3"), "\(short.stdout)\(short.stderr)")
        try write("a,b\n1,x\n", "t.csv", in: folder)
        let label = try CommandLineRunner.run(["ingest", "table", "--input", "t.csv", "--output", "o", "--label", "target"], in: folder)
        #expect(label.status == 2 && label.stderr.contains("no column `target`"), "\(label.stderr)")
        try write("a,label\n1,\n", "nolabel.csv", in: folder)
        let unlabelled = try CommandLineRunner.run(["ingest", "table", "--input", "nolabel.csv", "--output", "o"], in: folder)
        #expect(unlabelled.status == 2 && unlabelled.stderr.contains("data row 1 has no `label`"), "\(unlabelled.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("o/features.csv").path))
    }
}
