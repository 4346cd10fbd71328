import CGit2
import CGitStartup
import Foundation

/// A git repository opened through libgit2. Not thread-safe: use one instance per thread.
///
/// Everything the gate needs is here — resolving revisions, walking history, reading a file at a
/// commit, the paths two commits differ in, exporting a commit's tree to a folder, and notes —
/// without shelling out to `git`, so the pre-commit hook's fast path stays fast.
public final class GitRepository {
    let pointer: OpaquePointer

    /// The `.git` folder.
    public let gitDirectory: String
    /// The work tree, or `nil` for a bare repository.
    public let workTree: String?

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
        gitDirectory = String(cString: git_repository_path(pointer))
        workTree = git_repository_workdir(pointer).map { String(cString: $0) }
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository containing `path` (any subfolder works, like `git` itself).
    public static func open(containing path: String) throws(GitError) -> GitRepository {
        GitRuntime.start()
        var repository: OpaquePointer?
        try GitError.check(git_repository_open_ext(&repository, path, 0, nil), "open a repository at \(path)")
        return GitRepository(pointer: repository!)
    }

    /// Resolves a revision (`HEAD`, `main~2`, a hash prefix, a tag) to the commit it names.
    public func resolveCommit(_ revision: String) throws(GitError) -> GitObjectID {
        var object: OpaquePointer?
        try GitError.check(git_revparse_single(&object, pointer, revision), "resolve '\(revision)'")
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        try GitError.check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), "resolve '\(revision)' to a commit")
        defer { git_object_free(commit) }
        return GitObjectID(git_object_id(commit).pointee)
    }

    /// The short name of the branch HEAD points to (`main`) — also before its first commit — or
    /// `nil` when HEAD is detached.
    public func currentBranch() -> String? {
        var head: OpaquePointer?
        guard git_reference_lookup(&head, pointer, "HEAD") == 0, let head else { return nil }
        defer { git_reference_free(head) }
        guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(head) else { return nil }
        let name = String(cString: target)
        return name.hasPrefix("refs/heads/") ? String(name.dropFirst("refs/heads/".count)) : nil
    }

    /// The commit `id`.
    public func commit(_ id: GitObjectID) throws(GitError) -> GitCommit {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        let parents = (0..<git_commit_parentcount(commit)).map { GitObjectID(git_commit_parent_id(commit, $0).pointee) }
        let author = git_commit_author(commit)!.pointee
        let message = git_commit_message(commit).map { String(cString: $0) } ?? ""
        return GitCommit(
            id: id, parents: parents, summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
            message: message, authorName: String(cString: author.name), authorEmail: String(cString: author.email),
            time: Date(timeIntervalSince1970: TimeInterval(git_commit_time(commit))))
    }

    /// The order of `history`.
    public enum HistoryOrder: Sendable {
        /// No parent before its children, then newest first: `git rev-list --topo-order`. The
        /// walk visits every reachable commit before it yields the first.
        case topological
        /// Newest commit time first, as `git log` lists: without `hiding` the walk yields as it
        /// goes, so the first `limit` commits cost O(limit) reads however long the history.
        case time
    }

    /// The commits reachable from `start` but not from `hiding`, newest first, at most `limit`:
    /// `git rev-list hiding..start`, in `order`.
    public func history(
        from start: GitObjectID, hiding: GitObjectID? = nil, limit: Int = .max, order: HistoryOrder = .topological
    ) throws(GitError) -> [GitObjectID] {
        if order == .time, hiding == nil { return try newestFirst(from: start, limit: limit) }
        var walker: OpaquePointer?
        try GitError.check(git_revwalk_new(&walker, pointer), "walk the history")
        defer { git_revwalk_free(walker) }
        switch order {
        case .topological: git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
        case .time: git_revwalk_sorting(walker, GIT_SORT_TIME.rawValue)
        }
        var oid = start.oid
        try GitError.check(git_revwalk_push(walker, &oid), "walk from \(start.abbreviated())")
        if let hiding {
            var hidden = hiding.oid
            try GitError.check(git_revwalk_hide(walker, &hidden), "walk without \(hiding.abbreviated())")
        }
        var result: [GitObjectID] = []
        var next = git_oid()
        while result.count < limit {
            let status = git_revwalk_next(&next, walker)
            if status == GIT_ITEROVER.rawValue { break }
            try GitError.check(status, "walk the history")
            result.append(GitObjectID(next))
        }
        return result
    }

    /// `git log`'s walk: the newest pending commit (by commit time, the first queued on a tie) is
    /// yielded and its unseen parents queued, until `limit` are out. libgit2's time-sorted walk
    /// reads the whole history before yielding; this one reads `limit` commits and their parents.
    private func newestFirst(from start: GitObjectID, limit: Int) throws(GitError) -> [GitObjectID] {
        struct Pending {
            var time: Int64
            var sequence: Int
            var id: GitObjectID
        }
        var pending: [Pending] = []
        var seen: Set<GitObjectID> = [start]
        var sequence = 0
        func enqueue(_ id: GitObjectID) throws(GitError) {
            let commit = try lookupCommit(id)
            defer { git_commit_free(commit) }
            pending.append(Pending(time: git_commit_time(commit), sequence: sequence, id: id))
            sequence += 1
        }
        try enqueue(start)
        var result: [GitObjectID] = []
        while result.count < limit, !pending.isEmpty {
            // The frontier is as wide as the branches in flight: a linear scan beats a heap here.
            var newest = 0
            for i in pending.indices.dropFirst()
            where (pending[i].time, -pending[i].sequence) > (pending[newest].time, -pending[newest].sequence) {
                newest = i
            }
            let id = pending.remove(at: newest).id
            result.append(id)
            guard result.count < limit else { break }
            let commit = try lookupCommit(id)
            let parents = (0..<git_commit_parentcount(commit)).map { GitObjectID(git_commit_parent_id(commit, $0).pointee) }
            git_commit_free(commit)
            for parent in parents where seen.insert(parent).inserted { try enqueue(parent) }
        }
        return result
    }

    /// The bytes of `path` (relative to the repository root) at commit `id`, or `nil` if absent.
    public func contents(of path: String, at id: GitObjectID) throws(GitError) -> Data? {
        let tree = try commitTree(id)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let status = git_tree_entry_bypath(&entry, tree, path)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(status, "find \(path) at \(id.abbreviated())")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return try blobContents(git_tree_entry_id(entry).pointee, "read \(path) at \(id.abbreviated())")
    }

    /// The paths that differ between the trees of `old` (or the empty tree when `nil`) and `new`,
    /// both sides of renames included, sorted.
    public func changedPaths(from old: GitObjectID?, to new: GitObjectID) throws(GitError) -> [String] {
        let newTree = try commitTree(new)
        defer { git_tree_free(newTree) }
        var oldTree: OpaquePointer?
        if let old { oldTree = try commitTree(old) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        var diff: OpaquePointer?
        try GitError.check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, nil), "diff \(old?.abbreviated() ?? "empty") and \(new.abbreviated())")
        defer { git_diff_free(diff) }
        return Self.paths(in: diff)
    }

    /// Writes the tree of commit `id` into `directory` (created if needed), like a clean checkout,
    /// without touching the repository's index, HEAD or work tree.
    public func exportTree(of id: GitObjectID, to directory: String) throws(GitError) {
        let tree = try commitTree(id)
        defer { git_tree_free(tree) }
        var options = git_checkout_options()
        try GitError.check(git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION)), "prepare a checkout")
        options.checkout_strategy = GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue
        let status = directory.withCString { path in
            options.target_directory = path
            return git_checkout_tree(pointer, tree, &options)
        }
        try GitError.check(status, "export \(id.abbreviated()) to \(directory)")
    }

    /// The paths staged in the index that differ from HEAD's tree (every indexed path when HEAD
    /// is unborn), sorted: what the next commit would change.
    ///
    /// `indexFile` is the index git is committing when it is not the repository's own: git sets
    /// `GIT_INDEX_FILE` to a temporary index for `commit -a`, `commit <paths>`, `--only` and
    /// `--include`, and a hook that read `.git/index` would check something else than the commit.
    public func stagedPaths(indexFile: String? = nil) throws(GitError) -> [String] {
        var headTree: OpaquePointer?
        if let head = try? resolveCommit("HEAD") { headTree = try commitTree(head) }
        defer { if let headTree { git_tree_free(headTree) } }
        let index = try openIndex(indexFile)
        defer { git_index_free(index) }
        var diff: OpaquePointer?
        try GitError.check(git_diff_tree_to_index(&diff, pointer, headTree, index, nil), "diff HEAD and the index")
        defer { git_diff_free(diff) }
        return Self.paths(in: diff)
    }

    /// The index at `indexFile`, else the repository's.
    private func openIndex(_ indexFile: String?) throws(GitError) -> OpaquePointer {
        var index: OpaquePointer?
        if let indexFile {
            try GitError.check(git_index_open(&index, indexFile), "open the index \(indexFile)")
        } else {
            try GitError.check(git_repository_index(&index, pointer), "open the index")
        }
        return index!
    }

    /// Every path a diff touches (old and new names of renames), sorted, each once.
    private static func paths(in diff: OpaquePointer?) -> [String] {
        var paths = Set<String>()
        for index in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
            if let path = delta.old_file.path { paths.insert(String(cString: path)) }
            if let path = delta.new_file.path { paths.insert(String(cString: path)) }
        }
        return paths.sorted()
    }

    /// The staged (index) version of `path`, or `nil` when it is not in the index (`indexFile`:
    /// as in `stagedPaths`).
    public func stagedContents(of path: String, indexFile: String? = nil) throws(GitError) -> Data? {
        let index = try openIndex(indexFile)
        defer { git_index_free(index) }
        guard let entry = git_index_get_bypath(index, path, 0) else { return nil }
        return try blobContents(entry.pointee.id, "read the staged \(path)")
    }

    private func blobContents(_ id: git_oid, _ operation: String) throws(GitError) -> Data {
        var blob: OpaquePointer?
        var oid = id
        try GitError.check(git_blob_lookup(&blob, pointer, &oid), operation)
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return Data() }
        return Data(bytes: raw, count: size)
    }

    /// A string value of the repository's configuration (`core.hooksPath`), or `nil` when unset.
    public func configValue(_ name: String) -> String? {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0 else { return nil }
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        guard git_config_get_string(&value, config, name) == 0, let value else { return nil }
        return String(cString: value)
    }

    /// `start` and its first parents, newest first, at most `limit`: the line of a branch.
    public func firstParentHistory(from start: GitObjectID, limit: Int = .max) throws(GitError) -> [GitObjectID] {
        var result: [GitObjectID] = []
        var next: GitObjectID? = start
        while let id = next, result.count < limit {
            result.append(id)
            let commit = try lookupCommit(id)
            next = git_commit_parentcount(commit) > 0 ? GitObjectID(git_commit_parent_id(commit, 0).pointee) : nil
            git_commit_free(commit)
        }
        return result
    }

    /// Whether `ancestor` is reachable from `descendant` (or equal to it).
    public func isAncestor(_ ancestor: GitObjectID, of descendant: GitObjectID) -> Bool {
        if ancestor == descendant { return true }
        var a = ancestor.oid
        var d = descendant.oid
        return git_graph_descendant_of(pointer, &d, &a) == 1
    }

    /// The note attached to `id` under `notesRef`, or `nil`.
    public func note(for id: GitObjectID, notesRef: String = GitRepository.easemlNotesRef) throws(GitError) -> String? {
        var note: OpaquePointer?
        var oid = id.oid
        let status = git_note_read(&note, pointer, notesRef, &oid)
        if status == GIT_ENOTFOUND.rawValue { return nil }
        try GitError.check(status, "read the note of \(id.abbreviated())")
        defer { git_note_free(note) }
        return git_note_message(note).map { String(cString: $0) }
    }

    /// Attaches `message` to `id` under `notesRef`, replacing an existing note.
    public func setNote(_ message: String, for id: GitObjectID, notesRef: String = GitRepository.easemlNotesRef) throws(GitError) {
        let signature = try defaultSignature()
        defer { git_signature_free(signature) }
        var created = git_oid()
        var oid = id.oid
        try GitError.check(
            git_note_create(&created, pointer, notesRef, signature, signature, &oid, message, 1),
            "write the note of \(id.abbreviated())")
    }

    /// Creates a commit whose tree holds the single file `name` with `contents`, on top of
    /// `parent` (none for the first), and points `ref` at it. Returns the new commit.
    public func commitSingleFile(
        named name: String, contents: Data, parent: GitObjectID?, message: String, ref: String
    ) throws(GitError) -> GitObjectID {
        try commit(files: [(name, contents)], treeOf: nil, parent: parent, message: message, ref: ref)
    }

    /// Creates a commit on top of `base` whose tree is `base`'s with the top-level file `name` set to
    /// `contents`, and points `ref` at it. Neither the index nor the working tree is touched.
    public func commitFile(
        named name: String, contents: Data, onTopOf base: GitObjectID, message: String, ref: String
    ) throws(GitError) -> GitObjectID {
        try commit(files: [(name, contents)], treeOf: base, parent: base, message: message, ref: ref)
    }

    /// Creates a commit on top of `base` whose tree is `base`'s with each file (a path such as
    /// `model/automl-model.pkl`, folders made as needed) set to its contents, and points `ref` at
    /// it. Neither the index nor the working tree is touched.
    public func commitFiles(
        _ files: [(path: String, contents: Data)], onTopOf base: GitObjectID, message: String, ref: String
    ) throws(GitError) -> GitObjectID {
        try commit(files: files, treeOf: base, parent: base, message: message, ref: ref)
    }

    /// Commits the tree of `treeSource` (empty when `nil`) with each file set to its contents, on
    /// top of `parent`, and points `ref` at the new commit.
    private func commit(
        files: [(path: String, contents: Data)], treeOf treeSource: GitObjectID?, parent: GitObjectID?, message: String, ref: String
    ) throws(GitError) -> GitObjectID {
        var baseTree: OpaquePointer?
        if let treeSource {
            baseTree = try commitTree(treeSource)
        } else {
            var builder: OpaquePointer?
            try GitError.check(git_treebuilder_new(&builder, pointer, nil), "build a tree")
            defer { git_treebuilder_free(builder) }
            var empty = git_oid()
            try GitError.check(git_treebuilder_write(&empty, builder), "write a tree")
            try GitError.check(git_tree_lookup(&baseTree, pointer, &empty), "read the empty tree")
        }
        defer { git_tree_free(baseTree) }
        var blobs: [git_oid] = []
        for file in files {
            var blob = git_oid()
            let written = file.contents.withUnsafeBytes { git_blob_create_from_buffer(&blob, pointer, $0.baseAddress, $0.count) }
            try GitError.check(written, "store \(file.path)")
            blobs.append(blob)
        }
        let paths = files.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var updates = zip(blobs, paths).map { blob, path in
            git_tree_update(action: GIT_TREE_UPDATE_UPSERT, id: blob, filemode: GIT_FILEMODE_BLOB, path: path)
        }
        var treeID = git_oid()
        try GitError.check(
            git_tree_create_updated(&treeID, pointer, baseTree, updates.count, &updates),
            "add \(files.map(\.path).joined(separator: ", ")) to a tree")
        var tree: OpaquePointer?
        try GitError.check(git_tree_lookup(&tree, pointer, &treeID), "read the new tree")
        defer { git_tree_free(tree) }
        let signature = try defaultSignature()
        defer { git_signature_free(signature) }
        var parentCommit: OpaquePointer?
        if let parent { parentCommit = try lookupCommit(parent) }
        defer { if let parentCommit { git_commit_free(parentCommit) } }
        var commitID = git_oid()
        var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
        let created = parents.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&commitID, pointer, nil, signature, signature, nil, message, tree, buffer.count, buffer.baseAddress)
        }
        try GitError.check(created, "commit \(files.map(\.path).joined(separator: ", "))")
        var reference: OpaquePointer?
        try GitError.check(git_reference_create(&reference, pointer, ref, &commitID, 1, message), "update \(ref)")
        git_reference_free(reference)
        return GitObjectID(commitID)
    }

    /// The commit `ref` points to, or `nil` when the ref does not exist.
    public func referenceTarget(_ ref: String) -> GitObjectID? {
        var oid = git_oid()
        guard git_reference_name_to_id(&oid, pointer, ref) == 0 else { return nil }
        return GitObjectID(oid)
    }

    /// The notes ref the gate writes verdicts to.
    public static let easemlNotesRef = "refs/notes/easeml"

    private func defaultSignature() throws(GitError) -> UnsafeMutablePointer<git_signature> {
        var signature: UnsafeMutablePointer<git_signature>?
        if git_signature_default(&signature, pointer) == 0, let signature { return signature }
        try GitError.check(git_signature_now(&signature, "easeml-ci", "easeml-ci@localhost"), "make a signature")
        return signature!
    }

    private func lookupCommit(_ id: GitObjectID) throws(GitError) -> OpaquePointer {
        var commit: OpaquePointer?
        var oid = id.oid
        try GitError.check(git_commit_lookup(&commit, pointer, &oid), "find commit \(id.abbreviated())")
        return commit!
    }

    private func commitTree(_ id: GitObjectID) throws(GitError) -> OpaquePointer {
        let commit = try lookupCommit(id)
        defer { git_commit_free(commit) }
        var tree: OpaquePointer?
        try GitError.check(git_commit_tree(&tree, commit), "read the tree of \(id.abbreviated())")
        return tree!
    }
}

/// libgit2's process-wide initialisation, done once on first use — without the parse of the
/// system's CA bundle that its TLS set-up would make (`easeml_git_defer_ca_bundle`): libgit2 reads
/// local repositories here and never opens a connection.
enum GitRuntime {
    private static let started: Bool = {
        easeml_git_defer_ca_bundle(1)
        defer { easeml_git_defer_ca_bundle(0) }
        return git_libgit2_init() > 0
    }()

    static func start() { _ = started }

    /// How many CA bundle loads the initialisation skipped (one on a libgit2 built with mbedtls).
    static var skippedCertificateLoads: Int { Int(easeml_git_deferred_ca_loads()) }
}
