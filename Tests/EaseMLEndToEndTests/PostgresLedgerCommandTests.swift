import EaseMLTestSupport
import Foundation
import Testing

/// The gate on a team ledger on PostgreSQL, through the binary: the owner registers with the owner
/// role, CI checks with the CI role (`scripts/postgres-ledger-roles.sql`), and the server refuses
/// what neither may do.
@Suite(.serialized) struct PostgresLedgerCommandTests {
    static let config = """
        condition: n > 0.5 +/- 0.05
        reliability: 0.9
        adaptivity: full
        steps: 16
        """

    /// Roles and an empty ledger database owned by the owner role; returns (owner URL, CI URL).
    private func prepare(_ cluster: PostgresCluster, database: String = "ledger") throws -> (owner: String, ci: String) {
        for sql in ["CREATE ROLE easeml_owner LOGIN", "CREATE ROLE easeml_ci LOGIN", "CREATE ROLE developer LOGIN", "CREATE DATABASE \(database) OWNER easeml_owner"] {
            let made = try cluster.psql(sql)
            #expect(made.status == 0, "\(sql): \(made.stderr)")
        }
        return (cluster.url(database: database, user: "easeml_owner"), cluster.url(database: database, user: "easeml_ci"))
    }

    /// 64 concurrent checks on a budget of 16, as the CI role: exactly 16 charged, 48 refused (exit
    /// 3), the chain authentic. The CI role cannot raise the budget or delete an evaluation; a
    /// developer's role cannot read or write anything.
    @Test func sixtyFourChecksOnSixteenStepsChargeSixteen() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let urls = try prepare(cluster)
        let fixture = try GateFixture(config: Self.config)
        defer { fixture.remove() }
        var owner = fixture.environment
        owner["EASEML_LEDGER_URL"] = urls.owner
        let added = try CommandLineRunner.run(["testset", "add", "--labels", "labels.csv"], in: fixture.root, environment: owner)
        #expect(added.status == 0, "\(added.stderr)")
        let roles = try cluster.psqlFile(
            TestPython.packageRoot.appendingPathComponent("scripts/postgres-ledger-roles.sql").path, database: "ledger", user: "easeml_owner",
            variables: ["ci": "easeml_ci"])
        #expect(roles.status == 0, "\(roles.stderr)")

        var ci = fixture.environment
        ci["EASEML_LEDGER_URL"] = urls.ci
        let files = try (0..<64).map { try fixture.model("c\($0).csv", wrong: 100 + $0, offset: $0) }
        let running = try files.map { try CommandLineRunner.start(["check", "--predictions", $0], in: fixture.root, environment: ci) }
        let results = running.map { $0.finish() }
        #expect(results.filter { $0.status == 0 || $0.status == 1 }.count == 16, "\(results.map(\.status)) \(results.first { $0.status > 1 && $0.status != 3 }?.stderr ?? "")")
        #expect(results.filter { $0.status == 3 }.count == 48)
        // The CI role records each answered check in the lineage (the roles script grants it).
        #expect(!results.contains { $0.stderr.contains("warning") }, "\(results.first { $0.stderr.contains("warning") }?.stderr ?? "")")
        let lineage = try CommandLineRunner.run(["lineage", "--json"], in: fixture.root, environment: ci)
        let runs = try #require((try JSONSerialization.jsonObject(with: Data(lineage.stdout.utf8)) as? [String: Any])?["runs"] as? [[String: Any]], "\(lineage.stderr)")
        #expect(runs.filter { $0["step"] as? String == "check" && ($0["decision"] as? String)?.contains("n > 0.5 +/- 0.05") == true }.count >= 16)
        let status = try CommandLineRunner.run(["status", "--json"], in: fixture.root, environment: ["EASEML_LEDGER_URL": urls.ci])
        #expect(status.stdout.contains("\"stepsUsed\" : 16"), "\(status.stdout) \(status.stderr)")
        let verified = try CommandLineRunner.run(["ledger", "verify"], in: fixture.root, environment: ci)
        #expect(verified.status == 0 && verified.stdout.contains("authentic"), "\(verified.stdout) \(verified.stderr)")

