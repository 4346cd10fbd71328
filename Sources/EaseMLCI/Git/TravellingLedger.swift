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

    public var remote: String
    /// A folder inside the repository's work tree.
    public var directory: String
    public var ledgerPath: String
    /// How many times a lost race is retried.
    public var attempts: Int

    public init(remote: String, directory: String, ledgerPath: String, attempts: Int = 8) {
        self.remote = remote
        self.directory = directory
        self.ledgerPath = ledgerPath
        self.attempts = attempts
    }

    /// Fetches the remote ledger and replaces the local file with it. Returns the fetched commit,
    /// or `nil` when the remote has no ledger yet (the local file is then left as it is).
    @discardableResult
    public func pull() throws(EaseMLCIError) -> GitObjectID? {
        let fetch = try git(["fetch", "--quiet", remote, "+\(Self.ref):\(Self.fetchedRef)"], name: "fetch")
        guard fetch.status == 0 else {
            if fetch.stderr.contains("couldn't find remote ref") { return nil }
            throw .git("cannot fetch the ledger from \(remote): \(fetch.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        do {
            let repository = try GitRepository.open(containing: directory)
            guard let commit = repository.referenceTarget(Self.fetchedRef),
                let contents = try repository.contents(of: Self.fileName, at: commit)
            else {
                throw EaseMLCIError.git("\(Self.ref) at \(remote) holds no \(Self.fileName)")
            }
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
        if push.status == 0 { return true }
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

    private func replaceLocalFile(with contents: Data) throws(EaseMLCIError) {
        let folder = URL(fileURLWithPath: ledgerPath).deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .unwritableFile(path: folder.path, reason: error.localizedDescription)
        }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledgerPath + suffix) }
        try AtomicFile.write(contents, to: ledgerPath)
    }

    private func git(_ arguments: [String], name: String) throws(EaseMLCIError) -> Subprocess.Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-ci-git-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
            throw .unwritableFile(path: scratch.path, reason: error.localizedDescription)
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        return try Subprocess.run(
            ["/usr/bin/env", "git", "-C", directory] + arguments, environment: ProcessInfo.processInfo.environment,
            scratch: scratch, name: name)
    }
}
