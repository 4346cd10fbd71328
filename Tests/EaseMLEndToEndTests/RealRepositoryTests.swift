import EaseMLTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The gate on real repositories (issue 16): hooks that see the commit being made, history from
/// before the gate, the right baseline, pushes judged the way CI judges them. Every step is a real
/// `git` command on a real repository, with the hooks `easeml-ci hooks install` writes.
@Suite(.serialized) struct RealRepositoryTests {
    /// Runs git with the owner's key in the environment and easeml-ci on the PATH (the hooks call it).
    static func git(_ repo: ModelRepository, _ arguments: [String], environment: [String: String?] = [:]) throws -> CommandLineRunner.Result {
        var merged: [String: String?] = repo.environment.mapValues { $0 }
        for (key, value) in environment { merged[key] = value }
        return try CommandLineRunner.runProgram(URL(fileURLWithPath: "/usr/bin/git"), arguments, in: repo.root, environment: merged)
    }

    static func bareRemote(_ repo: ModelRepository) throws -> URL {
        let remote = repo.root.deletingLastPathComponent().appendingPathComponent("\(repo.root.lastPathComponent)-remote.git")
        try repo.git("init", "-q", "--bare", remote.path)
        try repo.git("remote", "add", "origin", remote.path)
        return remote
    }

    static let invalid = "condition: n - acc > 0 +/- 0.05\nreliability: 0.9\n"

    // MARK: The index git is committing

