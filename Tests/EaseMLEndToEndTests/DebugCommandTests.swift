import EaseMLTestSupport
import Foundation
import Testing

/// Constructed applications where the source of the production mistakes is known (issue 21, step 8).
/// Two classes in two features: `a` around (0, 0), `b` around (4, 0), 40 training rows and 20
/// validation rows each, from a seeded generator.
private struct Application {
    var folder: URL
    var training: [(x: Double, y: Double, label: String)] = []
    var validation: [(x: Double, y: Double, label: String)] = []
    var production: [(x: Double, y: Double, label: String)] = []
    var predictions: [String] = []
    var missing: Set<Int> = []  // training rows whose y cell is left empty
    var generator = SeededGenerator(seed: 21)

    init() throws {
        folder = try TemporaryDirectory.make(prefix: "easeml-debug")
        for _ in 0..<40 { training.append(point(0, 0, "a")); training.append(point(4, 0, "b")) }
        for _ in 0..<20 { validation.append(point(0, 0, "a")); validation.append(point(4, 0, "b")) }
        // Items the deployed model gets right.
        for _ in 0..<10 { production.append(point(0, 0, "a")); predictions.append("a") }
    }

    mutating func point(_ x: Double, _ y: Double, _ label: String, spread: Double = 0.5) -> (x: Double, y: Double, label: String) {
        (x + spread * gaussian(), y + spread * gaussian(), label)
    }

