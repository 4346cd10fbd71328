import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

@Suite(.serialized) struct TravellingLedgerTests {
    @discardableResult
    private func git(_ directory: URL, _ arguments: String...) throws -> String { try runGit(directory, arguments) }

    /// A developer with push access force-pushes an older `refs/easeml/ledger` to reset the budget:
    /// a runner that fetched the newer one refuses it, and so does a fresh clone that sees the
    /// gate's authentic verdict notes (which name the event the ledger had reached); both
    /// messages name the two positions. A forged note cannot block the honest path.
    @Test func aForcePushedOlderLedgerIsRefused() throws {
        let owner = try ModelRepository(condition: "n > 0.5 +/- 0.05")
        defer { owner.remove() }
        try """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 8
            models: [model/]
            script: cp model/predictions.csv "$EASEML_OUTPUT"
            ledger_remote: origin
            """.write(to: owner.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let sandbox = owner.root.deletingLastPathComponent()
        let origin = sandbox.appendingPathComponent("\(owner.root.lastPathComponent)-origin.git")
        let fresh = sandbox.appendingPathComponent("\(owner.root.lastPathComponent)-fresh")
        defer {
            try? FileManager.default.removeItem(at: origin)
            try? FileManager.default.removeItem(at: fresh)
        }
        try git(sandbox, "init", "-q", "--bare", origin.path)
        try owner.git("remote", "add", "origin", origin.path)
        _ = try owner.commitModel(accuracy: 0.9, message: "model v1")
        try owner.git("push", "-q", "origin", "main")
        #expect(try owner.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        let registered = try git(sandbox, "--git-dir", origin.path, "rev-parse", "refs/easeml/ledger")
        // CI judges v1 and v2: two steps, notes pushed with the ledger.
        #expect(try owner.run(["check", "--commit", "HEAD"]).status == 0)
        _ = try owner.commitModel(accuracy: 0.95, message: "model v2")
        #expect(try owner.run(["check", "--commit", "HEAD"]).status == 0)
        try owner.git("push", "-q", "origin", "main", "refs/notes/easeml")
        let spent = try git(sandbox, "--git-dir", origin.path, "rev-parse", "refs/easeml/ledger")
        #expect(spent != registered)
        // The attack: the ledger ref is forced back to the registration (0 steps used).
        try git(sandbox, "--git-dir", origin.path, "update-ref", "refs/easeml/ledger", registered)
        _ = try owner.commitModel(accuracy: 0.96, message: "model v3")
        // The runner that fetched the newer ledger refuses the older one.
        let seen = try owner.run(["check", "--commit", "HEAD"])
        #expect(seen.status == 3, "\(seen.stdout)\(seen.stderr)")
        #expect(seen.stderr.contains("does not extend the one fetched before (commit \(spent.prefix(7)))"), "\(seen.stderr)")
        #expect(seen.stderr.contains("force-pushed back; nothing was charged"))
        let pull = try owner.run(["ledger", "pull"])
        #expect(pull.status == 3 && pull.stderr.contains("force-pushed back"), "\(pull.stderr)")
        // A fresh CI clone has fetched nothing before; the authentic note on v2 names event 3+.
        try git(sandbox, "clone", "-q", "-b", "main", origin.path, fresh.path)
        try git(fresh, "fetch", "-q", "origin", "refs/notes/easeml:refs/notes/easeml")
        let notes = try git(fresh, "notes", "--ref=easeml", "show", "HEAD")
        let event = try #require(notes.split(separator: "\n").first { $0.hasPrefix("ledger-event: ") }).dropFirst("ledger-event: ".count)
        let clean = try CommandLineRunner.run(["check", "--commit", "HEAD"], in: fresh, environment: owner.environment)
        #expect(clean.status == 3, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stderr.contains("is behind the verdict note on commit "), "\(clean.stderr)")
        #expect(clean.stderr.contains("which records event \(event)"), "\(clean.stderr)")
        // Restoring the ledger ref lets both runners go on, with the budget they had.
        try git(sandbox, "--git-dir", origin.path, "update-ref", "refs/easeml/ledger", spent)
        let resumed = try CommandLineRunner.run(["check", "--commit", "HEAD"], in: fresh, environment: owner.environment)
        #expect(resumed.status == 0 && resumed.stdout.contains("step 2") && resumed.stdout.contains("replayed"), "\(resumed.stdout)\(resumed.stderr)")
        let third = try owner.run(["check", "--commit", "HEAD"])
        #expect(third.status == 0 && third.stdout.contains("step 3"), "\(third.stdout)\(third.stderr)")
    }

    @Test func twoClonesRaceForTheFinalStepAndExactlyOneWins() throws {
        let owner = try ModelRepository(condition: "n > 0.5 +/- 0.05")
        defer { owner.remove() }
        try """
            condition: n > 0.5 +/- 0.05
            reliability: 0.9
            adaptivity: full
            steps: 2
            models: [model/]
            ledger_remote: origin
            """.write(to: owner.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let sandbox = owner.root.deletingLastPathComponent()
        let origin = sandbox.appendingPathComponent("\(owner.root.lastPathComponent)-origin.git")
        let other = sandbox.appendingPathComponent("\(owner.root.lastPathComponent)-clone")
        defer {
            try? FileManager.default.removeItem(at: origin)
            try? FileManager.default.removeItem(at: other)
        }
        try git(sandbox, "init", "-q", "--bare", origin.path)
        _ = try owner.commitModel(accuracy: 0.9, message: "model")
        try owner.git("remote", "add", "origin", origin.path)
        try owner.git("push", "-q", "origin", "main")
        // The owner registers the set: it travels to the remote at once.
        let added = try owner.run(["testset", "add", "--labels", "labels.csv", "--force"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try git(sandbox, "--git-dir", origin.path, "rev-parse", "refs/easeml/ledger").count == 40)
        // One step is spent from the owner's clone.
        try owner.write("first.csv", accuracy: 0.9)
        #expect(try owner.run(["check", "--predictions", "first.csv"]).status == 0)
        // A second clone, with no local ledger at all, sees the same budget.
        try git(sandbox, "clone", "-q", "-b", "main", origin.path, other.path)
        try git(other, "config", "user.email", "ci@example.com")
        try git(other, "config", "user.name", "CI")
        let secondRepo = ModelRepositoryView(root: other, environment: owner.environment, labels: owner.labels)
        try secondRepo.write("mine.csv", accuracy: 0.8)
        try owner.write("theirs.csv", accuracy: 0.85)
        #expect(try CommandLineRunner.run(["ledger", "pull"], in: other, environment: owner.environment).status == 0)
        let status = try CommandLineRunner.run(["status", "--json"], in: other, environment: owner.environment)
        #expect(status.stdout.contains("\"stepsUsed\" : 1"), "\(status.stdout)\(status.stderr)")
        // The race for the last step.
        let a = try CommandLineRunner.start(["check", "--predictions", "theirs.csv"], in: owner.root, environment: owner.environment)
        let b = try CommandLineRunner.start(["check", "--predictions", "mine.csv"], in: other, environment: owner.environment)
        let results = [a.finish(), b.finish()]
        let winners = results.filter { $0.status == 0 || $0.status == 1 }
        let losers = results.filter { $0.status == 3 }
        #expect(winners.count == 1, "\(results.map { "\($0.status) \($0.stdout) \($0.stderr)" })")
        #expect(losers.count == 1, "\(results.map { "\($0.status) \($0.stdout) \($0.stderr)" })")
        #expect(losers.first?.stdout.contains("REFUSED") == true)
        // Both clones agree after pulling: two steps used, one verdict each, a clean chain.
        for clone in [owner.root, other] {
            let pulled = try CommandLineRunner.run(["ledger", "pull"], in: clone, environment: owner.environment)
            #expect(pulled.status == 0, "\(pulled.stderr)")
            let final = try CommandLineRunner.run(["status", "--json"], in: clone, environment: owner.environment)
            #expect(final.stdout.contains("\"stepsUsed\" : 2"), "\(final.stdout)")
            #expect(try CommandLineRunner.run(["ledger", "verify"], in: clone, environment: owner.environment).status == 0)
        }
        // Deterministically: a snapshot built on a stale base is refused, and `updating` recovers
        // by re-pulling and trying again on top of the winner.
        let travelling = TravellingLedger(
            remote: "origin", directory: other.path, ledgerPath: other.appendingPathComponent(".git/easeml/ledger.sqlite").path)
        let stale = try travelling.pull()
        let staleLedger = try LedgerLocation.open(travelling.ledgerPath, create: false)
        try owner.write("second-set.csv", accuracy: 1)
        let lines = try String(contentsOf: owner.root.appendingPathComponent("second-set.csv"), encoding: .utf8).split(separator: "\n").prefix(101)
        try (lines.joined(separator: "\n") + "\n").write(to: owner.root.appendingPathComponent("second-set.csv"), atomically: true, encoding: .utf8)
        #expect(try owner.run(["testset", "add", "--labels", "second-set.csv", "--force"]).status == 0)
        #expect(try travelling.push(staleLedger, base: stale, message: "stale") == false)
        var attempts = 0
        let sets = try travelling.updating(message: "retry") { (ledger) throws(EaseMLCIError) in
            attempts += 1
            return (try StatusReport.make(ledger: ledger).testSets.count, true)
        }
        #expect(sets == 2)
        #expect(attempts == 1)
    }
}

/// The write helper of `ModelRepository` for a clone made with `git clone`.
private struct ModelRepositoryView {
    let root: URL
    let environment: [String: String]
    let labels: [Int]

    func write(_ path: String, accuracy: Double) throws {
        let right = Int(Double(labels.count) * accuracy)
        let rows = labels.enumerated().map { i, label in "x\(i),\(i < right ? label : (label + 1) % 4)" }
        try ("id,label\n" + rows.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }
}
