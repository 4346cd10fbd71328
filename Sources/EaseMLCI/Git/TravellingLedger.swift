import EaseMLGit
import EaseMLLedger
import Foundation

/// A ledger that travels with the repository (DESIGN §7), for CI runners that start empty.
///
/// The ledger file is the single blob of the commits on `refs/easeml/ledger` at a git remote. A
/// charge is only final once its snapshot is pushed as a fast-forward of the commit it started
/// from: two runners racing for the same step cannot both push, the loser re-fetches, rebuilds
/// its local file from the winner's and tries again (and then usually finds the step gone). The
/// verdict is revealed only after the push succeeded, so charge-before-reveal holds globally.
///
/// Building the snapshot commit uses libgit2; fetch and push run the `git` command, because they
/// need the user's transports and credentials (ssh agent, credential helpers) exactly as `git`
/// has them configured, which libgit2 cannot reuse.
public struct TravellingLedger {
    public static let ref = "refs/easeml/ledger"
    static let fetchedRef = "refs/easeml/ledger-fetched"
    static let fileName = "ledger.sqlite"

    static let fetchedNotesRef = "refs/easeml/notes-fetched"
    /// Where a fetch lands before it is checked.
    static let incomingRef = "refs/easeml/ledger-incoming"
    /// The newest ledger commit this clone has accepted from the remote or pushed to it: a fetched
    /// ledger must descend from it.
    static let seenRef = "refs/easeml/ledger-seen"

    public var remote: String
    /// A folder inside the repository's work tree.
    public var directory: String
    public var ledgerPath: String
    /// How many times a lost race is retried.
    public var attempts: Int
    /// The owner's key: with it, the verdict notes on the branch (whose MACs it checks) say how far
    /// the ledger had got, and a fetched ledger behind them is refused.
    public var key: SealingKey?

    public init(remote: String, directory: String, ledgerPath: String, attempts: Int = 8, key: SealingKey? = nil) {
        self.remote = remote
        self.directory = directory
        self.ledgerPath = ledgerPath
        self.attempts = attempts
        self.key = key
    }

