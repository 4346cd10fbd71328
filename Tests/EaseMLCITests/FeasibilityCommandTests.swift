import EaseMLCI
import Foundation
import Testing

private let dataFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

@Test func feasibilityCommandJudgesDigitsTargets() throws {
    let digits = dataFolder.appendingPathComponent("digits.csv").path
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
    #expect(json["verdictText"] as? String == "infeasible: the best achievable accuracy is about 0.9941")
    let svg = try String(contentsOfFile: plot, encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("target 0.999") && svg.contains("<polygon"))
}

@Test func feasibilityCommandReportsBadInputOnce() throws {
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv")
    try "x0,x1,label\n1,2,0\n3,nan,1\n".write(to: bad, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: bad) }
    let result = try CommandLineRunner.run(["feasibility", "--data", bad.path, "--target", "0.9"])
    #expect(result.status == 2)
    #expect(result.stderr == "\(bad.path):3:2: error: `nan` is not a finite number\n")
    let iris = dataFolder.appendingPathComponent("iris.csv").path
    let wine = dataFolder.appendingPathComponent("wine.csv").path
    let mismatch = try CommandLineRunner.run(["feasibility", "--data", iris, "--data", wine])
    #expect(mismatch.status == 2 && mismatch.stderr.contains("representations must describe the same examples"))
}

@Test func targetComesFromTheNewModelClause() throws {
    #expect(FeasibilityReport.target(of: try ConfigurationFile.parseCondition("n > 0.9 +/- 0.01")) == 0.9)
    #expect(FeasibilityReport.target(of: try ConfigurationFile.parseCondition("n - o > 0.02 +/- 0.01")) == nil)
}
