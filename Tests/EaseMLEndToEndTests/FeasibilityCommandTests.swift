import EaseMLCI
import EaseMLTestSupport
import Foundation
import Testing

/// `Tests/Fixtures/data/NAME`.
private func dataFile(_ name: String) throws -> URL { try Fixtures.url("data/\(name)") }

@Test func feasibilityCommandJudgesDigitsTargets() throws {
    let digits = try dataFile("digits.csv").path
    let feasible = try CommandLineRunner.run(["feasibility", "--data", digits, "--condition", "n > 0.9 +/- 0.01"])
    #expect(feasible.status == 0, "\(feasible.stderr)")
    #expect(feasible.stdout.contains("Verdict: feasible"))
    #expect(feasible.stdout.contains("0.0117 [0.0072, 0.0178] LOO"))

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("feasibility-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let plot = folder.appendingPathComponent("curve.svg").path
    let infeasible = try CommandLineRunner.run(["feasibility", "--data", digits, "--target", "0.999", "--json", "--plot", plot])
    #expect(infeasible.status == 1)
    let json = try #require(try JSONSerialization.jsonObject(with: Data(infeasible.stdout.utf8)) as? [String: Any])
    #expect(json["verdict"] as? String == "infeasible")
    let verdictText = try #require(json["verdictText"] as? String)
    #expect(verdictText.hasPrefix("infeasible: the accuracy ceiling is estimated at 0.9941, and at most 0.99"), "\(verdictText)")
    #expect(json["representations"] as? Int == 3)
    let upper = try #require(json["upperCeiling"] as? Double)
    #expect(upper > 0.9941 && upper < 0.999)
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("target 0.999") && svg.contains("<polygon"))
}

/// Wine's raw features span four orders of magnitude; standardized, 1-NN errs on 8 of 178 and a
/// standardized logistic regression reaches 0.98 in cross-validation. No target up to 0.95 may be
/// called infeasible.
@Test func wineIsNotCalledInfeasibleAtAnyTargetUpTo095() throws {
    let wine = try dataFile("wine.csv").path
    for target in stride(from: 0.50, through: 0.951, by: 0.05) {
        let result = try CommandLineRunner.run(["feasibility", "--data", wine, "--target", String(format: "%.2f", target), "--json"])
        #expect(result.status == 0, "target \(target): \(result.stdout)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["verdict"] as? String != "infeasible", "target \(target)")
        let entries = try #require(json["entries"] as? [[String: Any]])
        #expect(entries.map { ($0["estimate"] as? [String: Any])?["name"] as? String }
                == ["wine.csv (raw)", "wine.csv (standardized)", "wine.csv (min-max)"])
    }
    // The best representation is named, and the raw one alone would have misled.
    let text = try CommandLineRunner.run(["feasibility", "--data", wine, "--target", "0.95"])
    #expect(text.stdout.contains("Verdict: feasible (best representation: wine.csv (standardized))"), "\(text.stdout)")
    let raw = try CommandLineRunner.run(["feasibility", "--data", wine, "--target", "0.95", "--scale", "none"])
    #expect(raw.stdout.contains("wine.csv ") && !raw.stdout.contains("standardized"))
}

/// Labels drawn independently of the features: nothing beats the majority class, and 0.9 is out of
/// reach at 95 % confidence.
@Test func pureNoiseIsInfeasibleAt090() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let noise = folder.appendingPathComponent("noise.csv")
    try Fixtures.pureNoiseCSV().write(to: noise, atomically: true, encoding: .utf8)
    let result = try CommandLineRunner.run(["feasibility", "--data", noise.path, "--target", "0.9", "--json"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(json["verdict"] as? String == "infeasible")
    let upper = try #require(json["upperCeiling"] as? Double)
    #expect(upper < 0.9, "the upper end of the ceiling, \(upper), stays far below 0.9")
}

@Test func feasibilityCommandReportsBadInputOnce() throws {
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv")
    try "x0,x1,label\n1,2,0\n3,nan,1\n".write(to: bad, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: bad) }
    let result = try CommandLineRunner.run(["feasibility", "--data", bad.path, "--target", "0.9"])
    #expect(result.status == 2)
    #expect(result.stderr == "\(bad.path):3:2: error: `nan` is not a finite number\n")
    let iris = try dataFile("iris.csv").path
    let wine = try dataFile("wine.csv").path
    let mismatch = try CommandLineRunner.run(["feasibility", "--data", iris, "--data", wine])
    #expect(mismatch.status == 2 && mismatch.stderr.contains("representations must describe the same examples"))
}

