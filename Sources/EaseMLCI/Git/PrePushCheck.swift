import EaseMLGit
import Foundation

/// The pre-push hook: the real check, on the hidden test set, of every candidate commit being
/// pushed (oldest first), reading git's pre-push protocol on standard input:
/// `<local ref> <local sha> <remote ref> <remote sha>` per line. Commits that already carry a
/// verdict note are not evaluated again. The push is blocked when any candidate fails or the test
/// set refuses.
public struct PrePushCheck {
    public struct Report: Sendable, Codable {
        public var checked: [CommitCheck.Outcome]
        /// Commits skipped because they already have a verdict note, with that verdict.
        public var alreadyJudged: [String: String]
        public var blocked: Bool
    }

    public init() {}

    /// The pushed ranges: git's pre-push lines, or, when there are none, the range the pre-commit
    /// framework passes in `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF`.
    public static func updates(standardInput: String, environment: [String: String]) -> String {
        if standardInput.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
            let to = environment["PRE_COMMIT_TO_REF"], let from = environment["PRE_COMMIT_FROM_REF"]
        {
            return "HEAD \(to) HEAD \(from)\n"
        }
        return standardInput
    }

    /// The lines the hook prints on standard error.
    public static func lines(_ report: Report) -> [String] {
        var lines = report.checked.map { outcome in
            "\(outcome.commit.prefix(7)) " + (outcome.gate.map(CheckSummary.line) ?? "PASS  no model change")
        }
        for (commit, verdict) in report.alreadyJudged.sorted(by: { $0.key < $1.key }) {
            lines.append("\(commit.prefix(7)) \(verdict.uppercased()) (already judged)")
        }
        if report.blocked { lines.append("push blocked: a model commit does not pass the gate") }
        return lines
    }

    private static let zero = String(repeating: "0", count: 40)

    public func run(in workspace: Workspace, updates: String) throws(EaseMLCIError) -> Report {
        let directory = workspace.directory.path
        let commits: [GitObjectID]
        let repository: GitRepository
        do {
            repository = try GitRepository.open(containing: directory)
            commits = try pushedCommits(updates, repository)
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
        var report = Report(checked: [], alreadyJudged: [:], blocked: false)
        let key = try workspace.key()
        for id in commits {
            // Only the gate's own notes count: a hand-written one (no valid MAC) is ignored and
            // the commit is checked for real.
            if let note = try? repository.note(for: id).flatMap(VerdictNote.init(parsing:)), let key, note.verify(key: key, commit: id.hex) {
                report.alreadyJudged[id.hex] = note.verdict
                if note.verdict == "fail" { report.blocked = true }
                continue
            }
            let outcome = try CommitCheck(revision: id.hex, branch: nil).run(in: workspace)
            report.checked.append(outcome)
            if outcome.exitStatus != .success { report.blocked = true }
        }
        return report
    }

    /// The commits each update adds, oldest first, without duplicates.
    private func pushedCommits(_ updates: String, _ repository: GitRepository) throws -> [GitObjectID] {
        var result: [GitObjectID] = []
        var seen = Set<GitObjectID>()
        for line in updates.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 4, fields[1] != Self.zero else { continue }
            let local = try GitObjectID(hex: fields[1]) ?? repository.resolveCommit(fields[1])
            let remote = fields[3] == Self.zero ? nil : try GitObjectID(hex: fields[3]) ?? repository.resolveCommit(fields[3])
            var added: [GitObjectID] = []
            for id in try repository.history(from: local, limit: 1000) {
                if let remote, repository.isAncestor(id, of: remote) { break }
                added.append(id)
            }
            for id in added.reversed() where seen.insert(id).inserted { result.append(id) }
        }
        return result
    }
}
