import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct HookTests {
    /// A committed `ledger:` naming a team ledger on a server: the hook neither contacts it (a
    /// developer holds no role; here nothing even listens) nor prints its URL or password.
    @Test func preCommitLeavesAServerLedgerToCI() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        let config = repo.root.appendingPathComponent(".easeml.yml")
        try (try String(contentsOf: config, encoding: .utf8) + "\nledger: \"postgresql://ci:s3cret@127.0.0.1:1/ledger\"\n")
            .write(to: config, atomically: true, encoding: .utf8)
        try repo.write("model/predictions.csv", accuracy: 0.9)
        try repo.git("add", "model", ".easeml.yml")
        let hook = try repo.run(["hook", "pre-commit"])
        #expect(hook.status == 0, "\(hook.stderr)")
        #expect(hook.stderr.contains("the ledger is a team ledger on a server"), "\(hook.stderr)")
        #expect(!hook.stderr.contains("s3cret") && !hook.stderr.contains("127.0.0.1"))
    }

    @Test func preCommitIsQuietForUnrelatedChangesAndBlocksAnInvalidConfiguration() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        try "notes".write(to: repo.root.appendingPathComponent("NOTES.md"), atomically: true, encoding: .utf8)
        try repo.git("add", "NOTES.md")
        let unrelated = try repo.run(["hook", "pre-commit"])
        #expect(unrelated.status == 0)
        #expect(unrelated.stderr.isEmpty && unrelated.stdout.isEmpty)
        // A model change with no test set: a warning, not a block.
        try repo.write("model/predictions.csv", accuracy: 0.9)
        try repo.git("add", "model", ".easeml.yml")
        let noSet = try repo.run(["hook", "pre-commit"])
        #expect(noSet.status == 0)
        #expect(noSet.stderr.contains("no test set is registered"))
        // A registered set smaller than the plan: the warning names both numbers.
        try repo.write("small.csv", accuracy: 1)
        let lines = try String(contentsOf: repo.root.appendingPathComponent("small.csv"), encoding: .utf8).split(separator: "\n").prefix(201)
        try (lines.joined(separator: "\n") + "\n").write(to: repo.root.appendingPathComponent("small.csv"), atomically: true, encoding: .utf8)
        #expect(try repo.run(["testset", "add", "--labels", "small.csv", "--force"]).status == 0)
        let small = try repo.run(["hook", "pre-commit"])
        #expect(small.status == 0)
        #expect(small.stderr.contains("the registered test set"))
        #expect(small.stderr.contains("has 200"))
        // An invalid staged condition blocks the commit, pointing at the file and line.
        try "condition: n - acc > 0 +/- 0.05\nreliability: 0.9\n".write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        try repo.git("add", ".easeml.yml")
        let invalid = try repo.run(["hook", "pre-commit"])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains(".easeml.yml:1:16: error: unknown variable"))
    }

    @Test func installedHooksChainAnExistingHookAndGateRealCommitsAndPushes() throws {
        let repo = try ModelRepository(condition: "n > 0.7 +/- 0.05")
        defer { repo.remove() }
        let hooks = repo.root.appendingPathComponent(".git/hooks")
        try FileManager.default.createDirectory(at: hooks, withIntermediateDirectories: true)
        try "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/chained-ran\"\n".write(
            to: hooks.appendingPathComponent("pre-commit"), atomically: true, encoding: .utf8)
        chmod(hooks.appendingPathComponent("pre-commit").path, 0o755)
        let install = try repo.run(["hooks", "install"])
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("kept the existing pre-commit hook"))
        #expect(FileManager.default.fileExists(atPath: hooks.appendingPathComponent("pre-commit.pre-easeml").path))
        // Installing again changes nothing and chains nothing twice.
        let again = try repo.run(["hooks", "install"])
        #expect(again.status == 0)
        #expect(!again.stdout.contains("kept the existing"))
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        // A remote to push to.
        let remote = repo.root.deletingLastPathComponent().appendingPathComponent("\(repo.root.lastPathComponent)-remote.git")
        defer { try? FileManager.default.removeItem(at: remote) }
        try repo.git("init", "-q", "--bare", remote.path)
        try repo.git("remote", "add", "origin", remote.path)
        // A passing model commit goes through both hooks and is pushed.
        let good = try commitThroughHooks(repo, accuracy: 0.9, message: "good model")
        #expect(good.status == 0, "\(good.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.root.appendingPathComponent("chained-ran").path))
        let pushed = try push(repo)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(pushed.stderr.contains("PASS"))
        let goodHead = try repo.git("rev-parse", "HEAD")
        #expect(try repo.git("ls-remote", remote.path, "refs/heads/main").hasPrefix(goodHead))
        // A failing model commit is blocked at push time; the remote keeps the good commit.
        _ = try commitThroughHooks(repo, accuracy: 0.5, message: "bad model")
        let blocked = try push(repo)
        #expect(blocked.status != 0, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("push blocked"))
        #expect(try repo.git("ls-remote", remote.path, "refs/heads/main").hasPrefix(goodHead))
        #expect(try repo.git("notes", "--ref=easeml", "show", "HEAD").hasPrefix("easeml-ci: fail"))
    }

    /// The installed pre-commit hook decides a commit that is no candidate in /bin/sh, without
    /// starting easeml-ci; anything that may be one — a model change, a model renamed away, a path
    /// git quotes, a changed .easeml.yml — runs easeml-ci, which makes the fast path follow the new
    /// configuration. Commits go through real `git commit` (and `commit -a`).
    @Test func installedPreCommitHookStartsEaseMLCIOnlyForPossibleCandidates() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        try repo.git("add", ".easeml.yml", "labels.csv", "baseline.csv")
        try repo.git("commit", "-q", "-m", "configuration")
        #expect(try repo.run(["hooks", "install"]).status == 0)
        // The hook's easeml-ci is a wrapper that logs each start, then runs the real binary.
        let calls = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent).calls").standardizedFileURL
        let wrapper = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent).wrapper").standardizedFileURL
        defer { try? FileManager.default.removeItem(at: calls); try? FileManager.default.removeItem(at: wrapper) }
        try "#!/bin/sh\necho \"$*\" >> '\(calls.path)'\nexec '\(CommandLineRunner.executable.path)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper.path, 0o755)
        let hook = repo.root.appendingPathComponent(".git/hooks/pre-commit")
        let script = try String(contentsOf: hook, encoding: .utf8)
        #expect(script.contains("model|model/*"), "\(script)")
        try script.components(separatedBy: "\n").map { $0.hasPrefix("easeml=") ? "easeml='\(wrapper.path)'" : $0 }.joined(separator: "\n")
            .write(to: hook, atomically: true, encoding: .utf8)
        chmod(hook.path, 0o755)
        func started(_ change: () throws -> Void, commit: [String] = ["commit", "-q", "-m", "change"]) throws -> Bool {
            try? FileManager.default.removeItem(at: calls)
            try change()
            let result = try gitWithHooks(repo, commit)
            #expect(result.status == 0, "\(result.stderr)")
            return FileManager.default.fileExists(atPath: calls.path)
        }
        let notes = repo.root.appendingPathComponent("NOTES.md")
        #expect(try !started { try "notes".write(to: notes, atomically: true, encoding: .utf8); try repo.git("add", "NOTES.md") })
        #expect(try !started({ try "more notes".write(to: notes, atomically: true, encoding: .utf8) }, commit: ["commit", "-q", "-a", "-m", "notes"]))
        #expect(try started { try repo.write("model/predictions.csv", accuracy: 0.8); try repo.git("add", "model") })
        #expect(try started { try "x".write(to: repo.root.appendingPathComponent("model/ü.txt"), atomically: true, encoding: .utf8); try repo.git("add", "model") })
        #expect(try started { try repo.git("mv", "model/ü.txt", "moved.txt") })
        #expect(try started { try "\"quoted\" name".write(to: repo.root.appendingPathComponent("a\"b.md"), atomically: true, encoding: .utf8); try repo.git("add", "a\"b.md") })
        // The models move to weights/: the configuration's commit runs easeml-ci, which rewrites
        // the fast path; model/ is then no candidate and weights/ is.
        let config = try String(contentsOf: repo.root.appendingPathComponent(".easeml.yml"), encoding: .utf8)
        #expect(try started { try config.replacingOccurrences(of: "models: [model/]", with: "models: [weights/]").write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8); try repo.git("add", ".easeml.yml") })
        #expect(try String(contentsOf: hook, encoding: .utf8).contains("weights|weights/*"))
        #expect(try !started { try repo.write("model/predictions.csv", accuracy: 0.85); try repo.git("add", "model") })
        #expect(try started { try repo.write("weights/predictions.csv", accuracy: 0.85); try repo.git("add", "weights") })
        #expect(try !started { try "again".write(to: notes, atomically: true, encoding: .utf8); try repo.git("add", "NOTES.md") })
    }

    private func commitThroughHooks(_ repo: ModelRepository, accuracy: Double, message: String) throws -> CommandLineRunner.Result {
        try repo.write("model/predictions.csv", accuracy: accuracy)
        try repo.git("add", "model", ".easeml.yml")
        return try gitWithHooks(repo, ["commit", "-q", "-m", message])
    }

    private func push(_ repo: ModelRepository) throws -> CommandLineRunner.Result {
        try gitWithHooks(repo, ["push", "-q", "origin", "main"])
    }

    /// Runs git with the owner's key in the environment, so the pre-push hook can score.
    private func gitWithHooks(_ repo: ModelRepository, _ arguments: [String]) throws -> CommandLineRunner.Result {
        try CommandLineRunner.runProgram(URL(fileURLWithPath: "/usr/bin/git"), arguments, in: repo.root, environment: repo.environment.mapValues { $0 })
    }
}

