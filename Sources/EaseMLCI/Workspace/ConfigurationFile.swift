import EaseMLCore
import Foundation

/// Finds and loads `.easeml.yml`: the only place `EaseMLCI` reads configuration from disk.
public enum ConfigurationFile {
    /// The file names looked for, in order.
    public static let names = [".easeml.yml", ".easeml.yaml"]

    /// The first configuration file in `directory` or one of its parents, or `nil`.
    public static func locate(from directory: URL) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            for name in names {
                let candidate = current.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// Reads and validates the configuration at `url`. Diagnostics name the path as given.
    public static func load(_ url: URL, displayPath: String? = nil) throws(EaseMLCIError) -> EaseMLConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadableFile(path: url.path, reason: error.localizedDescription)
        }
        do {
            return try ConfigLoader(parseCondition: { text in try ConditionParser.parse(text) })
                .load(contentsOf: text, file: displayPath ?? url.path)
        } catch {
            throw .configuration(error)
        }
    }

    /// Parses a condition given on the command line.
    public static func parseCondition(_ text: String) throws(EaseMLCIError) -> Condition {
        do {
            return try ConditionParser.parse(text)
        } catch {
            throw .condition(error)
        }
    }
}