    mutating func gaussian() -> Double {
        let u = Double.random(in: 1e-12..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// The five training rows nearest to (4, 0) lose their second cell, and five production items
    /// there are mistaken; returns those training rows.
    mutating func incompleteRowsBesideMistakes() -> [Int] {
        let incomplete = nearestTraining(to: 4, 0, count: 5)
        missing = Set(incomplete)
        for _ in 0..<5 { production.append(point(4, 0, "b", spread: 0.05)); predictions.append("a") }
        return incomplete
    }

    /// The training rows nearest to (x, y), nearest first.
    func nearestTraining(to x: Double, _ y: Double, count: Int) -> [Int] {
        training.indices.sorted { hypot(training[$0].x - x, training[$0].y - y) < hypot(training[$1].x - x, training[$1].y - y) }
            .prefix(count).map { $0 }
    }

    func write() throws {
        func csv(_ rows: [(x: Double, y: Double, label: String)], missing: Set<Int> = []) -> String {
            (["x0,x1,label"] + rows.enumerated().map { index, row in
                "\(row.x),\(missing.contains(index) ? "" : String(row.y)),\(row.label)"
            }).joined(separator: "\n") + "\n"
        }
        try csv(training, missing: missing).write(to: folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        try csv(validation).write(to: folder.appendingPathComponent("valid.csv"), atomically: true, encoding: .utf8)
        try csv(production).write(to: folder.appendingPathComponent("production.csv"), atomically: true, encoding: .utf8)
        try (["id,label"] + predictions.enumerated().map { "\($0),\($1)" }).joined(separator: "\n")
            .appending("\n").write(to: folder.appendingPathComponent("predictions.csv"), atomically: true, encoding: .utf8)
    }

    /// `debug --json`, its output checked against `schemas/debug.schema.json`.
    func debug(_ extra: [String] = []) throws -> [String: Any] {
        let result = try CommandLineRunner.run(
            ["debug", "--train", "train.csv", "--valid", "valid.csv", "--production", "production.csv", "--predictions", "predictions.csv", "--json"] + extra,
            in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let validated = try JSONSchemaContractTests.validate([.init(command: "debug", stdout: result.stdout)])
        #expect(validated.status == 0, "\(validated.report)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }
}

private func recommendations(_ report: [String: Any]) throws -> [(action: String, share: Double, rows: [Int])] {
    try #require(report["recommendations"] as? [[String: Any]]).map {
        (try #require($0["action"] as? String), try #require($0["share"] as? Double), try #require($0["rows"] as? [Int]))
    }
}

@Test func productionFromARegionTrainingLacksLeadsToAcquisitionThere() throws {
    var app = try Application()
    defer { try? FileManager.default.removeItem(at: app.folder) }
    // Ten production items far from both training clouds, all mistaken.
    let far = app.production.count..<(app.production.count + 10)
    for _ in far { app.production.append(app.point(2, 12, "b")); app.predictions.append("a") }
    try app.write()
    let report = try app.debug()
    #expect(report["mistakeCount"] as? Int == 10)
    let ranked = try recommendations(report)
    #expect(ranked.first?.action == "acquire")
    #expect(ranked.first?.share == 1)
    #expect(ranked.first?.rows == Array(far), "\(ranked)")
    let absorbing = try #require(report["absorbing"] as? [[String: Any]])
    #expect(absorbing.first?["className"] as? String == "a" && absorbing.first?["mistakes"] as? Int == 10)
    let text = try CommandLineRunner.run(
        ["debug", "--train", "train.csv", "--valid", "valid.csv", "--production", "production.csv", "--predictions", "predictions.csv"], in: app.folder).stdout
    #expect(text.contains("1. ACQUIRE — explains 100 % of the mistakes") && text.contains("production rows: 10, 11, 12"), "\(text)")
}

@Test func flippedTrainingLabelsBesideTheMistakesAreNamedForRelabelling() throws {
    var app = try Application()
    defer { try? FileManager.default.removeItem(at: app.folder) }
    // Three `b` training rows near (4.6, 0.6) carry the wrong label `a`; production items there are
    // `b` and the deployed model calls them `a`.
    let flipped = app.nearestTraining(to: 4.6, 0.6, count: 3)
    for row in flipped { app.training[row].label = "a" }
    for _ in 0..<6 { app.production.append(app.point(4.6, 0.6, "b", spread: 0.15)); app.predictions.append("a") }
    try app.write()
    let report = try app.debug(["-k", "7"])
    #expect(report["mistakeCount"] as? Int == 6)
    let ranked = try recommendations(report)
    #expect(ranked.first?.action == "relabel", "\(ranked)")
    #expect(Set(ranked.first?.rows ?? []) == Set(flipped), "\(ranked) vs \(flipped)")
    #expect(!ranked.contains { $0.action == "acquire" || $0.action == "clean" })
    // The harmful rows, most harmful first, start with the flipped ones.
    let harmful = try #require(report["harmful"] as? [[String: Any]]).compactMap { $0["row"] as? Int }
    #expect(Set(harmful.prefix(3)) == Set(flipped), "\(harmful)")
}

@Test func missingCellsOnTheNearestTrainingRowsLeadToCleaning() throws {
    var app = try Application()
    defer { try? FileManager.default.removeItem(at: app.folder) }
    let incomplete = app.incompleteRowsBesideMistakes()
    try app.write()
    let report = try app.debug()
    let ranked = try recommendations(report)
    #expect(ranked.first?.action == "clean", "\(ranked)")
    #expect(ranked.first?.share == 1)
    #expect(Set(ranked.first?.rows ?? []).isSubset(of: Set(incomplete)) && !(ranked.first?.rows.isEmpty ?? true), "\(ranked) vs \(incomplete)")
    #expect(!ranked.contains { $0.action == "acquire" })
}

/// Inside an application the run is recorded and `next` follows its first recommendation; editing the
/// training data makes it stale. Bad input is a clear error.
@Test func nextFollowsTheDebuggingRunAndBadInputIsRefused() throws {
    var app = try Application()
    defer { try? FileManager.default.removeItem(at: app.folder) }
    _ = app.incompleteRowsBesideMistakes()
    try app.write()
    _ = try runGit(app.folder, ["init", "-q", "."])
    try """
        condition: n > 0.8 +/- 0.05
        reliability: 0.99
        application:
          training: train.csv
          validation: valid.csv
          production: production.csv
          target: 0.9

        """.write(to: app.folder.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
    #expect(try CommandLineRunner.run(["feasibility", "--data", "valid.csv", "--target", "0.9"], in: app.folder).status == 0)
    // Training and validation come from the application.
    let run = try CommandLineRunner.run(["debug", "--production", "production.csv", "--predictions", "predictions.csv"], in: app.folder)
    #expect(run.status == 0, "\(run.stderr)")
    let next = try #require(try JSONSerialization.jsonObject(with: Data(try CommandLineRunner.run(["next", "--json"], in: app.folder).stdout.utf8)) as? [String: Any])
    let steps = try #require(next["steps"] as? [[String: Any]])
    #expect(steps[7]["state"] as? String == "done")
    #expect((steps[7]["evidence"] as? String)?.contains("clean (explains 100 % of 5 mistakes)") == true, "\(steps[7])")
    let recommended = try #require(next["recommendation"] as? [String: Any])
    #expect(recommended["command"] as? String == "easeml-ci clean next --train train.csv --valid valid.csv", "\(recommended)")

    // Wrong shapes: a clear error and exit 2, nothing recorded.
    try "id,label\n0,a\n".write(to: app.folder.appendingPathComponent("short.csv"), atomically: true, encoding: .utf8)
    let short = try CommandLineRunner.run(["debug", "--production", "production.csv", "--predictions", "short.csv"], in: app.folder)
    #expect(short.status == 2 && short.stderr.contains("1 predictions for 15 production rows"), "\(short.stderr)")
    try "x0,label\n1,a\n".write(to: app.folder.appendingPathComponent("narrow.csv"), atomically: true, encoding: .utf8)
    let narrow = try CommandLineRunner.run(["debug", "--production", "narrow.csv", "--predictions", "predictions.csv", "--json"], in: app.folder)
    #expect(narrow.status == 2, "\(narrow.stdout) \(narrow.stderr)")
    #expect((narrow.stdout + narrow.stderr).contains("1 feature columns"), "\(narrow.stdout)")
    let lineage = try #require(try JSONSerialization.jsonObject(with: Data(try CommandLineRunner.run(["lineage", "--json"], in: app.folder).stdout.utf8)) as? [String: Any])
    #expect((lineage["runs"] as? [[String: Any]])?.map { $0["step"] as? String } == ["feasibility", "debug"])

    // Cleaned training data: the debugging run is stale and no longer steers `next`.
    try String(contentsOf: app.folder.appendingPathComponent("train.csv"), encoding: .utf8).replacingOccurrences(of: ",,", with: ",0,")
        .write(to: app.folder.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
    let after = try #require(try JSONSerialization.jsonObject(with: Data(try CommandLineRunner.run(["next", "--json"], in: app.folder).stdout.utf8)) as? [String: Any])
    #expect((after["steps"] as? [[String: Any]])?[7]["state"] as? String == "stale")
    #expect((after["recommendation"] as? [String: Any])?["command"] as? String == "easeml-ci automl init --preset sklearn --train train.csv --valid valid.csv")
}
