import EaseMLLedger
import Foundation

/// The JSON state file of a cleaning session written by easeml-ci before cleaning sessions moved
/// into the ledger (format version 1). Read only, by `easeml-ci clean import`, which turns it into
/// a ledger session with the same inputs and cleaned rows.
public struct CleaningState: Sendable, Codable, Equatable {
    /// One row the person has cleaned, in the training file's units.
    public struct CleanedRow: Sendable, Codable, Equatable {
        /// 0-based data row of the training file.
        public var row: Int
        public var values: [Double]
    }

    /// Format version of this file.
    public var version = 1
    public var training: String
    public var validation: String
    public var trainingHash: String
    public var labelsColumn: String?
    public var k: Int
    public var scaling: String
    public var candidates: String?
    public var cleaned: [CleanedRow] = []

    /// Reads a state file.
    public static func load(_ path: String) throws(EaseMLCIError) -> CleaningState {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        do {
            let state = try JSONDecoder().decode(CleaningState.self, from: data)
            guard state.version == 1 else {
                throw EaseMLCIError.cleaning(message: "\(path) has state version \(state.version); this easeml-ci imports version 1")
            }
            return state
        } catch {
            throw .wrapping(error) { .cleaning(message: "\(path) is not a cleaning state file: \($0)") }
        }
    }

    /// The session's settings.
    public var settings: CleaningSettings {
        CleaningSettings(
            training: training, validation: validation, trainingHash: trainingHash, labelsColumn: labelsColumn, k: k, scaling: scaling,
            candidates: candidates)
    }

    /// The cleaned rows as ledger records.
    public var cleanedRecords: [CleanedRowRecord] { cleaned.map { CleanedRowRecord(row: $0.row, values: $0.values) } }
}