@Test func targetIsTheLargestLowerBoundOnTheNewModel() throws {
    func resolve(_ text: String, old: Double? = nil) throws -> FeasibilityTarget.Resolution {
        FeasibilityTarget.resolve(try ConfigurationFile.parseCondition(text), oldAccuracy: old)
    }
    func accuracy(_ resolution: FeasibilityTarget.Resolution) -> Double? {
        if case .target(let target) = resolution { return target.accuracy }
        return nil
    }
    #expect(accuracy(try resolve("n > 0.9 +/- 0.01")) == 0.9)
    #expect(try resolve("n - o > 0.02 +/- 0.01") == .needsOldAccuracy(clauses: ["n - o > 0.02 +/- 0.01"]))
    #expect(abs(accuracy(try resolve("n - o > 0.02 +/- 0.01", old: 0.9))! - 0.92) < 1e-12)
    #expect(accuracy(try resolve("n > 0.95 +/- 0.01 /\\ n - o > 0.02 +/- 0.01", old: 0.9)) == 0.95)
    #expect(abs(accuracy(try resolve("n > 0.95 +/- 0.01 /\\ n - o > 0.02 +/- 0.01", old: 0.94))! - 0.96) < 1e-12)
    #expect(try resolve("d < 0.1 +/- 0.01") == .none)
    #expect(try resolve("n < 0.5 +/- 0.01") == .none)
    guard case .target(let partial) = try resolve("n - o > 0.02 +/- 0.01 /\\ n > 0.5 +/- 0.01") else {
        Issue.record("an `n > c` clause gives a target without the old accuracy")
        return
    }
    #expect(partial.accuracy == 0.5 && partial.clausesNeedingOldAccuracy == ["n - o > 0.02 +/- 0.01"])
}

