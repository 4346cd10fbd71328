import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real repository whose commits carry a model (its predictions file) and `.easeml.yml`.
struct ModelRepository {
    let root: URL
    let environment: [String: String]
    let labels: [Int]

    init(condition: String = "n - o > 0 +/- 0.05") throws {
        root = try CommandLineRunner.temporaryDirectory()
        labels = (0..<3000).map { ($0 * 7 + $0 / 3) % 4 }
        environment = ["EASEML_KEY_FILE": root.appendingPathComponent("../\(root.lastPathComponent).key").standardizedFileURL.path]
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Model Developer")
        try git("config", "user.email", "dev@example.com")
        try """
            condition: \(condition)
            reliability: 0.9
            adaptivity: full
            steps: 8
            models: [model/]
            script: cp model/predictions.csv "$EASEML_OUTPUT"
            """.write(to: root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        try write("labels.csv", accuracy: 1)
        try write("baseline.csv", accuracy: 0.7)
        let key = try CommandLineRunner.run(["key", "generate", "--output", environment["EASEML_KEY_FILE"]!], in: root)
        guard key.status == 0 else { throw RepositoryError.failed(key.stderr) }
    }

    enum RepositoryError: Error { case failed(String) }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try runGit(root, arguments) }

    /// Writes predictions that are right on the first `accuracy` fraction of the examples (nested
    /// errors: a better model is right wherever a worse one is), or with `errorsFirst` wrong on the
    /// first 1 − `accuracy` fraction instead (errors apart from every default model's).
    func write(_ path: String, accuracy: Double, errorsFirst: Bool = false) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let right = Int(Double(labels.count) * accuracy)
        let wrong = labels.count - right
        let rows = labels.enumerated().map { i, label in
            "x\(i),\((errorsFirst ? i >= wrong : i < right) ? label : (label + 1) % 4)"
        }
        try ("id,label\n" + rows.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
    }

    func commitModel(accuracy: Double, message: String) throws -> String {
        try write("model/predictions.csv", accuracy: accuracy)
        try git("add", "model", ".easeml.yml")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    func run(_ arguments: [String]) throws -> CommandLineRunner.Result {
        try CommandLineRunner.run(arguments, in: root, environment: environment)
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
        try? FileManager.default.removeItem(atPath: environment["EASEML_KEY_FILE"]!)
    }
}

@Suite(.serialized) struct CommitGateTests {
    @Test func candidatesAreJudgedAgainstTheLastAcceptedModelAndNotesRecordIt() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        let first = try repo.commitModel(accuracy: 0.9, message: "model v1")
        #expect(try repo.run(["baseline", "set", "--predictions", "baseline.csv"]).status == 0)
        let a = try repo.run(["check", "--commit", "HEAD"])
        #expect(a.status == 0, "\(a.stdout)\(a.stderr)")
        #expect(a.stdout.contains("PASS"))
        let second = try repo.commitModel(accuracy: 0.6, message: "model v2 (worse)")
        #expect(try repo.run(["check", "--commit", "HEAD"]).status == 1)
        // v3 beats v2 (the last *evaluated*) but not v1 (the last *accepted*): it must fail.
        let third = try repo.commitModel(accuracy: 0.8, message: "model v3")
        // An uncommitted change in the work tree must not matter: the commit's own tree is used.
        try repo.write("model/predictions.csv", accuracy: 1)
        let c = try repo.run(["check", "--commit", third, "--json"])
        #expect(c.status == 1, "\(c.stdout)\(c.stderr)")
        #expect(c.stdout.contains("\"answer\" : \"fail\""))
        // A commit that touches no model path passes without using the test set.
        try "docs".write(to: repo.root.appendingPathComponent("NOTES.md"), atomically: true, encoding: .utf8)
        try repo.git("add", "NOTES.md")
        try repo.git("commit", "-q", "-m", "docs only")
        let d = try repo.run(["check", "--commit", "HEAD"])
        #expect(d.status == 0)
        #expect(d.stdout.contains("no model change"))
        let status = try repo.run(["status", "--json"])
        #expect(status.stdout.contains("\"stepsUsed\" : 3"))
        // Notes: readable with plain git, no metrics.
        let note = try repo.git("notes", "--ref=easeml", "show", first)
        #expect(note.hasPrefix("easeml-ci: pass"))
        #expect(note.contains("step: 1"))
        #expect(!note.contains("0.9"))
        #expect(try repo.git("notes", "--ref=easeml", "show", second).hasPrefix("easeml-ci: fail"))
        let log = try repo.run(["log"])
        #expect(log.status == 0)
        let lines = log.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[1].hasPrefix(String(try repo.git("rev-parse", "HEAD").prefix(7))) && lines[1].contains("·"))
        #expect(lines[2].hasPrefix(String(third.prefix(7))) && lines[2].contains("FAIL") && lines[2].contains("model v3"))
        #expect(lines[3].contains("FAIL") && lines[4].contains("PASS"))
        let json = try repo.run(["log", "--json", "-n", "2"])
        #expect(json.stdout.contains("\"verdict\" : \"fail\""))
    }

    @Test func commitErrorsAreClear() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        _ = try repo.commitModel(accuracy: 0.9, message: "v1")
        let unknown = try repo.run(["check", "--commit", "no-such-rev"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no-such-rev"))
        let noSet = try repo.run(["check", "--commit", "HEAD"])
        #expect(noSet.status == 3)
        #expect(noSet.stderr.contains("registering a test set"))
    }
}

@Suite(.serialized) struct PickFromGateTests {
    @Test func theGatesAcceptedCommitsBecomeModelPickerCandidates() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        let v1 = try repo.commitModel(accuracy: 0.9, message: "v1")
        #expect(try repo.run(["baseline", "set", "--predictions", "baseline.csv"]).status == 0)
        #expect(try repo.run(["check", "--commit", "HEAD"]).status == 0)
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("pool"), withIntermediateDirectories: true)
        // One accepted commit is one candidate: ModelPicker needs another (e.g. the deployed model's predictions).
        let one = try repo.run(["pick", "start", "--name", "early", "--from-gate", "--pool-inputs", "pool"])
        #expect(one.status == 2 && one.stderr.contains("the gate has accepted 1 model commit(s)") && one.stderr.contains("with --models"), "\(one.stderr)")
        _ = try repo.commitModel(accuracy: 0.6, message: "v2")
        #expect(try repo.run(["check", "--commit", "HEAD"]).status == 1)
        let v3 = try repo.commitModel(accuracy: 0.97, message: "v3")
        #expect(try repo.run(["check", "--commit", "HEAD"]).status == 0)
        let start = try repo.run(["pick", "start", "--name", "production", "--from-gate", "--pool-inputs", "pool", "--json"])
        #expect(start.status == 0, "\(start.stderr)")
        // Exactly the two accepted commits compete, named by their short ids; the rejected v2 does not.
        #expect(start.stdout.contains(String(v1.prefix(7))))
        #expect(start.stdout.contains(String(v3.prefix(7))))
        let rejected = try repo.git("rev-parse", "--short=7", "HEAD~1")
        #expect(!start.stdout.contains(rejected))
        // The sandbox's options belong to the scripts --from-gate runs.
        let alone = try repo.run(["pick", "start", "--name", "other", "--sandbox-read", "/opt", "--models", "baseline.csv", "baseline.csv"])
        #expect(alone.status == 2 && alone.stderr.contains("go with --from-gate"), "\(alone.stderr)")
    }
}