        for sql in ["UPDATE test_sets SET steps = 1000", "DELETE FROM evaluations", "UPDATE ledger_meta SET value = 0", "DELETE FROM events"] {
            let refused = try cluster.psql(sql, database: "ledger", user: "easeml_ci")
            #expect(refused.status != 0 && refused.stderr.contains("permission denied"), "\(sql): \(refused.stderr)")
        }
        for sql in ["SELECT count(*) FROM evaluations", "INSERT INTO events (seq, at, kind, payload, prev_hash, hash) VALUES (999, 'x', 'x', '{}', 'x', 'x')"] {
            let refused = try cluster.psql(sql, database: "ledger", user: "developer")
            #expect(refused.status != 0 && refused.stderr.contains("permission denied"), "\(sql): \(refused.stderr)")
        }
        // The owner may retire but, like everyone, not un-retire or rewrite a charge.
        let rewrite = try cluster.psql("UPDATE evaluations SET verdict = 'pass'", database: "ledger", user: "easeml_owner")
        #expect(rewrite.status != 0 && rewrite.stderr.contains("append-only"), "\(rewrite.stderr)")
        let stillSixteen = try CommandLineRunner.run(["status", "--json"], in: fixture.root, environment: ["EASEML_LEDGER_URL": urls.ci])
        #expect(stillSixteen.stdout.contains("\"stepsLeft\" : 0"), "\(stillSixteen.stdout)")
    }

    /// The server killed while checks charge: every verdict a check revealed has its charge, the
    /// checks that lost the server exit 3 saying so, and after a restart a check goes through.
    @Test func aServerKilledMidChargeLeavesNoVerdictWithoutItsCharge() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let urls = try prepare(cluster)
        let fixture = try GateFixture(config: Self.config.replacingOccurrences(of: "steps: 16", with: "steps: 32"), size: 6000)
        defer { fixture.remove() }
        var environment = fixture.environment
        environment["EASEML_LEDGER_URL"] = urls.owner
        let added = try CommandLineRunner.run(["testset", "add", "--labels", "labels.csv"], in: fixture.root, environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let files = try (0..<24).map { try fixture.model("k\($0).csv", wrong: 50 + $0, offset: $0) }
        let running = try files.map { try CommandLineRunner.start(["check", "--predictions", $0], in: fixture.root, environment: environment) }
        Thread.sleep(forTimeInterval: 0.4)
        cluster.kill()
        let results = running.map { $0.finish() }
        try cluster.startServer()
        let revealed = results.filter { $0.status == 0 || $0.status == 1 }
        // 24 checks on two cores take seconds: the kill lands while some of them are charging.
        #expect(results.contains { $0.status == 3 }, "\(results.map(\.status))")
        for lost in results where lost.status != 0 && lost.status != 1 {
            #expect(lost.status == 3 && lost.stderr.contains("the ledger server is unreachable"), "\(lost.status): \(lost.stderr)")
        }
        let urlNow = cluster.url(database: "ledger", user: "easeml_owner")
        environment["EASEML_LEDGER_URL"] = urlNow
        let status = try CommandLineRunner.run(["status", "--json"], in: fixture.root, environment: environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stderr)")
        let used = try #require((json["testSets"] as? [[String: Any]])?.first?["stepsUsed"] as? Int, "\(status.stdout)")
        #expect(used >= revealed.count, "\(used) charges for \(revealed.count) revealed verdicts")
        let again = try CommandLineRunner.run(["check", "--predictions", files[23]], in: fixture.root, environment: environment)
        #expect(again.status == 0 || again.status == 1, "\(again.stderr)")
        #expect(try CommandLineRunner.run(["ledger", "verify"], in: fixture.root, environment: environment).status == 0)
    }

    /// A file ledger with checks migrates into the server: same events and chain head, `verify`
    /// passes on both with the key, the gate goes on from the server, and a second migration into
    /// the now non-empty ledger is refused.
    @Test func aFileLedgerMigratesWithItsChain() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let urls = try prepare(cluster)
        let fixture = try GateFixture(config: Self.config)
        defer { fixture.remove() }
        #expect(try fixture.run(["testset", "add", "--labels", "labels.csv"]).status == 0)
        for index in 0..<3 { _ = try fixture.run(["check", "--predictions", try fixture.model("m\(index).csv", wrong: 10 + index)]) }
        let before = try fixture.run(["ledger", "verify", "--json"])
        let migrated = try fixture.run(["ledger", "migrate", "--to", urls.owner, "--json"])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("Copied") && migrated.stdout.contains("authentic") && !migrated.stdout.contains("password"), "\(migrated.stdout)")
        let validated = try JSONSchemaContractTests.validate([.init(command: "ledger migrate", stdout: migrated.stdout)])
        #expect(validated.status == 0, "\(validated.report)")
        var server = fixture.environment
        server["EASEML_LEDGER_URL"] = urls.owner
        let after = try CommandLineRunner.run(["ledger", "verify", "--json"], in: fixture.root, environment: server)
        #expect(after.status == 0, "\(after.stdout) \(after.stderr)")
        let fields = { (text: String) throws -> [String] in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return ["\(object["events"]!)", "\(object["headHash"]!)", "\(object["clean"]!)"]
        }
        #expect(try fields(before.stdout) == fields(after.stdout))
        let next = try CommandLineRunner.run(["check", "--predictions", try fixture.model("m9.csv", wrong: 30)], in: fixture.root, environment: server)
        #expect(next.status == 0 || next.status == 1, "\(next.stderr)")
        let status = try CommandLineRunner.run(["status", "--json"], in: fixture.root, environment: server)
        #expect(status.stdout.contains("\"stepsUsed\" : 4"), "\(status.stdout)")
        let twice = try fixture.run(["ledger", "migrate", "--to", urls.owner])
        #expect(twice.status != 0 && twice.stderr.contains("already holds a ledger"), "\(twice.stderr)")
    }
}