/// digits.csv's labels with every `step`-th one changed: an "old model" of known accuracy.
private func oldPredictions(flippingEvery step: Int, in folder: URL) throws -> (path: String, accuracy: Double) {
    let lines = try String(contentsOf: dataFile("digits.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst()
    var out = "prediction\n"
    var correct = 0
    for (i, line) in lines.enumerated() {
        let label = Int(line.split(separator: ",").last!)!
        let predicted = i % step == 0 ? (label + 1) % 10 : label
        if predicted == label { correct += 1 }
        out += "\(predicted)\n"
    }
    let url = folder.appendingPathComponent("old-\(step).csv")
    try out.write(to: url, atomically: true, encoding: .utf8)
    return (url.path, Double(correct) / Double(lines.count))
}

@Test func oldModelAccuracyTurnsTheImprovementClauseIntoATarget() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let digits = try dataFile("digits.csv").path
    let old = try oldPredictions(flippingEvery: 20, in: folder)
    #expect(abs(old.accuracy - 0.95) < 0.001)

    let reachable = try CommandLineRunner.run(["feasibility", "--data", digits, "--condition", "n - o > 0.01 +/- 0.01", "--old-predictions", old.path, "--json"])
    #expect(reachable.status == 0, "\(reachable.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(reachable.stdout.utf8)) as? [String: Any])
    #expect(abs((json["oldAccuracy"] as? Double ?? 0) - old.accuracy) < 1e-12)
    #expect(abs((json["target"] as? Double ?? 0) - (old.accuracy + 0.01)) < 1e-12)
    #expect(json["verdict"] as? String == "feasible")

    let tooMuch = try CommandLineRunner.run(["feasibility", "--data", digits, "--condition", "n - o > 0.049 +/- 0.01", "--old-accuracy", String(old.accuracy)])
    #expect(tooMuch.status == 1)
    #expect(tooMuch.stdout.contains("(from --condition, clause `n - o > 0.049 +/- 0.01 (old accuracy \(String(format: "%.4f", old.accuracy)))`)"))
    #expect(tooMuch.stdout.contains("Verdict: infeasible"))

    let unknown = try CommandLineRunner.run(["feasibility", "--data", digits, "--condition", "n - o > 0.01 +/- 0.01"])
    #expect(unknown.status == 0)
    #expect(unknown.stdout.contains("No target accuracy: the condition asks for `n - o > 0.01 +/- 0.01`, relative to the old model"))
    #expect(!unknown.stdout.contains("Verdict:"))

    let short = folder.appendingPathComponent("short.csv")
    try "prediction\n1\n2\n".write(to: short, atomically: true, encoding: .utf8)
    let mismatch = try CommandLineRunner.run(["feasibility", "--data", digits, "--condition", "n - o > 0.01 +/- 0.01", "--old-predictions", short.path])
    #expect(mismatch.status == 2 && mismatch.stderr.contains(short.path), "\(mismatch.stderr)")
}

@Test func successiveHalvingStudiesOnlyTheWinningRepresentation() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let digits = try dataFile("digits.csv").path
    // A worse representation of the same examples: the first four pixels only.
    let rows = try String(contentsOfFile: digits, encoding: .utf8).split(separator: "\n")
    let coarse = rows.map { row -> String in
        let cells = row.split(separator: ",", omittingEmptySubsequences: false)
        return (cells.prefix(4) + [cells.last!]).joined(separator: ",")
    }.joined(separator: "\n") + "\n"
    let coarsePath = folder.appendingPathComponent("coarse.csv").path
    try coarse.write(toFile: coarsePath, atomically: true, encoding: .utf8)

    let result = try CommandLineRunner.run([
        "feasibility", "--data", coarsePath, "--data", digits, "--halving", "--halving-start", "200", "--target", "0.9", "--json",
        "--scale", "none",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let halving = try #require(json["halving"] as? [String: Any])
    #expect(halving["best"] as? Int == 1)
    let rounds = try #require(halving["rounds"] as? [[String: Any]])
    #expect(rounds.map { $0["sliceSize"] as? Int } == [200, 400, 800, 1600, 1797])
    #expect(rounds.first?["evaluated"] as? [Int] == [0, 1] && rounds.last?["evaluated"] as? [Int] == [1])
    let entries = try #require(json["entries"] as? [[String: Any]])
    #expect(entries.count == 1 && entries.first?["file"] as? String == digits)
    #expect(json["verdict"] as? String == "feasible")

    let text = try CommandLineRunner.run([
        "feasibility", "--data", coarsePath, "--data", digits, "--halving", "--halving-start", "200", "--halving-budget", "0.05", "--scale", "none",
    ])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("Successive halving"))
    #expect(text.stdout.contains("digits.csv ▶"))
    #expect(!text.stdout.contains("1,797 "), "a 5 % budget stops the halving before the full data")
}

/// On a terminal (a real pseudo-terminal through `script(1)`) the progress bar walks every
/// representation studied — each file raw, standardized and min-max scaled — to 100 % and is
/// cleared; the JSON goes to standard output untouched.
@Test func theProgressBarCoversEveryScalingOfEveryFile() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let wine = try dataFile("wine.csv").path
    let output = folder.appendingPathComponent("report.json").path
    let command = [CommandLineRunner.executable.path, "feasibility", "--data", wine, "--target", "0.9", "--json"]
        .map { "'\($0)'" }.joined(separator: " ") + " > '\(output)'"
    let run = try CommandLineRunner.runProgram(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: folder)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    let terminal = run.stdout
    #expect(terminal.contains("] 100% representation 3/3"), "\(terminal.debugDescription)")
    #expect(terminal.contains("representation 2/3"))
    #expect(!terminal.contains("Fatal error"), "\(terminal)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
    #expect((report["entries"] as? [Any])?.count == 3)
}
