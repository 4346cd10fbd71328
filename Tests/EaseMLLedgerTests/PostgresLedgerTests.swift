import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

/// The ledger on a real PostgreSQL server (a throw-away cluster per test, `PostgresCluster`): the
/// SQLite ledger's semantics, its rows' digests, and the server's own refusals.
@Suite(.serialized) struct PostgresLedgerTests {
    /// Register, charge to exhaustion, replay, retire; `verify` with the key passes, and every row
    /// has the digest it would have in SQLite (the same charges in a file give the same chain rows).
    @Test func chargesLikeTheFileLedger() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let url = try cluster.createDatabase("ledger")
        let server = try ownerLedger(at: url, create: true)
        #expect(server.dialect == .postgresql)
        let folder = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try ownerLedger(at: folder.appendingPathComponent("l.sqlite").path, create: true)
        for ledger in [server, file] {
            try ledger.registerTestSet(sampleSet(steps: 3))
            #expect(charged(try ledger.charge(request(model: "m1", .fail))) != nil)
            #expect(charged(try ledger.charge(request(model: "m2", .pass, accept: true, branch: "main"))) != nil)
            guard case .replay(let replayed) = try ledger.charge(request(model: "m1", .pass)) else {
                Issue.record("no replay")
                return
            }
            #expect(replayed.verdict == .fail)
            let last = try #require(charged(try ledger.charge(request(model: "m3", .fail))))
            #expect(last.1.stepsLeft == 0 && last.0.step == 3)
            #expect(try ledger.charge(request(model: "m4", .pass)) == .refused(.exhausted))
            #expect(try ledger.lastAcceptedModel(testSetID: "a1b2c3", branch: "main")?.model == "m2")
            let problems = try ledger.verify(key: ownerKey).problems
            #expect(problems.isEmpty, "\(problems)")
        }
        #expect(try LedgerRows.allDigests(server.database).keys.sorted() == LedgerRows.allDigests(file.database).keys.sorted())
        let serverBlob = try server.sealedLabels(testSetID: "a1b2c3")
        #expect(serverBlob == Data([0x00, 0x01, 0xfe, 0xff]))
        #expect(try server.events().map(\.kind) == file.events().map(\.kind))
        // A second connection sees the same ledger; a database without one is `.notFound` unless created.
        #expect(try Ledger.open(at: url, create: false).budget(testSetID: "a1b2c3").stepsUsed == 3)
        let empty = try cluster.createDatabase("empty")
        #expect(throws: LedgerError.notFound(path: empty)) { _ = try Ledger.open(at: empty, create: false) }
    }

    /// The server refuses what the chain would only detect: editing or deleting an evaluation or
    /// event, un-retiring a set, raising its steps. A superuser who switches the triggers off to
    /// edit a row is still caught by `verify`.
    @Test func theServerRefusesRewritesAndVerifyCatchesTheRest() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let url = try cluster.createDatabase("ledger")
        let ledger = try ownerLedger(at: url, create: true)
        try ledger.registerTestSet(sampleSet(steps: 1, adaptivity: .firstChange))
        _ = try ledger.charge(request(model: "m1", .pass))
        #expect(try ledger.budget(testSetID: "a1b2c3").retired)
        for (sql, refusal) in [
            ("UPDATE evaluations SET verdict = 'fail'", "ledger evaluations are append-only"),
            ("DELETE FROM evaluations", "ledger evaluations are append-only"),
            ("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)", "ledger events are append-only"),
            ("UPDATE test_sets SET retired_at = NULL, retired_reason = NULL", "a retired test set stays retired"),
            ("UPDATE test_sets SET steps = 100", "a registered test set cannot be changed"),
        ] {
            let refused = try cluster.psql(sql, database: "ledger")
            #expect(refused.status != 0 && refused.stderr.contains(refusal), "\(sql): \(refused.stderr)")
        }
        #expect(try ledger.verify(key: ownerKey).problems.isEmpty)
        let forced = try cluster.psql("SET session_replication_role = replica; UPDATE evaluations SET verdict = 'fail'", database: "ledger")
        #expect(forced.status == 0, "\(forced.stderr)")
        let problems = try Ledger.open(at: url, create: false).verify(key: ownerKey).problems
        #expect(problems.contains { if case .rowEdited(let row, _) = $0 { row == "evaluations[1]" } else { false } }, "\(problems)")
        // A connection that is not the ledger's (no tracking table) cannot write a covered row at all.
        let around = try cluster.psql(
            "INSERT INTO lineage_runs (step, command, inputs, outputs, decision, recorded_at) VALUES ('x', 'x', '[]', '[]', 'x', 'x')", database: "ledger")
        #expect(around.status != 0 && around.stderr.contains("easeml_touched"), "\(around.stderr)")
    }

    /// Sixteen threads, one connection each, charging distinct models on a budget of 8: exactly 8
    /// charges, the rest refused, the chain intact.
    @Test func concurrentConnectionsNeverOverspend() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let url = try cluster.createDatabase("ledger")
        try ownerLedger(at: url, create: true).registerTestSet(sampleSet(steps: 8))
        let outcomes = LockedArray<String>()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                let ledger = try ownerLedger(at: url, create: false)
                switch try ledger.charge(request(model: "model-\(index)", .fail)) {
                case .charged: outcomes.append("charged")
                case .refused: outcomes.append("refused")
                case .replay: outcomes.append("replay")
                }
            } catch {
                outcomes.append("error: \(error)")
            }
        }
        #expect(outcomes.values.filter { $0 == "charged" }.count == 8, "\(outcomes.values)")
        #expect(outcomes.values.filter { $0 == "refused" }.count == 8)
        let ledger = try Ledger.open(at: url, create: false)
        #expect(try ledger.evaluations(testSetID: "a1b2c3").map(\.step) == Array(1...8))
        #expect(try ledger.verify(key: ownerKey).problems.isEmpty)
    }

    /// The server's tables have the file's columns with the matching types, table for table: the
    /// two schemas are written twice (two dialects), and this is what keeps them one.
    @Test func theServerSchemaIsTheFileSchema() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let server = try Ledger.open(at: try cluster.createDatabase("ledger"), create: true)
        let folder = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Ledger.open(at: folder.appendingPathComponent("l.sqlite").path, create: true)
        let types = ["INTEGER": "bigint", "REAL": "double precision", "TEXT": "text", "BLOB": "bytea"]
        var fileColumns: [String: [String]] = [:]
        for table in try file.database.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            let name = try table.string("name")
            fileColumns[name] = try file.database.query("SELECT name, type FROM pragma_table_info(?) ORDER BY name", [.text(name)]).map {
                (row) throws(LedgerError) -> String in "\(try row.string("name")):\(types[try row.string("type")] ?? "?")"
            }
        }
        var serverColumns: [String: [String]] = [:]
        for row in try server.database.query("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'ledger_meta' ORDER BY table_name, column_name
            """) {
            serverColumns[try row.string("table_name"), default: []].append("\(try row.string("column_name")):\(try row.string("data_type"))")
        }
        #expect(fileColumns.count == LedgerRows.tables.count + 1)
        #expect(serverColumns == fileColumns)
    }

    /// TLS when the URL asks for it: `sslmode=require` charges over an encrypted connection (the
    /// server says so), and the same URL against a server without TLS is refused, not downgraded.
    @Test func tlsWhenTheURLAsksForIt() throws {
        let secure = try PostgresCluster.start(tls: true)
        defer { secure.stop() }
        _ = try secure.createDatabase("ledger")
        let url = secure.url(database: "ledger") + "?sslmode=require"
        let ledger = try ownerLedger(at: url, create: true)
        try ledger.registerTestSet(sampleSet(steps: 2))
        #expect(charged(try ledger.charge(request(model: "m1", .pass))) != nil)
        #expect(try ledger.database.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.int("ssl") == 1)
        let plain = try PostgresCluster.start()
        defer { plain.stop() }
        let plainURL = try plain.createDatabase("ledger") + "?sslmode=require"
        do {
            _ = try Ledger.open(at: plainURL, create: true)
            Issue.record("a server without TLS was used under sslmode=require")
        } catch {
            #expect(error.description.contains("SSL"), "\(error)")
        }
    }

    /// The key of a row is spelled as SQLite's json_array spells it, whatever the text holds.
    @Test func rowKeysAreSpelledAsSQLiteSpellsThem() throws {
        let folder = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try SQLiteDatabase(path: folder.appendingPathComponent("k.sqlite").path)
        let table = LedgerRows.Table(name: "t", key: ["a", "b"])
        for text in ["plain", "quote\"back\\slash", "tab\tnew\nline\r\u{08}\u{0C}", "\u{01}\u{1F}", "ünïcödé 🙂", ""] {
            let expected = try db.query("SELECT json_array(?, 42) AS k", [.text(text)])[0].string("k")
            let row = SQLiteRow(columns: ["a", "b"], values: [.text(text), .integer(42)])
            #expect(LedgerRows.rowKey(row, table) == expected)
        }
    }

    /// An unreachable server is `.connectionLost` naming the URL without its password.
    @Test func anUnreachableServerIsAClearErrorWithoutThePassword() throws {
        let port = 1 + Int.random(in: 0..<10) // privileged ports nobody listens on here
        let url = "postgresql://ci:s3cret@127.0.0.1:\(port)/ledger"
        do {
            _ = try Ledger.open(at: url, create: false)
            Issue.record("opened an unreachable server")
        } catch {
            guard case .connectionLost = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("postgresql://ci:***@127.0.0.1:\(port)/ledger"))
            #expect(!error.description.contains("s3cret"))
        }
    }

    /// A session the server ends (here its backend terminated, FATAL 57P01, as when the server is
    /// stopped under a running check) is `.connectionLost` — "unreachable, nothing was revealed,
    /// try again", exit 3 — whatever libpq's connection status says at the moment the error arrives.
    @Test func aSessionTheServerEndsIsALostConnection() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let url = try cluster.createDatabase("ledger")
        let ledger = try Ledger.open(at: url, create: true)
        do {
            _ = try ledger.database.query("SELECT pg_terminate_backend(pg_backend_pid())", [])
            Issue.record("the session survived its own termination")
        } catch {
            guard case .connectionLost(let message, _) = error else { Issue.record("not a lost connection: \(error)"); return }
            #expect(message.contains("terminating connection") || message.contains("server closed"), "\(message)")
        }
    }

    /// A server that is shutting down refuses new sessions with a FATAL of its own state (57P03,
    /// as the checks racing a stopped server saw it in CI): that is a lost connection ("unreachable,
    /// try again", exit 3), not a configuration error; a refused role still is one.
    @Test func aServerShuttingDownIsUnreachableNotMisconfigured() throws {
        let cluster = try PostgresCluster.start()
        defer { cluster.stop() }
        let url = try cluster.createDatabase("ledger")
        var holding: Ledger? = try Ledger.open(at: url, create: true)
        #expect(holding != nil)
        cluster.beginShutdown()
        var refusal = ""
        for _ in 0..<100 {
            do {
                _ = try Ledger.open(at: url, create: false)
                Thread.sleep(forTimeInterval: 0.05)
            } catch {
                guard case .connectionLost(let message, _) = error else { Issue.record("not a lost connection: \(error)"); break }
                refusal = message
                break
            }
        }
        #expect(refusal.contains("shutting down"), "\(refusal)")
        holding = nil
        #expect(PostgresConnection.refusesForNow("FATAL:  the database system is starting up"))
        #expect(!PostgresConnection.refusesForNow("FATAL:  password authentication failed for user \"ci\""))
        #expect(!PostgresConnection.refusesForNow("FATAL:  role \"nobody\" does not exist"))
    }
}
