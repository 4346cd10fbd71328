import EaseMLEngines
import EaseMLLedger
import Foundation

/// `easeml-ci clean`: CPClean over a training file with missing cells (empty or NaN) and a complete
/// validation file. Each row with missing cells gets candidate repairs (built in — mean, median,
/// min, max, grid25, grid75, knn5 — or supplied by the user); a validation prediction is *certain*
/// when the KNN classifier predicts the same label whichever candidates are true. `next` ranks the
/// dirty rows by the expected drop of the uncertain points' prediction entropy, `apply` records the
/// person's cleaned rows, `status` counts certain predictions. When every prediction is certain,
/// further cleaning cannot change validation accuracy.
///
/// The session lives in the ledger (schema version 4), keyed by its id: its inputs once, then each
/// batch of cleaned rows in one transaction, so a killed command leaves it before or after a
/// batch and the next command resumes; everything else is recomputed deterministically from the files.
public struct CleaningSession: Sendable {
    /// The inputs of a new session (used only when the ledger has no session with the id yet).
    public struct Start: Sendable {
        public var training: String
        public var validation: String
        public var labelsColumn: String?
        public var k: Int
        public var scaling: String
        public var candidates: String?

        public init(training: String, validation: String, labelsColumn: String?, k: Int, scaling: String, candidates: String?) {
            self.training = training
            self.validation = validation
            self.labelsColumn = labelsColumn
            self.k = k
            self.scaling = scaling
            self.candidates = candidates
        }

        func agrees(with settings: CleaningSettings) -> Bool {
            training == settings.training && validation == settings.validation && k == settings.k && labelsColumn == settings.labelsColumn
                && scaling == settings.scaling && candidates == settings.candidates
        }
    }

    /// The session's id in the ledger.
    public let id: String
    public let settings: CleaningSettings
    public let inputs: CleaningInputs
    public private(set) var engine: CPClean
    /// Rows cleaned so far, in order.
    public private(set) var cleaned: [CleanedRowRecord]

    /// Feature column names of the training file (`column N` without a header).
    public var featureNames: [String] { inputs.featureNames }

    /// Opens session `id` of `ledger`, or starts it from `start` when the ledger has none with that
    /// id. With an existing session, `start` must be `nil` or agree with it.
    /// The session `id` in the workspace's ledger; with `start`, a new session is created (and the
    /// ledger with it) unless one exists. Without `start` and without a ledger, the error says how
    /// to start one.
    public static func open(in workspace: Workspace, id: String, start: Start?) throws(EaseMLCIError) -> (session: CleaningSession, ledger: Ledger) {
        let ledger = try workspace.sessionLedger(create: start != nil) { path in
            .cleaning(message: "no cleaning session \(id): no ledger at \(path); start one with --train FILE --valid FILE")
        }
        return (try open(ledger: ledger, id: id, start: start), ledger)
    }

    public static func open(ledger: Ledger, id: String, start: Start?) throws(EaseMLCIError) -> CleaningSession {
        if let record = try ledgerCall({ () throws(LedgerError) in try ledger.cleaningSession(id: id) }) {
            guard record.kind == .clean else { throw .cleaning(message: "session \(id) is an `improve` session; use `easeml-ci improve`") }
            let settings = try CleaningSettings.decode(record.settings, session: id)
            if let start, !start.agrees(with: settings) {
                throw .cleaning(message: "session \(id) has other inputs (training \(settings.training), validation \(settings.validation), K \(settings.k), scaling \(settings.scaling)); pass another --session or omit the inputs")
            }
            return try CleaningSession(id: id, settings: settings, cleaned: record.cleaned)
        }
        guard let start else {
            throw .cleaning(message: "no cleaning session \(id) in \(ledger.path); start one with --train FILE --valid FILE (a JSON state file of an earlier easeml-ci is imported with `easeml-ci clean import FILE`)")
        }
        guard start.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        let settings = CleaningSettings(
            training: start.training, validation: start.validation, trainingHash: try ContentHash.ofFile(start.training),
            labelsColumn: start.labelsColumn, k: start.k, scaling: start.scaling, candidates: start.candidates)
        let session = try CleaningSession(id: id, settings: settings, cleaned: [])
        let text = try settings.json()
        try ledgerCall { () throws(LedgerError) in try ledger.createCleaningSession(id: id, kind: .clean, settings: text) }
        return session
    }