@Suite(.serialized) struct FeasibilityHookTests {
    @Test func preCommitRunsTheCachedFeasibilityStudyAndBlocksAnImpossibleCondition() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Fixtures.pureNoiseCSV().write(to: repo.root.appendingPathComponent("data/noise.csv"), atomically: true, encoding: .utf8)
        func configure(_ condition: String, block: Bool, oldAccuracy: String? = nil) throws {
            try ("""
                condition: \(condition)
                reliability: 0.9
                steps: 4
                models: [model/]
                feasibility_data: data/noise.csv
                feasibility_block: \(block)
                """ + (oldAccuracy.map { "\nfeasibility_old_accuracy: \($0)\n" } ?? "")).write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
            try repo.git("add", ".easeml.yml", "data")
        }
        // Labels independent of the features: the accuracy ceiling is about 0.5, so n > 0.95 cannot be met.
        try configure("n > 0.95 +/- 0.01", block: true)
        let blocked = try repo.run(["hook", "pre-commit"])
        #expect(blocked.status == 1, "\(blocked.stderr)")
        #expect(blocked.stderr.contains("feasibility (noise.csv (raw)): infeasible"))
        let cache = repo.root.appendingPathComponent(".git/easeml/feasibility-cache")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") }.count == 1)
        // Warn instead of block; the same data is answered from the cache (no second entry).
        try configure("n > 0.95 +/- 0.01", block: false)
        let warned = try repo.run(["hook", "pre-commit"])
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("warning: feasibility (noise.csv (raw)): infeasible"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).filter { $0.hasSuffix(".json") }.count == 1)
        // A reachable target says nothing about feasibility.
        try configure("n > 0.4 +/- 0.05", block: true)
        let fine = try repo.run(["hook", "pre-commit"])
        #expect(fine.status == 0)
        #expect(!fine.stderr.contains("feasibility"))
        // `n - o > c` asks for the old model's accuracy plus c: 0.85 + 0.1 is out of reach, 0.3 + 0.1 is not,
        // and without the old accuracy there is no target (no feasibility message).
        try configure("n - o > 0.1 +/- 0.01", block: true, oldAccuracy: "0.85")
        let relative = try repo.run(["hook", "pre-commit"])
        #expect(relative.status == 1 && relative.stderr.contains("feasibility (noise.csv (raw)): infeasible"), "\(relative.stderr)")
        try configure("n - o > 0.1 +/- 0.01", block: true, oldAccuracy: "0.3")
        #expect(try repo.run(["hook", "pre-commit"]).stderr.contains("feasibility") == false)
        try configure("n - o > 0.1 +/- 0.01", block: true)
        #expect(try repo.run(["hook", "pre-commit"]).stderr.contains("feasibility") == false)
        try configure("n - o > 0.1 +/- 0.01", block: true, oldAccuracy: "1.5")
        let invalid = try repo.run(["hook", "pre-commit"])
        #expect(invalid.status == 1 && invalid.stderr.contains("`feasibility_old_accuracy` must be an accuracy between 0 and 1"), "\(invalid.stderr)")
        // A typo in the new keys gets a suggestion.
        try "condition: n > 0.5 +/- 0.05\nreliability: 0.9\nfeasibility_dat: data/wine.csv\n".write(
            to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        try repo.git("add", ".easeml.yml")
        let typo = try repo.run(["hook", "pre-commit"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("feasibility_data"))
    }
}
