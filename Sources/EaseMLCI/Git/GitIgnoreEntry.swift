import Foundation

/// One pattern of a `.gitignore`, added when absent (`automl init` and `automl run` keep their
/// trial folders, `.easeml/`, out of commits).
public struct GitIgnoreEntry: Sendable {
    public var pattern: String

    public init(pattern: String) {
        self.pattern = pattern
    }

    /// Appends the pattern to `<folder>/.gitignore` (created if needed) unless a line already says
    /// it (with or without a leading or trailing `/`); returns the file's path when it was added.
    public func ensure(in folder: String) throws(EaseMLCIError) -> String? {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(".gitignore").path
        let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let bare = pattern.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let present = existing.split(whereSeparator: \.isNewline).contains { line in
            line.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "/")) == bare
        }
        guard !present else { return nil }
        let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        try AtomicFile.write(Data((existing + separator + pattern + "\n").utf8), to: path)
        return path
    }
}