    /// `commit -a`, `commit <path>`, `commit --only` and `--include` commit from a temporary index
    /// (`GIT_INDEX_FILE`): the hook reads it, so an invalid `.easeml.yml` is blocked in every one.
    @Test func everyWayOfCommittingAnInvalidConfigurationIsBlocked() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        _ = try repo.commitModel(accuracy: 0.9, message: "gated model")
        #expect(try repo.run(["hooks", "install"]).status == 0)
        try Self.invalid.write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let ways: [[String]] = [
            ["commit", "-q", "-a", "-m", "all"], ["commit", "-q", "-m", "path", ".easeml.yml"],
            ["commit", "-q", "--only", "-m", "only", ".easeml.yml"], ["commit", "-q", "--include", "-m", "include", ".easeml.yml"],
        ]
        let head = try repo.git("rev-parse", "HEAD")
        for arguments in ways {
            let commit = try Self.git(repo, arguments)
            #expect(commit.status != 0, "\(arguments) went through: \(commit.stdout)\(commit.stderr)")
            #expect(commit.stderr.contains(".easeml.yml:1:16: error: unknown variable"), "\(arguments): \(commit.stderr)")
            #expect(try repo.git("rev-parse", "HEAD") == head)
        }
        // The honest path: a valid change committed with -a goes through.
        try Self.invalid.replacingOccurrences(of: "acc", with: "o").write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let fixed = try Self.git(repo, ["commit", "-q", "-a", "-m", "a valid condition"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    /// The same under the real pre-commit framework (PyPI `pre-commit`, in `.venv`).
    @Test func thePreCommitFrameworkSeesTheIndexBeingCommittedToo() throws {
        let framework = TestPython.binDirectory.appendingPathComponent("pre-commit")
        try #require(FileManager.default.isExecutableFile(atPath: framework.path), "\(framework.path) is missing: run ./install.sh")
        let repo = try ModelRepository()
        defer { repo.remove() }
        try """
            repos:
              - repo: local
                hooks:
                  - id: easeml-ci
                    name: easeml-ci
                    entry: easeml-ci hook pre-commit
                    language: system
                    pass_filenames: false
                    always_run: true
            """.write(to: repo.root.appendingPathComponent(".pre-commit-config.yaml"), atomically: true, encoding: .utf8)
        try repo.git("add", ".pre-commit-config.yaml")
        _ = try repo.commitModel(accuracy: 0.9, message: "gated model and the framework's configuration")
        let home = repo.root.appendingPathComponent("../\(repo.root.lastPathComponent)-precommit-home").standardizedFileURL
        defer { try? FileManager.default.removeItem(at: home) }
        let environment: [String: String?] = ["PRE_COMMIT_HOME": home.path]
        let install = try CommandLineRunner.runProgram(framework, ["install"], in: repo.root, environment: environment)
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        try Self.invalid.write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        let head = try repo.git("rev-parse", "HEAD")
        for arguments in [["commit", "-q", "-a", "-m", "all"], ["commit", "-q", "-m", "path", ".easeml.yml"], ["commit", "-q", "--only", "-m", "only", ".easeml.yml"]] {
            let commit = try Self.git(repo, arguments, environment: environment)
            #expect(commit.status != 0, "\(arguments) went through")
            #expect((commit.stdout + commit.stderr).contains("unknown variable"), "\(arguments): \(commit.stdout)\(commit.stderr)")
            #expect(try repo.git("rev-parse", "HEAD") == head)
        }
    }

    // MARK: History before the gate, and pushes

    /// A long history from before the gate is pushed to an empty remote: its commits are no
    /// candidates; the commit that introduced the gate is judged against the owner's baseline.
    /// A FAIL blocks the push with a way forward; a passing model on top unblocks it.
    @Test func aPreGateHistoryIsPushedAndAFixedFailNoLongerBlocks() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        let configuration = try String(contentsOf: repo.root.appendingPathComponent(".easeml.yml"), encoding: .utf8)
        try FileManager.default.removeItem(at: repo.root.appendingPathComponent(".easeml.yml"))
        for index in 0..<60 {
            try repo.write("model/predictions.csv", accuracy: 0.5 + Double(index) / 200)
            try repo.git("add", "model")
            try repo.git("commit", "-q", "-m", "pre-gate model \(index)")
        }
        // The owner introduces the gate: configuration, test set, baseline, hooks.
        try configuration.write(to: repo.root.appendingPathComponent(".easeml.yml"), atomically: true, encoding: .utf8)
        _ = try repo.commitModel(accuracy: 0.9, message: "gate the model with easeml-ci")
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        #expect(try repo.run(["baseline", "set", "--predictions", "baseline.csv"]).status == 0)
        #expect(try repo.run(["hooks", "install"]).status == 0)
        let remote = try Self.bareRemote(repo)
        defer { try? FileManager.default.removeItem(at: remote) }
        let first = try Self.git(repo, ["push", "-q", "origin", "main"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("PASS"))
        #expect(try Self.stepsUsed(repo) == 1, "one charge for the whole history: the newest model commit")
        // A failing model: blocked, with the way forward.
        let bad = try repo.commitModel(accuracy: 0.6, message: "a worse model")
        let blocked = try Self.git(repo, ["push", "-q", "origin", "main"])
        #expect(blocked.status != 0)
        #expect(blocked.stderr.contains("push blocked: \(bad.prefix(7)), the newest model commit you are pushing, does not pass the gate"), "\(blocked.stderr)")
        #expect(blocked.stderr.contains("Commit a model that passes on top of it and push again"))
        // Pushing again charges nothing new: its authentic note is the verdict.
        let again = try Self.git(repo, ["push", "-q", "origin", "main"])
        #expect(again.status != 0 && again.stderr.contains("FAIL (already judged)"), "\(again.stderr)")
        #expect(try Self.stepsUsed(repo) == 2)
        // The fix on top: the old FAIL is in the pushed range but no longer blocks.
        _ = try repo.commitModel(accuracy: 0.99, message: "a better model")
        let fixed = try Self.git(repo, ["push", "-q", "origin", "main"])
        #expect(fixed.status == 0, "\(fixed.stderr)")
        #expect(try repo.git("ls-remote", remote.path, "refs/heads/main").hasPrefix(try repo.git("rev-parse", "HEAD")))
        #expect(try Self.stepsUsed(repo) == 3)
        // Commits from before the gate are passed over by `check --commit` too, charging nothing.
        let old = try repo.run(["check", "--commit", "HEAD~5"])
        #expect(old.status == 0 && old.stdout.contains("no model change"), "\(old.stdout)\(old.stderr)")
    }

    static func stepsUsed(_ repo: ModelRepository) throws -> Int {
        let status = try repo.run(["status", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return (object?["testSets"] as? [[String: Any]])?.first?["stepsUsed"] as? Int ?? -1
    }

    // MARK: The baseline is the last accepted ancestor

    /// Two branches accept different models; each candidate is compared with the last model
    /// accepted among its own first-parent ancestors, and file mode agrees with commit mode.
    @Test func eachCandidateIsComparedWithItsLastAcceptedAncestor() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        #expect(try repo.run(["baseline", "set", "--predictions", "baseline.csv"]).status == 0)
        let fork = try repo.commitModel(accuracy: 0.8, message: "main: 80 %")
        #expect(try repo.run(["check", "--commit", "HEAD"]).stdout.contains("PASS"))
        // The experiment branch accepts 95 %.
        try repo.git("checkout", "-q", "-b", "exp")
        _ = try repo.commitModel(accuracy: 0.95, message: "exp: 95 %")
        #expect(try repo.run(["check", "--commit", "HEAD"]).stdout.contains("PASS"))
        // Back on main, 90 % beats main's 80 % (it would lose to exp's 95 %, accepted later).
        try repo.git("checkout", "-q", "main")
        _ = try repo.commitModel(accuracy: 0.9, message: "main: 90 %")
        let main = try repo.run(["check", "--commit", "HEAD", "--json"])
        #expect(main.status == 0 && main.stdout.contains("\"answer\" : \"pass\""), "\(main.stdout)\(main.stderr)")
        // On exp, the same 90 % model loses to exp's 95 %.
        try repo.git("checkout", "-q", "exp")
        _ = try repo.commitModel(accuracy: 0.9, message: "exp: 90 %")
        let exp = try repo.run(["check", "--commit", "HEAD"])
        #expect(exp.status == 1 && exp.stdout.contains("FAIL"), "\(exp.stdout)\(exp.stderr)")
        // File mode on main sees main's last accepted model (90 %): 91 % wrong elsewhere is no
        // certain gain over it; on a branch made from the fork point, the old model is main's 80 %.
        try repo.git("checkout", "-q", "main")
        try repo.write("close.csv", accuracy: 0.91, errorsFirst: true)
        #expect(try repo.run(["check", "--predictions", "close.csv"]).status == 1)
        try repo.git("checkout", "-q", "-b", "old-line", fork)
        let fromFork = try repo.run(["check", "--predictions", "close.csv"])
        #expect(fromFork.status == 0 && fromFork.stdout.contains("PASS"), "\(fromFork.stdout)\(fromFork.stderr)")
    }

    /// The detached merge commit a CI checkout of a pull request makes finds the target branch's
    /// baseline through `GITHUB_BASE_REF` and its first parent, without `--branch`.
    @Test func aDetachedMergeCommitFindsItsBaseline() throws {
        let repo = try ModelRepository()
        defer { repo.remove() }
        #expect(try repo.run(["testset", "add", "--labels", "labels.csv", "--force"]).status == 0)
        #expect(try repo.run(["baseline", "set", "--predictions", "baseline.csv", "--branch", "main"]).status == 0)
        _ = try repo.commitModel(accuracy: 0.7, message: "main: the gate and the baseline model")
        try repo.git("checkout", "-q", "-b", "feature")
        _ = try repo.commitModel(accuracy: 0.9, message: "feature: 90 %")
        // What actions/checkout does for a pull_request: a merge of the head into the base, detached.
        try repo.git("checkout", "-q", "--detach", "main")
        try repo.git("merge", "-q", "--no-ff", "--no-edit", "feature")
        let withoutTarget = try CommandLineRunner.run(["check", "--commit", "HEAD"], in: repo.root, environment: repo.environment)
        #expect(withoutTarget.status == 2 && withoutTarget.stderr.contains("(none: a detached HEAD; pass --branch or set GITHUB_BASE_REF)"), "\(withoutTarget.stderr)")
        let merged = try CommandLineRunner.run(
            ["check", "--commit", "HEAD"], in: repo.root, environment: repo.environment.merging(["GITHUB_BASE_REF": "main"]) { $1 })
        #expect(merged.status == 0 && merged.stdout.contains("PASS"), "\(merged.stdout)\(merged.stderr)")
        // GitLab's variable works the same.
        _ = try repo.commitModel(accuracy: 0.5, message: "a worse model on the detached head")
        let gitlab = try CommandLineRunner.run(
            ["check", "--commit", "HEAD"], in: repo.root,
            environment: repo.environment.merging(["CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"]) { $1 })
        #expect(gitlab.status == 1 && gitlab.stdout.contains("FAIL"), "\(gitlab.stdout)\(gitlab.stderr)")
    }
}
