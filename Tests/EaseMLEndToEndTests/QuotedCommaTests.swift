import EaseMLTestSupport
import EaseMLData
import EaseMLEngines
import Foundation
import Testing
@testable import EaseMLCI

/// The class names the files below use: a quoted comma, a plain name, a doubled quote.
private let cities = ["New York, NY", "Boston", "The \"Hub\""]

/// `text` as RFC 4180 writes it: quoted, quotes doubled, when it holds a comma or quote.
private func quoted(_ text: String) -> String {
    text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

private func write(_ text: String, _ name: String, in folder: URL) throws {
    try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

/// `rows` rows of two features and a `label` column whose class is `cities[i % 3]`.
private func featureTable(rows: Int, offset: Int = 0) -> String {
    "x0,x1,label\n" + (0..<rows).map { i in
        let r = i + offset
        return "\(r % 3).\(r % 7),\((r * 5) % 11),\(quoted(cities[r % 3]))"
    }.joined(separator: "\n") + "\n"
}

@Test func aQuotedCommaIsOneFieldInEveryReader() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let labels = "id,label\n1,\"New York, NY\"\n2,Boston\n3,\"The \"\"Hub\"\"\"\n4,\"New York, NY\"\n"
    let column = try ClassColumnReader().read(Data(labels.utf8), file: "labels.csv")
    #expect(column.classes == cities)
    #expect(column.codes == [0, 1, 2, 0])
    let table = try CSVMatrixReader.readLabeled("x,y,city\n1,2,\"New York, NY\"\n3, 4 ,Boston\n", file: "t.csv", labels: .named("city"))
    #expect(table.classNames == ["New York, NY", "Boston"])
    #expect(table.features == Matrix(rowArrays: [[1, 2], [3, 4]]))
    let incomplete = try IncompleteTableReader.read("x,y,city\n,2,\"New York, NY\"\n3,NaN,Boston\n", file: "t.csv")
    #expect(incomplete.data.classNames == ["New York, NY", "Boston"] && incomplete.featureNames == ["x", "y"])
    try write(labels, "pick-labels.csv", in: folder)
    let given = try PickWorkflow.parseLabels(arguments: [folder.appendingPathComponent("pick-labels.csv").path])
    #expect(given.map(\.label) == ["New York, NY", "Boston", "The \"Hub\"", "New York, NY"])
    try write("id,text,place\n1,\"hello, world\",\"New York, NY\"\n", "inputs.csv", in: folder)
    let inputs = try PickInputs.load(folder.appendingPathComponent("inputs.csv").path)
    #expect(inputs.values(for: "1") == ["hello, world", "New York, NY"])
    try write("row,label\n0,\"New York, NY\"\n", "answers.csv", in: folder)
    #expect(try PoolLabelsFile.read(folder.appendingPathComponent("answers.csv").path).map(\.label) == ["New York, NY"])
    let matrix = try AutoMLScoreMatrix.parse("dataset,model,val_accuracy,fit_seconds\n\"a, b\",m,0.5,1\n", file: "m.csv")
    #expect(matrix.datasets == ["a, b"])
}

@Test func anUnterminatedQuoteIsAPositionedErrorInEveryReader() throws {
    let text = "id,label\n1,a\n2,\"New York, NY\n"
    do {
        _ = try ClassColumnReader().read(Data(text.utf8), file: "l.csv")
        Issue.record("accepted")
    } catch {
        #expect(error.kind == .malformedRow)
        #expect(error.description.hasPrefix("l.csv:3:3: error: unterminated quoted field"))
    }
    do {
        _ = try CSVMatrixReader.readLabeled("x,label\n1,a\n2,\"New York, NY\n", file: "t.csv")
        Issue.record("accepted")
    } catch {
        #expect(error.description.hasPrefix("t.csv:3:3: error: unterminated quoted field"))
    }
}

/// The same class names through the commands, and written back quoted by every CSV writer.
@Suite(.serialized) struct QuotedCommaCommandTests {
    @Test func testSetLabelsAndPredictionsWithQuotedCommasCheckAndReleaseAsWritten() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 8
            """, size: 3000)
        defer { fixture.remove() }
        let original = "id,label\n" + (0..<3000).map { "e\($0),\(quoted(cities[($0 * 7 + $0 / 5) % 3]))\n" }.joined()
        try write(original, "labels.csv", in: fixture.root)
        try write(original, "predictions.csv", in: fixture.root)
        let added = try fixture.run(["testset", "add", "--labels", "labels.csv", "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let check = try fixture.run(["check", "--predictions", "predictions.csv", "--json"])
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        #expect(try fixture.run(["testset", "retire", ""]).status == 0)
        #expect(try fixture.run(["testset", "release", "", "--output", "released.csv"]).status == 0)
        let released = try String(contentsOf: fixture.root.appendingPathComponent("released.csv"), encoding: .utf8)
        #expect(released == original)
    }

    @Test func featureTablesWithAQuotedCommaLabelInValueFeasibilityAndAcquire() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write(featureTable(rows: 60), "train.csv", in: folder)
        try write(featureTable(rows: 30, offset: 60), "valid.csv", in: folder)
        try write("x0,x1\n" + (0..<20).map { "\($0 % 4).5,\($0 % 9)" }.joined(separator: "\n") + "\n", "pool.csv", in: folder)
        let json = try CommandLineRunner.run(["value", "--train", "train.csv", "--valid", "valid.csv", "--format", "json"], in: folder)
        #expect(json.status == 0, "\(json.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require((report["representations"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["label"] as? String }) == Set(cities))
        let csv = try CommandLineRunner.run(["value", "--train", "train.csv", "--valid", "valid.csv", "--format", "csv"], in: folder)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains(",\"New York, NY\","))
        #expect(csv.stdout.contains(",\"The \"\"Hub\"\"\","))
        let records = try CSVTokenizer.records(in: csv.stdout, file: "stdout")
        #expect(records.count == 61 && records.dropFirst().allSatisfy { $0.fields.count == 5 })
        #expect(Set(records.dropFirst().map { $0.fields[2] }) == Set(cities))
        let feasibility = try CommandLineRunner.run(["feasibility", "--data", "train.csv", "--target", "0.5", "--json"], in: folder)
        #expect(feasibility.status == 0, "\(feasibility.stderr)")
        let acquire = try CommandLineRunner.run(
            ["acquire", "--labeled", "train.csv", "--pool", "pool.csv", "--valid", "valid.csv", "--format", "csv"], in: folder)
        #expect(acquire.status == 0, "\(acquire.stderr)")
        #expect(acquire.stdout.hasPrefix("rank,index,predicted_value,eligible,label_now\n"))
        #expect(try CSVTokenizer.records(in: acquire.stdout, file: "stdout").count == 21)
    }

    @Test func pickModelsLabelsAndInputsWithQuotedCommas() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let truth = (0..<40).map { cities[$0 % 3] }
        func model(_ name: String, wrongEvery: Int) throws {
            let lines = truth.enumerated().map { i, label in "e\(i),\(quoted(i % wrongEvery == 0 ? cities[(i + 1) % 3] : label))" }
            try write("id,prediction\n" + lines.joined(separator: "\n") + "\n", name, in: folder)
        }
        try model("m1.csv", wrongEvery: 5)
        try model("m2.csv", wrongEvery: 3)
        try write("id,label\n" + truth.enumerated().map { "e\($0),\(quoted($1))" }.joined(separator: "\n") + "\n", "labels.csv", in: folder)
        try write("id,text\n" + (0..<40).map { "e\($0),\"text \($0), with a comma\"" }.joined(separator: "\n") + "\n", "inputs.csv", in: folder)
        let simulate = try CommandLineRunner.run(
            ["pick", "simulate", "--labels", "labels.csv", "m1.csv", "m2.csv", "--realizations", "20", "--budget", "10:1"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let start = try CommandLineRunner.run(
            ["pick", "start", "--ledger", "l.sqlite", "--name", "s", "--models", "m1.csv", "m2.csv", "--inputs", "inputs.csv"], in: folder)
        #expect(start.status == 0, "\(start.stderr)")
        let next = try CommandLineRunner.run(["pick", "next", "--ledger", "l.sqlite", "--batch", "3", "--format", "csv"], in: folder)
        #expect(next.status == 0, "\(next.stderr)")
        let records = try CSVTokenizer.records(in: next.stdout, file: "stdout")
        #expect(records.first?.fields == ["id", "text"])
        #expect(records.count == 4 && records.dropFirst().allSatisfy { $0.fields.count == 2 && $0.fields[1].hasSuffix(", with a comma") })
        let answers = records.dropFirst().map { record in
            "\(record.fields[0]),\(quoted(truth[Int(record.fields[0].dropFirst())!]))"
        }
        try write("id,label\n" + answers.joined(separator: "\n") + "\n", "answers.csv", in: folder)
        let labeled = try CommandLineRunner.run(["pick", "label", "--ledger", "l.sqlite", "answers.csv"], in: folder)
        #expect(labeled.status == 0, "\(labeled.stderr)")
        // `pick label` refuses a label that is not one of the models' classes: the names matched.
        let status = try CommandLineRunner.run(["pick", "status", "--ledger", "l.sqlite", "--json"], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(object["labelsUsed"] as? Int == 3, "\(status.stdout)")
    }
}
