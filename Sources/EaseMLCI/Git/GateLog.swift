import EaseMLGit
import Foundation

/// `easeml-ci log`: the gate's history of a branch, read from the commits' notes, like `git log`.
public struct GateLog: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public var commit: String
        public var summary: String
        public var time: Date
        /// The note's verdict, or `nil` when the commit was never evaluated.
        public var note: VerdictNote?
    }

    public var entries: [Entry]

    /// The last `limit` commits reachable from `revision`, with their verdict notes.
    public static func read(in directory: String, revision: String, limit: Int) throws(EaseMLCIError) -> GateLog {
        do {
            let repository = try GitRepository.open(containing: directory)
            let start = try repository.resolveCommit(revision)
            var entries: [Entry] = []
            for id in try repository.history(from: start, limit: limit) {
                let commit = try repository.commit(id)
                entries.append(Entry(
                    commit: id.hex, summary: commit.summary, time: commit.time,
                    note: try repository.note(for: id).flatMap(VerdictNote.init(parsing:))))
            }
            return GateLog(entries: entries)
        } catch {
            throw .git(error.description)
        }
    }

    public func text() -> String {
        var table = TextTable(header: ["commit", "verdict", "step", "left", "summary"], leftColumns: 2, alsoLeft: [4])
        for entry in entries {
            let note = entry.note
            table.rows.append([
                String(entry.commit.prefix(7)), note.map { $0.verdict.uppercased() } ?? "·",
                note?.step.map(String.init) ?? "", note?.stepsLeft.map(String.init) ?? "", entry.summary,
            ])
        }
        return table.render()
    }
}