    /// Turns a JSON state file of an earlier easeml-ci into session `id` (which must not exist),
    /// with the same inputs and cleaned rows, in one transaction.
    public static func importState(_ path: String, ledger: Ledger, id: String) throws(EaseMLCIError) -> CleaningSession {
        let state = try CleaningState.load(path)
        guard try ledgerCall({ () throws(LedgerError) in try ledger.cleaningSession(id: id) }) == nil else {
            throw .cleaning(message: "the ledger already has a session \(id); import into another --session")
        }
        var session = try CleaningSession(id: id, settings: state.settings, cleaned: [])
        if !state.cleaned.isEmpty { try session.check(state.cleanedRecords.map { ($0.row, $0.values) }, file: path) }
        let text = try state.settings.json()
        try ledgerCall { () throws(LedgerError) in
            try ledger.createCleaningSession(id: id, kind: .clean, settings: text, cleaned: state.cleanedRecords)
        }
        for row in state.cleanedRecords { session.engine.clean(row: row.row, value: session.inputs.scaled(row.values)) }
        session.cleaned = state.cleanedRecords
        return session
    }

    private init(id: String, settings: CleaningSettings, cleaned: [CleanedRowRecord]) throws(EaseMLCIError) {
        self.id = id
        self.settings = settings
        inputs = try settings.inputs()
        var candidates = inputs.candidates
        for row in cleaned { candidates[row.row] = [inputs.scaled(row.values)] }
        engine = CPClean(
            candidates: candidates, labels: inputs.labels, classCount: inputs.classNames.count, validation: inputs.validation, k: settings.k)
        self.cleaned = cleaned
    }

    /// Counts of the current state.
    public var status: CleaningStatus {
        let certain = engine.certainLabels.enumerated().filter { $0.element != nil }
        return CleaningStatus(
            k: settings.k, validationPoints: engine.certainLabels.count, certain: certain.count,
            certainCorrect: certain.count { inputs.validationLabels[$0.offset] == $0.element },
            dirtyRows: engine.dirtyRows.count, cleanedRows: cleaned.map(\.row), uncertainPoints: engine.uncertainPoints)
    }

    /// The `batch` rows to clean now, best first: the highest expected entropy drops of the current
    /// state (a batch is not re-planned between its rows, since that needs the person's answers).
    /// Empty when every validation prediction is certain.
    public func next(batch: Int) -> [CleaningSuggestion] {
        guard !engine.isComplete else { return [] }
        return engine.gains().prefix(max(batch, 0)).map { gain in
            CleaningSuggestion(
                row: gain.row, gain: gain.gain, influencedPoints: gain.influencedPoints,
                missingColumns: inputs.missingColumns[gain.row].map { featureNames[$0] })
        }
    }

    /// Records the cleaned rows of `file` (see `RowValuesFile`) in the ledger; each must be a row
    /// with missing cells not cleaned before. All or nothing: on any error nothing is recorded.
    @discardableResult
    public mutating func apply(file: String, ledger: Ledger) throws(EaseMLCIError) -> [Int] {
        let rows = try RowValuesFile.read(file, featureCount: featureNames.count)
        try check(rows, file: file)
        let records = rows.map { CleanedRowRecord(row: $0.row, values: $0.values) }
        let id = self.id
        try ledgerCall { () throws(LedgerError) in try ledger.recordCleanedRows(session: id, records) }
        for (row, values) in rows { engine.clean(row: row, value: inputs.scaled(values)) }
        cleaned += records
        return rows.map(\.row)
    }

