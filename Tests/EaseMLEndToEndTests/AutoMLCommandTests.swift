import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci automl simulate` as a real subprocess on the score matrix of `Tests/Fixtures/data/automl`.
@Suite(.serialized) struct AutoMLCommandTests {
    static var matrix: String { get throws { try Fixtures.url("data/automl/sk_matrix.csv").path } }
    static var splits: String { get throws { try Fixtures.url("data/automl/splits.json").path } }
    static let fixture = [
        "iris", "wine", "breast_cancer", "digits", "clf_inf2_sep0.5_flip0.0", "clf_inf2_sep0.5_flip0.1", "clf_inf2_sep1.0_flip0.0",
        "clf_inf2_sep1.0_flip0.1",
    ]

    @Test func simulatePrintsTheTableOfMeanTimes() throws {
        let result = try CommandLineRunner.run(["automl", "simulate", "--matrix", Self.matrix, "--splits", Self.splits, "--first", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("32 data sets × 9 models"))
        #expect(result.stdout.contains("over 5 splits"))
        for policy in ["round_robin", "max_width", "max_gap", "cost_gap", "random"] { #expect(result.stdout.contains(policy)) }
        #expect(result.stdout.contains("ε=0.05"))
    }

    @Test func simulateJSONCarriesTheMeans() throws {
        let result = try CommandLineRunner.run(
            ["automl", "simulate", "--matrix", Self.matrix, "--splits", Self.splits, "--first", "3", "--row", "seconds:cost_gap",
             "--epsilon", "0.05", "0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let table = try #require(json["table"] as? [String: Any])
        #expect(table["splitCount"] as? Int == 3)
        let rows = try #require(table["rows"] as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows[0]["policy"] as? String == "cost_gap")
        #expect(rows[0]["clock"] as? String == "cost")
        let means = try #require(rows[0]["meanTimes"] as? [Double])
        #expect(means.count == 2 && means[0] < means[1])
    }

    @Test func aTraceWithTenantsIsTheReferenceTrace() throws {
        let result = try CommandLineRunner.run(
            ["automl", "simulate", "--matrix", Self.matrix, "--tenants"] + Self.fixture + ["--row", "evaluations:max_gap", "--trace-length", "16"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[4,8,0.077062] [5,8,0.077062] [7,8,0.077062] [6,8,0.077062] [5,5,0.069150]"))
    }

    @Test func badInputsAreUsageErrors() throws {
        let row = try CommandLineRunner.run(["automl", "simulate", "--matrix", Self.matrix, "--splits", Self.splits, "--row", "hours:max_gap"])
        #expect(row.status == 2)
        #expect(row.stderr.contains("--row: expected CLOCK:POLICY"))
        let tenant = try CommandLineRunner.run(["automl", "simulate", "--matrix", Self.matrix, "--tenants", "iris", "nope"])
        #expect(tenant.status == 2)
        #expect(tenant.stderr.contains("the data set `nope` is not in the score matrix"))
        let missing = try CommandLineRunner.run(["automl", "simulate", "--matrix", "/nonexistent.csv", "--splits", Self.splits])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read /nonexistent.csv"))
    }
}
