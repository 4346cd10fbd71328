import Foundation

/// What `easeml-ci` needs to know about a commit.
public struct GitCommit: Sendable, Hashable {
    public var id: GitObjectID
    public var parents: [GitObjectID]
    /// The first line of the message.
    public var summary: String
    public var message: String
    public var authorName: String
    public var authorEmail: String
    /// Commit time (committer), to the second.
    public var time: Date
}
