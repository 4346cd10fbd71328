import EaseMLGit
import EaseMLLedger
import Foundation

/// Where a candidate sits, for choosing its old model (DESIGN §7): the old model is the last model
/// accepted among the candidate's **first-parent ancestors** on the target branch — never a model
/// accepted on another branch, nor one accepted later in history.
///
/// `commits` is the line to search, newest first: for a commit, its first parent and that
/// parent's first parents (a pull request's merge commit thus searches the target branch); for a
/// working tree, HEAD and its first parents. The newest acceptance recorded at the nearest commit
/// of that line wins. When none is, the owner's baseline for the target branch (`baseline set`
/// without a commit) is the old model; a commit accepted without a position falls back the same way.
public struct BaselineLineage: Sendable, Equatable {
    /// Full commit ids, newest first.
    public var commits: [String]
    /// The branch the candidate targets.
    public var branch: String?

    public init(commits: [String], branch: String?) {
        self.commits = commits
        self.branch = branch
    }

    /// How far back the line is searched.
    public static let depth = 10_000

    /// The target branch: `explicit` (`--branch`), else the platforms' merge-request targets
    /// (`GITHUB_BASE_REF`, `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`), else the branch HEAD is on.
    public static func targetBranch(explicit: String?, environment: [String: String], repository: GitRepository?) -> String? {
        if let explicit, !explicit.isEmpty { return explicit }
        for name in ["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return repository?.currentBranch()
    }

    /// The line of a commit being judged: its first parent onwards.
    public static func ofCommit(_ commit: GitCommit, in repository: GitRepository, branch: String?) throws(GitError) -> BaselineLineage {
        let line = try commit.parents.first.map { (parent) throws(GitError) in try repository.firstParentHistory(from: parent, limit: depth) } ?? []
        return BaselineLineage(commits: line.map(\.hex), branch: branch)
    }

    /// The line of a working tree: HEAD onwards (empty without a repository or a first commit).
    public static func ofWorkTree(in directory: String, branch explicit: String?, environment: [String: String]) -> BaselineLineage {
        guard let repository = try? GitRepository.open(containing: directory) else { return BaselineLineage(commits: [], branch: explicit) }
        let branch = targetBranch(explicit: explicit, environment: environment, repository: repository)
        guard let head = try? repository.resolveCommit("HEAD"), let line = try? repository.firstParentHistory(from: head, limit: depth) else {
            return BaselineLineage(commits: [], branch: branch)
        }
        return BaselineLineage(commits: line.map(\.hex), branch: branch)
    }

    /// The old model among `accepted` (one test set's acceptances, oldest first).
    public func select(from accepted: [AcceptedModel]) -> AcceptedModel? {
        var newestAt: [String: AcceptedModel] = [:]
        for model in accepted { if let commit = model.commitID { newestAt[commit] = model } }
        for commit in commits { if let model = newestAt[commit] { return model } }
        return accepted.last { $0.commitID == nil && $0.branch == branch }
    }
}