    /// Fetches the remote ledger and replaces the local file with it. Returns the fetched commit,
    /// or `nil` when the remote has no ledger yet (the local file is then left as it is).
    ///
    /// A fetched ledger that is older than what this clone has seen is refused, nothing replaced:
    /// it must descend from the ledger commit last fetched or pushed here (`seenRef`), and, with
    /// the owner's key, contain the event the newest authentic verdict note on the checked-out
    /// history names (a force-pushed older ledger ref would otherwise reset the budget).
    @discardableResult
    public func pull() throws(EaseMLCIError) -> GitObjectID? {
        _ = try git(["fetch", "--quiet", remote, "+\(GitRepository.easemlNotesRef):\(Self.fetchedNotesRef)"], name: "fetch notes")
        let previous = (try? GitRepository.open(containing: directory))?.referenceTarget(Self.seenRef)
        let fetch = try git(["fetch", "--quiet", remote, "+\(Self.ref):\(Self.incomingRef)"], name: "fetch")
        guard fetch.status == 0 else {
            if fetch.stderr.contains("couldn't find remote ref") {
                // No ledger at the remote: fine for a new one, a rollback if a verdict was given.
                if let repository = try? GitRepository.open(containing: directory), let (commit, seq) = newestAuthenticNote(repository) {
                    throw .ledgerNotTrusted(
                        "\(remote) has no ledger (\(Self.ref)), but the verdict note on commit \(commit.abbreviated()) records event \(seq): the ledger was deleted; nothing was charged. Protect \(Self.ref) (README, threat model)")
                }
                return nil
            }
            throw .git("cannot fetch the ledger from \(remote): \(fetch.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        do {
            let repository = try GitRepository.open(containing: directory)
            guard let commit = repository.referenceTarget(Self.incomingRef),
                let contents = try repository.contents(of: Self.fileName, at: commit)
            else {
                throw EaseMLCIError.git("\(Self.ref) at \(remote) holds no \(Self.fileName)")
            }
            try refuseRollback(contents, commit: commit, previous: previous, repository: repository)
            // Only a fetch that passed becomes the base of the next push and the state seen.
            _ = try git(["update-ref", Self.fetchedRef, commit.hex], name: "update-ref")
            _ = try git(["update-ref", Self.seenRef, commit.hex], name: "update-ref")
            try replaceLocalFile(with: contents)
            return commit
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
    }

    /// Pushes a snapshot of `ledger` as a fast-forward of `base`. Returns false when the remote
    /// moved on (another runner won the race): nothing was published.
    public func push(_ ledger: Ledger, base: GitObjectID?, message: String) throws(EaseMLCIError) -> Bool {
        let snapshot = URL(fileURLWithPath: ledgerPath).deletingLastPathComponent()
            .appendingPathComponent(".ledger-snapshot-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: snapshot) }
        do { try ledger.snapshot(to: snapshot.path) } catch { throw .ledger(error) }
        guard let contents = FileManager.default.contents(atPath: snapshot.path) else {
            throw .unreadableFile(path: snapshot.path, reason: "the ledger snapshot was not written")
        }
        do {
            let repository = try GitRepository.open(containing: directory)
            _ = try repository.commitSingleFile(named: Self.fileName, contents: contents, parent: base, message: message, ref: Self.ref)
        } catch {
            throw .git(error.description)
        }
        let push = try git(["push", "--quiet", "--porcelain", remote, "\(Self.ref):\(Self.ref)"], name: "push")
        if push.status == 0 {
            _ = try git(["update-ref", Self.seenRef, Self.ref], name: "update-ref")
            return true
        }
        let text = push.stdout + push.stderr
        if text.contains("rejected") || text.contains("non-fast-forward") || text.contains("fetch first") || text.contains("stale info") {
            return false
        }
        throw .git("cannot push the ledger to \(remote): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// Runs `body` against a fresh copy of the remote ledger and publishes the result, retrying
    /// lost races; `body` returns its result and whether it changed the ledger (only then is
    /// anything pushed). Nothing `body` returns should be revealed before this returns.
    public func updating<T>(
        message: String, _ body: (Ledger) throws(EaseMLCIError) -> (result: T, changed: Bool)
    ) throws(EaseMLCIError) -> T {
        for attempt in 1...attempts {
            let base = try pull()
            let ledger = try LedgerLocation.open(ledgerPath, create: true)
            let (result, changed) = try body(ledger)
            guard changed else { return result }
            if try push(ledger, base: base, message: message) { return result }
            if attempt < attempts { usleep(UInt32.random(in: 10_000...100_000)) }
        }
        throw .git("lost the race for the ledger at \(remote) \(attempts) times; try again")
    }

    /// One evaluation through `updating`: charged answers are published before they are returned.
    public func charging(_ body: (Ledger) throws(EaseMLCIError) -> GateCheck.Outcome) throws(EaseMLCIError) -> GateCheck.Outcome {
        try updating(message: "easeml-ci: a charged evaluation") { (ledger) throws(EaseMLCIError) in
            let outcome = try body(ledger)
            return (outcome, outcome.answer != .refused && !outcome.replay)
        }
    }

    /// Publishes the local ledger, which must extend the remote one (every remote event is in it,
    /// unchanged); otherwise nothing is pushed and the error says to pull first.
    public func publishLocal() throws(EaseMLCIError) {
        let local = try LedgerLocation.open(ledgerPath, create: false)
        let fetch = try git(["fetch", "--quiet", remote, "+\(Self.ref):\(Self.fetchedRef)"], name: "fetch")
        var base: GitObjectID?
        if fetch.status == 0 {
            do {
                let repository = try GitRepository.open(containing: directory)
                base = repository.referenceTarget(Self.fetchedRef)
                if let base, let contents = try repository.contents(of: Self.fileName, at: base) {
                    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-remote-\(UUID().uuidString).sqlite")
                    defer { try? FileManager.default.removeItem(at: copy) }
                    try contents.write(to: copy)
                    let remoteEvents = try Ledger.open(at: copy.path, create: false).events()
                    let localEvents = try local.events()
                    guard remoteEvents.count <= localEvents.count,
                        zip(remoteEvents, localEvents).allSatisfy({ $0.hash == $1.hash })
                    else {
                        throw EaseMLCIError.git("the local ledger does not extend the one at \(remote): run `easeml-ci ledger pull` first (local changes since the last pull are then replaced)")
                    }
                }
            } catch let error as EaseMLCIError {
                throw error
            } catch {
                throw .git("\(error)")
            }
        } else if !fetch.stderr.contains("couldn't find remote ref") {
            throw .git("cannot fetch the ledger from \(remote): \(fetch.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard try push(local, base: base, message: "easeml-ci: ledger push") else {
            throw .git("the ledger at \(remote) moved while pushing; run `easeml-ci ledger pull`, then try again")
        }
    }

    /// Throws `.ledgerNotTrusted` when the fetched ledger is older than one already seen, naming
    /// both positions: the ledger ref only ever moves by fast-forward pushes, so a fetched commit
    /// that does not descend from the previously fetched one was force-pushed back; and, with the
    /// owner's key, the newest authentic verdict note on the history names an event (seq and hash)
    /// the fetched ledger must contain.
    private func refuseRollback(_ contents: Data, commit: GitObjectID, previous: GitObjectID?, repository: GitRepository) throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-fetched-\(UUID().uuidString).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy.path + suffix) }
        }
        try contents.write(to: copy)
        let fetched = try Ledger.open(at: copy.path, create: false).events()
        let head = fetched.last.map { "event \($0.seq), head \($0.hash.prefix(12))" } ?? "no events"
        if let previous, previous != commit, !repository.isAncestor(previous, of: commit) {
            throw EaseMLCIError.ledgerNotTrusted(
                "the ledger at \(remote) (commit \(commit.abbreviated()), \(head)) does not extend the one fetched before (commit \(previous.abbreviated())): \(Self.ref) was force-pushed back; nothing was charged. Protect \(Self.ref) against force pushes (README, threat model)")
        }
        // The newest authentic note decides: older ones name earlier events.
        guard let (id, note) = newestAuthenticNoteWithPosition(repository), let seq = note.ledgerEvent, let hash = note.ledgerHead else { return }
        guard fetched.first(where: { $0.seq == seq })?.hash == hash else {
            throw EaseMLCIError.ledgerNotTrusted(
                "the ledger at \(remote) (\(head)) is behind the verdict note on commit \(id.abbreviated()), which records event \(seq) (head \(hash.prefix(12))): it was rolled back; nothing was charged. Protect \(Self.ref) against force pushes (README, threat model)")
        }
    }

    /// The newest commit on the checked-out history (up to 1,000 back) with a verdict note whose MAC
    /// is the owner's key's and that names a ledger position, from the local or the fetched notes.
    private func newestAuthenticNoteWithPosition(_ repository: GitRepository) -> (GitObjectID, VerdictNote)? {
        guard let key, let tip = repository.referenceTarget("HEAD"), let history = try? repository.history(from: tip, limit: 1000) else { return nil }
        for id in history {
            for ref in [GitRepository.easemlNotesRef, Self.fetchedNotesRef] {
                guard let text = try? repository.note(for: id, notesRef: ref), let note = VerdictNote(parsing: text),
                    note.verify(key: key, commit: id.hex), note.ledgerEvent != nil
                else { continue }
                return (id, note)
            }
        }
        return nil
    }

    private func newestAuthenticNote(_ repository: GitRepository) -> (GitObjectID, Int64)? {
        newestAuthenticNoteWithPosition(repository).flatMap { id, note in note.ledgerEvent.map { (id, $0) } }
    }

    private func replaceLocalFile(with contents: Data) throws(EaseMLCIError) {
        let folder = URL(fileURLWithPath: ledgerPath).deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .unwritableFile(path: folder.path, reason: error.localizedDescription)
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledgerPath + suffix) }
        try AtomicFile.write(contents, to: ledgerPath)
    }

    private func git(_ arguments: [String], name: String) throws(EaseMLCIError) -> Subprocess.Result {
        let scratch = try ScratchFolder.make("git")
        defer { try? FileManager.default.removeItem(at: scratch) }
        // The owner's side: git runs on the owner's behalf and keeps the whole environment, for the
        // credential helpers, ssh agent and tokens its fetch and push need. No repository code runs
        // here (hooks do not run on fetch; a push runs the owner's clone's pre-push hook only).
        return try Subprocess.run(
            ["/usr/bin/env", "git", "-C", directory] + arguments, environment: ProcessInfo.processInfo.environment,
            scratch: scratch, name: name)
    }
}
