import Foundation

/// The inputs of a cleaning session, stored once in the ledger (`cleaning_sessions.settings`, as
/// canonical JSON). The candidate repairs are not stored: they are rebuilt deterministically from
/// the training file, whose SHA-256 is recorded so that a changed file is refused instead of
/// silently mixing states.
public struct CleaningSettings: Sendable, Codable, Equatable {
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

    public init(training: String, validation: String, trainingHash: String, labelsColumn: String?, k: Int, scaling: String, candidates: String?) {
        self.training = training
        self.validation = validation
        self.trainingHash = trainingHash
        self.labelsColumn = labelsColumn
        self.k = k
        self.scaling = scaling
        self.candidates = candidates
    }

    /// Reads the files, checking the training file still has the recorded hash.
    public func inputs() throws(EaseMLCIError) -> CleaningInputs {
        guard try ContentHash.ofFile(training) == trainingHash else {
            throw .cleaning(message: "\(training) changed since the session started; start a new session (another --session)")
        }
        return try CleaningInputs(training: training, validation: validation, labelsColumn: labelsColumn, scaling: scaling, candidates: candidates)
    }

    /// Canonical JSON text (sorted keys), as stored.
    public func json() throws(EaseMLCIError) -> String { try SessionJSON.encode(self) }

    /// Reads stored settings.
    public static func decode(_ text: String, session: String) throws(EaseMLCIError) -> CleaningSettings {
        try SessionJSON.decode(text, session: session)
    }
}

/// Canonical JSON of a session's settings (sorted keys, no whitespace).
enum SessionJSON {
    static func encode<T: Encodable>(_ value: T) throws(EaseMLCIError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw .cleaning(message: "cannot encode the session settings: \(error)")
        }
    }

    static func decode<T: Decodable>(_ text: String, session: String) throws(EaseMLCIError) -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw .cleaning(message: "session \(session) has settings this easeml-ci cannot read: \(error)")
        }
    }
}
