import EaseMLGit
import Foundation

/// The pre-push hook, judging a push the way CI judges it: by the **newest model commit** of each
/// pushed range (git's pre-push lines on standard input, `<local ref> <local sha> <remote ref>
/// <remote sha>`).
///
/// - Commits from before the gate (no `.easeml.yml`) and commits that change no registered model
///   path nor `.easeml.yml` are not candidates: a first push of a long history passes.
/// - Only the newest candidate of a range is judged, and only if it has no authentic verdict note
///   yet: that is the one charge a push costs. An older FAIL in the range does not block once a
///   newer model commit is pushed on top of it.
/// - The push is blocked when that newest candidate fails, is refused, or cannot be judged; the
///   message says how to proceed.
public struct PrePushCheck {
    public struct Report: Sendable, Codable {
        public var checked: [CommitCheck.Outcome]
        /// Newest candidates skipped because they already have an authentic verdict note, with it.
        public var alreadyJudged: [String: String]
        /// The newest candidate of each range, when it fails or was refused (what blocks the push).
        public var blocking: [String]
        public var blocked: Bool { !blocking.isEmpty }

        enum CodingKeys: String, CodingKey { case checked, alreadyJudged, blocking, blocked }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(checked, forKey: .checked)
            try container.encode(alreadyJudged, forKey: .alreadyJudged)
            try container.encode(blocking, forKey: .blocking)
            try container.encode(blocked, forKey: .blocked)
        }

        public init(checked: [CommitCheck.Outcome], alreadyJudged: [String: String], blocking: [String]) {
            self.checked = checked
            self.alreadyJudged = alreadyJudged
            self.blocking = blocking
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            checked = try container.decode([CommitCheck.Outcome].self, forKey: .checked)
            alreadyJudged = try container.decode([String: String].self, forKey: .alreadyJudged)
            blocking = try container.decode([String].self, forKey: .blocking)
        }
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
            "\(outcome.commit.prefix(7)) " + (outcome.gate.map { CheckSummary.line($0) + ($0.message.map { ": " + $0 } ?? "") } ?? "PASS  no model change")
        }
        for (commit, verdict) in report.alreadyJudged.sorted(by: { $0.key < $1.key }) {
            lines.append("\(commit.prefix(7)) \(verdict.uppercased()) (already judged)")
        }
        for commit in report.blocking {
            lines.append(
                "push blocked: \(commit.prefix(7)), the newest model commit you are pushing, does not pass the gate. "
                    + "Commit a model that passes on top of it and push again (the gate judges the newest model commit of a push, "
                    + "so this one will not block you then). `git push --no-verify` skips this hook, but CI judges the pushed tip all the same.")
        }
        return lines
    }

    private static let zero = String(repeating: "0", count: 40)

    public func run(in workspace: Workspace, updates: String) throws(EaseMLCIError) -> Report {
        let ranges: [[GitObjectID]]
        let repository: GitRepository
        do {
            repository = try GitRepository.open(containing: workspace.directory.path)
            ranges = try pushedRanges(updates, repository)
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
        var report = Report(checked: [], alreadyJudged: [:], blocking: [])
        let key = try workspace.key()
        // The registered model paths, read once (a travelling ledger is fetched once for this).
        var registered: GateQuestion?
        for range in ranges {
            // The newest candidate, searched newest first without charging anything.
            var newest: GitObjectID?
            for id in range {
                do {
                    // History from before the gate (no .easeml.yml) is no candidate, whatever it changes.
                    guard try repository.contents(of: ".easeml.yml", at: id) != nil else { continue }
                    if registered == nil { registered = try Self.registeredQuestion(workspace) }
                    let commit = try repository.commit(id)
                    let changed = try repository.changedPaths(from: commit.parents.first, to: id)
                    if !CommitCheck.relevantPaths(among: changed, registered: registered!).isEmpty {
                        newest = id
                        break
                    }
                } catch {
                    throw .wrapping(error) { .git("\($0)") }
                }
            }
            guard let id = newest else { continue }
            // Only the gate's own notes count: a hand-written one (no valid MAC) is ignored and
            // the commit is judged for real.
            if let note = try? repository.note(for: id).flatMap(VerdictNote.init(parsing:)), let key, note.verify(key: key, commit: id.hex) {
                report.alreadyJudged[id.hex] = note.verdict
                if note.verdict == "fail" || note.verdict == "refused" { report.blocking.append(id.hex) }
                continue
            }
            let outcome = try CommitCheck(revision: id.hex, branch: nil).run(in: workspace)
            report.checked.append(outcome)
            if outcome.exitStatus != .success { report.blocking.append(id.hex) }
        }
        return report
    }

    /// The question of the newest usable test set in the workspace's ledger.
    static func registeredQuestion(_ workspace: Workspace) throws(EaseMLCIError) -> GateQuestion {
        try workspace.charging { (ledger) throws(EaseMLCIError) -> (result: GateQuestion, charged: Bool) in
            (try GateCheck.registeredQuestion(try GateCheck.selectTestSet(nil, in: ledger)), false)
        }
    }

    /// The commits each update adds, newest first, one list per update.
    private func pushedRanges(_ updates: String, _ repository: GitRepository) throws -> [[GitObjectID]] {
        var result: [[GitObjectID]] = []
        for line in updates.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 4, fields[1] != Self.zero else { continue }
            let local = try GitObjectID(hex: fields[1]) ?? repository.resolveCommit(fields[1])
            let remote = fields[3] == Self.zero ? nil : try GitObjectID(hex: fields[3]) ?? repository.resolveCommit(fields[3])
            // The remote's commit may be unknown here (someone else pushed it): then everything counts.
            let hidden = remote.flatMap { (try? repository.commit($0)) != nil ? $0 : nil }
            result.append(try repository.history(from: local, hiding: hidden))
        }
        return result
    }
}
