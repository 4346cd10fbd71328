import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLGit

/// A real repository in a temporary folder, built with the `git` command line.
private struct Sandbox {
    let root: URL

    init() throws {
        root = try TemporaryDirectory.make(prefix: "easeml-git")
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Test Person")
        try git("config", "user.email", "test@example.com")
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try runGit(root, arguments) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

@Suite struct GitRepositoryTests {

    /// `log`'s order: newest commit time first, exactly as `git log` lists a history whose side
    /// branch interleaves in time with the main line and is merged back; a limit takes its prefix.
    @Test func timeOrderIsGitLogsOrderAcrossAMerge() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        func commit(_ message: String, at seconds: Int) throws {
            try sandbox.write("\(message).txt", message)
            try sandbox.git("add", "-A")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            process.arguments = ["commit", "-q", "-m", message]
            process.currentDirectoryURL = sandbox.root
            var environment = ProcessInfo.processInfo.environment
            environment["GIT_COMMITTER_DATE"] = "@\(seconds) +0000"
            environment["GIT_AUTHOR_DATE"] = "@\(seconds) +0000"
            process.environment = environment
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        try commit("c1", at: 1_000_000)
        try sandbox.git("checkout", "-q", "-b", "side")
        try commit("s1", at: 1_000_100)
        try sandbox.git("checkout", "-q", "main")
        try commit("c2", at: 1_000_200)
        try sandbox.git("checkout", "-q", "side")
        try commit("s2", at: 1_000_300)
        try sandbox.git("checkout", "-q", "main")
        let merge = Process()
        merge.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        merge.arguments = ["merge", "-q", "--no-ff", "-m", "merge side", "side"]
        merge.currentDirectoryURL = sandbox.root
        merge.environment = ProcessInfo.processInfo.environment.merging(["GIT_COMMITTER_DATE": "@1000400 +0000", "GIT_AUTHOR_DATE": "@1000400 +0000"]) { $1 }
        try merge.run()
        merge.waitUntilExit()
        #expect(merge.terminationStatus == 0)
        try commit("c3", at: 1_000_500)
        let repository = try GitRepository.open(containing: sandbox.root.path)
        let head = try repository.resolveCommit("HEAD")
        let gitLog = try sandbox.git("log", "--format=%H").split(separator: "\n").map(String.init)
        #expect(gitLog.count == 6)
        #expect(try repository.history(from: head, order: .time).map(\.hex) == gitLog)
        #expect(try repository.history(from: head, limit: 3, order: .time).map(\.hex) == Array(gitLog.prefix(3)))
        // The topological order keeps every parent after its children.
        let topological = try repository.history(from: head).map(\.hex)
        #expect(Set(topological) == Set(gitLog))
        for id in topological {
            let position = topological.firstIndex(of: id)!
            for parent in try repository.commit(try repository.resolveCommit(id)).parents {
                #expect(topological.firstIndex(of: parent.hex)! > position)
            }
        }
    }
    @Test func opensFromASubfolderAndResolvesRevisions() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.write("models/model.txt", "v1")
        let first = try sandbox.commit("first model")
        try sandbox.write("models/model.txt", "v2")
        let second = try sandbox.commit("second model\n\nlonger body")
        let repository = try GitRepository.open(containing: sandbox.root.appendingPathComponent("models").path)
        #expect(repository.workTree.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == sandbox.root.standardizedFileURL.path)
        #expect(try repository.resolveCommit("HEAD").hex == second)
        #expect(try repository.resolveCommit("HEAD~1").hex == first)
        #expect(try repository.resolveCommit(String(first.prefix(8))).hex == first)
        let commit = try repository.commit(try repository.resolveCommit("HEAD"))
        #expect(commit.summary == "second model")
        #expect(commit.parents.map(\.hex) == [first])
        #expect(commit.authorEmail == "test@example.com")
        #expect(try repository.history(from: try repository.resolveCommit("HEAD")).map(\.hex) == [second, first])
        #expect(throws: GitError.self) { try repository.resolveCommit("no-such-branch") }
        do {
            _ = try repository.resolveCommit("no-such-branch")
        } catch {
            #expect(error.isNotFound)
            #expect(error.description.contains("no-such-branch"))
        }
    }

    @Test func readsFilesAtCommitsAndListsChangedPaths() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.write("models/model.txt", "v1")
        try sandbox.write("README", "hello")
        let first = try #require(GitObjectID(hex: try sandbox.commit("one")))
        try sandbox.write("models/model.txt", "v2")
        try sandbox.write(".easeml.yml", "condition: n > 0.5 +/- 0.1\n")
        let second = try #require(GitObjectID(hex: try sandbox.commit("two")))
        let repository = try GitRepository.open(containing: sandbox.root.path)
        #expect(try repository.contents(of: "models/model.txt", at: first) == Data("v1".utf8))
        #expect(try repository.contents(of: "models/model.txt", at: second) == Data("v2".utf8))
        #expect(try repository.contents(of: ".easeml.yml", at: first) == nil)
        #expect(try repository.contents(of: "models", at: first) == nil)
        #expect(try repository.changedPaths(from: first, to: second) == [".easeml.yml", "models/model.txt"])
        #expect(try repository.changedPaths(from: nil, to: first) == ["README", "models/model.txt"])
    }

    @Test func exportsATreeWithoutTouchingTheWorkTree() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.write("models/model.txt", "v1")
        let first = try #require(GitObjectID(hex: try sandbox.commit("one")))
        try sandbox.write("models/model.txt", "v2 uncommitted")
        let repository = try GitRepository.open(containing: sandbox.root.path)
        let target = sandbox.root.deletingLastPathComponent().appendingPathComponent("export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: target) }
        try repository.exportTree(of: first, to: target.path)
        #expect(try String(contentsOf: target.appendingPathComponent("models/model.txt"), encoding: .utf8) == "v1")
        #expect(try String(contentsOf: sandbox.root.appendingPathComponent("models/model.txt"), encoding: .utf8) == "v2 uncommitted")
        #expect(try sandbox.git("status", "--porcelain") == "M models/model.txt")
    }

    @Test func notesAreReadableWithPlainGit() throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        try sandbox.write("a", "1")
        let id = try #require(GitObjectID(hex: try sandbox.commit("one")))
        let repository = try GitRepository.open(containing: sandbox.root.path)
        #expect(try repository.note(for: id) == nil)
        try repository.setNote("verdict: pass\nstep: 1\n", for: id)
        #expect(try repository.note(for: id) == "verdict: pass\nstep: 1\n")
        #expect(try sandbox.git("notes", "--ref=easeml", "show", id.hex) == "verdict: pass\nstep: 1")
        try repository.setNote("verdict: fail\n", for: id)
        #expect(try repository.note(for: id) == "verdict: fail\n")
    }

    @Test func openingOutsideARepositoryFailsWithLibgit2sMessage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: GitError.self) { try GitRepository.open(containing: folder.path) }
    }
}
