import EaseMLGit

extension Workspace {
    /// The branch HEAD is on in the workspace's repository, or nil (detached, or no repository).
    public func currentBranch() -> String? {
        (try? GitRepository.open(containing: directory.path))?.currentBranch()
    }

    /// The full id of `revision` in the workspace's repository.
    public func resolveCommit(_ revision: String) throws(EaseMLCIError) -> String {
        do { return try GitRepository.open(containing: directory.path).resolveCommit(revision).hex } catch { throw .git(error.description) }
    }
}