    private func check(_ rows: [(row: Int, values: [Double])], file: String) throws(EaseMLCIError) {
        var seen = Set(cleaned.map(\.row))
        guard !rows.isEmpty else { throw .cleaning(message: "\(file) holds no rows") }
        for (row, _) in rows {
            try inputs.checkDirty(row: row, file: file)
            guard seen.insert(row).inserted else { throw .cleaning(message: "\(file): row \(row) is already cleaned") }
        }
    }
}

/// Runs a ledger call, mapping its error.
@discardableResult
func ledgerCall<T>(_ body: () throws(LedgerError) -> T) throws(EaseMLCIError) -> T {
    do { return try body() } catch { throw .ledger(error) }
}

/// How far cleaning has got.
public struct CleaningStatus: Sendable, Encodable, Equatable {
    public var k: Int
    public var validationPoints: Int
    /// Validation predictions that are the same in every possible repair.
    public var certain: Int
    /// Certain predictions that equal the validation label.
    public var certainCorrect: Int
    /// Rows with more than one candidate left.
    public var dirtyRows: Int
    /// Rows cleaned so far, in order.
    public var cleanedRows: [Int]
    /// Validation points (0-based data rows) whose prediction is not certain.
    public var uncertainPoints: [Int]

    /// True when further cleaning cannot change validation accuracy.
    public var complete: Bool { certain == validationPoints }

    enum CodingKeys: String, CodingKey { case k, validationPoints, certain, certainCorrect, dirtyRows, cleanedRows, uncertainPoints, complete }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(k, forKey: .k)
        try container.encode(validationPoints, forKey: .validationPoints)
        try container.encode(certain, forKey: .certain)
        try container.encode(certainCorrect, forKey: .certainCorrect)
        try container.encode(dirtyRows, forKey: .dirtyRows)
        try container.encode(cleanedRows, forKey: .cleanedRows)
        try container.encode(uncertainPoints, forKey: .uncertainPoints)
        try container.encode(complete, forKey: .complete)
    }

    public func text() -> String {
        var lines = ["\(certain) of \(validationPoints) validation predictions are certain (K = \(k)); \(dirtyRows) rows still have candidate repairs, \(cleanedRows.count) cleaned."]
        if complete {
            lines.append("Every validation prediction is certain: further cleaning cannot change validation accuracy (\(certainCorrect) of \(validationPoints) correct).")
        } else {
            let shown = uncertainPoints.prefix(10).map(String.init).joined(separator: ", ") + (uncertainPoints.count > 10 ? ", …" : "")
            lines.append("Not yet certain: validation rows \(shown). Run `easeml-ci clean next` for the rows to clean.")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// One row to clean and why.
public struct CleaningSuggestion: Sendable, Codable, Equatable {
    /// 0-based data row of the training file.
    public var row: Int
    /// Expected drop of the prediction entropy (nats), averaged over the uncertain validation points.
    public var gain: Double
    /// Uncertain validation points whose prediction the row can change.
    public var influencedPoints: Int
    /// The row's missing columns.
    public var missingColumns: [String]

    /// A table of suggestions.
    public static func text(_ suggestions: [CleaningSuggestion], status: CleaningStatus) -> String {
        guard !suggestions.isEmpty else { return status.text() }
        var out = "Clean these rows (fill their missing cells), best first; the gain is the expected drop of prediction entropy (nats) over the \(status.uncertainPoints.count) uncertain validation points:\n"
        out += "rank  row  gain      points  missing\n"
        for (rank, s) in suggestions.enumerated() {
            let rankText = String(rank + 1).padding(toLength: 6, withPad: " ", startingAt: 0)
            let rowText = String(s.row).padding(toLength: 5, withPad: " ", startingAt: 0)
            let gainText = String(format: "%.6f", s.gain).padding(toLength: 10, withPad: " ", startingAt: 0)
            let pointsText = String(s.influencedPoints).padding(toLength: 8, withPad: " ", startingAt: 0)
            out += rankText + rowText + gainText + pointsText + s.missingColumns.joined(separator: ", ") + "\n"
        }
        out += "Then record them with `easeml-ci clean apply FILE` (a CSV: row, then every feature column).\n"
        return out + status.text()
    }
}
