import EaseMLTestSupport
import Foundation
import Testing

/// `reveal: clauses` (issue 16): the owner chooses to name the failing clauses in a FAIL; each
/// answer is then charged as the k bits it can reveal, in `plan`, in the decision's δ′ and in
/// `status`. The default stays the verdict alone.
@Suite(.serialized) struct RevealClausesTests {
    static let condition = "n > 0.6 +/- 0.05 /\\ n > 0.8 +/- 0.05"

    @Test func aFailNamesItsFailingClausesAndIsChargedTheirBits() throws {
        var results: [String: (check: CommandLineRunner.Result, bits: Double, plan: String)] = [:]
        for reveal in ["verdict", "clauses"] {
            let fixture = try GateFixture(config: """
                condition: \(Self.condition)
                reliability: 0.9
                adaptivity: full
                steps: 4
                reveal: \(reveal)
                """)
            defer { fixture.remove() }
            #expect(try fixture.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
            // Right on 70 %: the first clause passes, the second fails.
            let check = try fixture.run(["check", "--predictions", try fixture.model("m.csv", wrong: 900)])
            let status = try fixture.run(["status", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let set = try #require((object["testSets"] as? [[String: Any]])?.first)
            results[reveal] = (check, try #require(set["bitsUsed"] as? Double), try fixture.run(["plan"]).stdout)
            // A replay reveals the same, and nothing more is charged.
            let replay = try fixture.run(["check", "--predictions", "m.csv"])
            #expect(replay.stdout.contains("replayed") && replay.stdout.split(separator: "\n").dropFirst() == check.stdout.split(separator: "\n").dropFirst())
        }
        let verdict = try #require(results["verdict"]), clauses = try #require(results["clauses"])
        #expect(verdict.check.status == 1 && clauses.check.status == 1)
        #expect(!verdict.check.stdout.contains("failing clause"), "\(verdict.check.stdout)")
        #expect(clauses.check.stdout.contains("failing clause: `n > 0.8 +/- 0.05`"), "\(clauses.check.stdout)")
        #expect(!clauses.check.stdout.contains("n > 0.6 +/- 0.05`,"))
        #expect(verdict.bits == 1 && clauses.bits == 2)
        #expect(verdict.plan.contains("(2^4 transcripts)"))
        #expect(clauses.plan.contains("(2^8 transcripts: 2 bits per answer, the failing clauses are revealed)"), "\(clauses.plan)")
    }

    @Test func revealingClausesNeedsFullAdaptivity() throws {
        let fixture = try GateFixture(config: """
            condition: n > 0.6 +/- 0.05
            reliability: 0.9
            adaptivity: firstChange
            steps: 4
            reveal: clauses
            """)
        defer { fixture.remove() }
        let plan = try fixture.run(["plan"])
        #expect(plan.status == 2)
        #expect(plan.stderr.hasPrefix(".easeml.yml:5:9: error: `reveal: clauses` applies to `adaptivity: full`"), "\(plan.stderr)")
    }
}
