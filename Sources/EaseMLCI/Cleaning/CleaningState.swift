import Foundation

/// The resumable state of a cleaning session (`easeml-ci clean`), kept as a JSON file beside the
/// data and rewritten atomically after every change.
///
/// The candidate repairs are not stored: they are rebuilt deterministically from the training file,
/// whose SHA-256 is recorded so that a changed file is refused instead of silently mixing states.
public struct CleaningState: Sendable, Codable, Equatable {
    /// One row the person has cleaned, in the training file's units.
    public struct CleanedRow: Sendable, Codable, Equatable {
        /// 0-based data row of the training file.
        public var row: Int
        public var values: [Double]
    }

    /// Format version of this file.
    public var version = 1
    /// Training CSV (missing cells empty or NaN), as given.
    public var training: String
    /// Validation CSV (complete).
    public var validation: String
    /// SHA-256 of the training file when the session started.
    public var trainingHash: String
    /// The label column's header, or `nil` for the last column.
    public var labelsColumn: String?
    /// K of the KNN classifier.
    public var k: Int
    /// `none` or `minmax` (each column scaled by the min and max of its observed training cells).
    public var scaling: String
    /// Optional user-supplied candidates file (`row` then feature columns, one candidate per line).
    public var candidates: String?
    /// Rows cleaned so far, in order.
    public var cleaned: [CleanedRow] = []

    /// Reads a state file.
    public static func load(_ path: String) throws(EaseMLCIError) -> CleaningState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        do {
            let state = try JSONDecoder().decode(CleaningState.self, from: data)
            guard state.version == 1 else {
                throw EaseMLCIError.cleaning(message: "\(path) has state version \(state.version); this easeml-ci reads version 1")
            }
            return state
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .cleaning(message: "\(path) is not a cleaning state file: \(error)")
        }
    }

    /// Writes the state atomically (readers see the old or the new file, never a partial one).
    public func save(_ path: String) throws(EaseMLCIError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw .unwritableFile(path: path, reason: "\(error)") }
        try AtomicFile.write(data + Data("\n".utf8), to: path)
    }
}
