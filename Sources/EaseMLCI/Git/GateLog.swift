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
        /// Whether the note is the gate's: `verified` (its MAC is the owner's key's, or the ledger
        /// agrees with it), `forged` (it is not: never trust it) or `unverified` (neither the key
        /// nor a ledger that knows its position is at hand).
        public var authenticity: NoteAuthenticity?
    }

    public enum NoteAuthenticity: String, Sendable, Codable { case verified, forged, unverified }

    /// How far a note can be trusted, with the key if given, else against the ledger if given.
    public static func authenticity(of note: VerdictNote, commit: String, key: SealingKey?, ledger: Ledger?) -> NoteAuthenticity {
        if let key { return note.verify(key: key, commit: commit) ? .verified : .forged }
        guard let ledger else { return .unverified }
        switch note.check(against: ledger, commit: commit) {
        case true?: return .verified
        case false?: return .forged
        case nil: return note.commit == nil ? .forged : .unverified
        }
    }

    public var entries: [Entry]

    /// The newest `limit` commits reachable from `revision` (commit time order, as `git log`), with
    /// their verdict notes, each checked
    /// with the workspace's key, else against its ledger when that file exists.
    public static func read(in workspace: Workspace, revision: String, limit: Int) throws(EaseMLCIError) -> GateLog {
        let key = try workspace.key()
        let ledger = key == nil ? try? workspace.existingLedger() : nil
        do {
            let repository = try GitRepository.open(containing: workspace.directory.path)
            let start = try repository.resolveCommit(revision)
            var entries: [Entry] = []
            // Time order, as `git log`: the first `limit` commits without walking the rest.
            for id in try repository.history(from: start, limit: limit, order: .time) {
                let commit = try repository.commit(id)
                let note = try repository.note(for: id).flatMap(VerdictNote.init(parsing:))
                entries.append(Entry(
                    commit: id.hex, summary: commit.summary, time: commit.time, note: note,
                    authenticity: note.map { authenticity(of: $0, commit: id.hex, key: key, ledger: ledger ?? nil) }))
            }
            return GateLog(entries: entries)
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
    }

    public func text() -> String {
        var table = TextTable(header: ["commit", "verdict", "step", "left", "summary"], leftColumns: 2, alsoLeft: [4])
        for entry in entries {
            let note = entry.note
            table.rows.append([
                String(entry.commit.prefix(7)),
                note.map { $0.verdict.uppercased() + (entry.authenticity == .forged ? " (FORGED: not the gate's)" : entry.authenticity == .unverified ? " (unverified)" : "") } ?? "·",
                note?.step.map(String.init) ?? "", note?.stepsLeft.map(String.init) ?? "", entry.summary,
            ])
        }
        return table.render()
    }
}
