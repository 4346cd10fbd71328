#if canImport(Glibc)
import Glibc
#endif

/// Decides whether a commit is a CI candidate: it changes a model path (a glob from `models:`,
/// matched with `fnmatch(3)`; `dir/` or `dir/**` matches everything below `dir`) or the
/// configuration file itself.
public struct ModelPathMatcher: Sendable, Hashable {
    public var patterns: [String]
    /// The configuration file's path relative to the repository root.
    public var configurationPath: String

    public init(patterns: [String], configurationPath: String = ".easeml.yml") {
        self.patterns = patterns
        self.configurationPath = configurationPath
    }

    /// The changed paths that make the commit a candidate (empty: not a candidate).
    public func relevantPaths(among changed: [String]) -> [String] {
        changed.filter { path in path == configurationPath || patterns.contains { matches($0, path) } }
    }

    /// A `models:` entry as it is matched: without a leading `./` and a trailing `/**` or `/`.
    static func normalized(_ pattern: String) -> String {
        var pattern = pattern
        if pattern.hasPrefix("./") { pattern.removeFirst(2) }
        if pattern.hasSuffix("/**") { pattern.removeLast(3) }
        if pattern.hasSuffix("/") { pattern.removeLast() }
        return pattern
    }

    private func matches(_ pattern: String, _ path: String) -> Bool {
        let pattern = Self.normalized(pattern)
        if path == pattern || path.hasPrefix(pattern + "/") { return true }
        return fnmatch(pattern, path, 0) == 0
    }
}
