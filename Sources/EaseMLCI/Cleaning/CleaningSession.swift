import EaseMLEngines
import Foundation

/// `easeml-ci clean`: CPClean over a training file with missing cells (empty or NaN) and a complete
/// validation file. Each row with missing cells gets candidate repairs (built in — mean, median,
/// min, max, grid25, grid75, knn5 — or supplied by the user); a validation prediction is *certain*
/// when the KNN classifier predicts the same label whichever candidates are true. `next` ranks the
/// dirty rows by the expected drop of the uncertain points' prediction entropy, `apply` records the
/// person's cleaned rows, `status` counts certain predictions. When every prediction is certain,
/// further cleaning cannot change validation accuracy.
///
/// The session is resumable: its state file records the inputs and the cleaned rows; everything
/// else is recomputed deterministically from the files.
public struct CleaningSession: Sendable {
    /// The inputs of a new session (used only when the state file does not exist yet).
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
    }

    /// Where the state lives.
    public let statePath: String
    public private(set) var state: CleaningState
    public private(set) var engine: CPClean
    /// Feature column names of the training file (`column N` without a header).
    public let featureNames: [String]
    /// Missing columns of each training row (0-based).
    public let missingColumns: [[Int]]
    private let validationLabels: [Int]
    private let low: [Double]
    private let range: [Double]

    /// Opens the session in `statePath`, or starts one from `start` when the file does not exist
    /// (and writes it). With an existing state, `start` must be `nil` or agree with it.
    public static func open(statePath: String, start: Start?) throws(EaseMLCIError) -> CleaningSession {
        let state: CleaningState
        if FileManager.default.fileExists(atPath: statePath) {
            state = try CleaningState.load(statePath)
            if let start {
                guard start.training == state.training, start.validation == state.validation, start.k == state.k,
                    start.labelsColumn == state.labelsColumn, start.scaling == state.scaling, start.candidates == state.candidates
                else {
                    throw .cleaning(message: "\(statePath) holds a session with other inputs (training \(state.training), validation \(state.validation), K \(state.k), scaling \(state.scaling)); pass another --state or omit the inputs")
                }
            }
        } else {
            guard let start else {
                throw .cleaning(message: "no cleaning session in \(statePath); start one with --train FILE --valid FILE")
            }
            guard start.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
            guard ["none", "minmax"].contains(start.scaling) else {
                throw .invalidOption(option: "--scale", message: "expected none or minmax, got '\(start.scaling)'")
            }
            state = CleaningState(
                training: start.training, validation: start.validation, trainingHash: try ContentHash.ofFile(start.training),
                labelsColumn: start.labelsColumn, k: start.k, scaling: start.scaling, candidates: start.candidates)
        }
        let session = try CleaningSession(statePath: statePath, state: state)
        if !FileManager.default.fileExists(atPath: statePath) { try state.save(statePath) }
        return session
    }

    private init(statePath: String, state: CleaningState) throws(EaseMLCIError) {
        self.statePath = statePath
        self.state = state
        guard try ContentHash.ofFile(state.training) == state.trainingHash else {
            throw .cleaning(message: "\(state.training) changed since the session started; start a new session (another --state)")
        }
        let labels: CSVMatrixReader.LabelsColumn = state.labelsColumn.map { .named($0) } ?? .last
        let train: LabeledMatrix
        let valid: LabeledMatrix
        do {
            train = try IncompleteTableReader.readLabeled(try Self.text(state.training), file: state.training, labels: labels)
            valid = try CSVMatrixReader.readLabeled(try Self.text(state.validation), file: state.validation, labels: labels)
        } catch let error as MatrixFileError {
            throw .matrixFile(error)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .cleaning(message: "\(error)")
        }
        let columns = train.features.columns
        guard valid.features.columns == columns else {
            throw .cleaning(message: "\(state.validation) has \(valid.features.columns) feature columns, \(state.training) has \(columns)")
        }
        let header = Self.header(state.training)
        featureNames = header.count == columns + 1
            ? header.enumerated().filter { $0.offset != (state.labelsColumn.flatMap { header.firstIndex(of: $0) } ?? columns) }.map(\.element)
            : (1...max(columns, 1)).map { "column \($0)" }
        missingColumns = (0..<train.features.rows).map { r in (0..<columns).filter { train.features[r, $0].isNaN } }
        var low = [Double](repeating: 0, count: columns)
        var range = [Double](repeating: 1, count: columns)
        if state.scaling == "minmax" {
            for c in 0..<columns {
                let cells = (0..<train.features.rows).map { train.features[$0, c] }.filter { !$0.isNaN }
                guard let minimum = cells.min(), let maximum = cells.max() else { continue }
                low[c] = minimum
                range[c] = maximum > minimum ? maximum - minimum : 1
            }
        }
        self.low = low
        self.range = range
        func scaled(_ row: [Double]) -> [Double] { row.indices.map { (row[$0] - low[$0]) / range[$0] } }
        var features = train.features
        for r in 0..<features.rows {
            for c in 0..<columns { features[r, c] = (features[r, c] - low[c]) / range[c] }
        }
        var candidates: [[[Double]]]
        do {
            candidates = try CandidateRepairs.builtIn(features: features)
            if let file = state.candidates {
                var supplied: [Int: [[Double]]] = [:]
                for (row, values) in try RowValuesFile.read(file, featureCount: columns) {
                    supplied[row, default: []].append(scaled(values))
                }
                candidates = try CandidateRepairs.replacing(candidates, features: features, with: supplied)
            }
        } catch let error as CandidateRepairError {
            throw .cleaning(message: error.description)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .cleaning(message: "\(error)")
        }
        for cleaned in state.cleaned { candidates[cleaned.row] = [scaled(cleaned.values)] }
        let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
        validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
        engine = CPClean(
            candidates: candidates, labels: train.labels, classCount: train.classCount,
            validation: (0..<valid.features.rows).map { scaled(valid.features.row($0)) }, k: state.k)
    }

    /// Counts of the current state.
    public var status: CleaningStatus {
        let certain = engine.certainLabels.enumerated().filter { $0.element != nil }
        return CleaningStatus(
            k: state.k, validationPoints: engine.certainLabels.count, certain: certain.count,
            certainCorrect: certain.count { validationLabels[$0.offset] == $0.element },
            dirtyRows: engine.dirtyRows.count, cleanedRows: state.cleaned.map(\.row), uncertainPoints: engine.uncertainPoints)
    }

    /// The `batch` rows to clean now, best first: the highest expected entropy drops of the current
    /// state (a batch is not re-planned between its rows, since that needs the person's answers).
    /// Empty when every validation prediction is certain.
    public func next(batch: Int) -> [CleaningSuggestion] {
        guard !engine.isComplete else { return [] }
        return engine.gains().prefix(max(batch, 0)).map { gain in
            CleaningSuggestion(
                row: gain.row, gain: gain.gain, influencedPoints: gain.influencedPoints,
                missingColumns: missingColumns[gain.row].map { featureNames[$0] })
        }
    }

    /// Records the cleaned rows of `file` (see `RowValuesFile`); each must be a row with missing
    /// cells not cleaned before. All or nothing: on any error the state is unchanged.
    @discardableResult
    public mutating func apply(file: String) throws(EaseMLCIError) -> [Int] {
        let rows = try RowValuesFile.read(file, featureCount: featureNames.count)
        var seen = Set(state.cleaned.map(\.row))
        var state = self.state
        var engine = self.engine
        for (row, values) in rows {
            guard row < missingColumns.count else {
                throw .cleaning(message: "\(file): row \(row) does not exist (the training file has \(missingColumns.count) rows)")
            }
            guard !missingColumns[row].isEmpty else { throw .cleaning(message: "\(file): row \(row) has no missing cells") }
            guard seen.insert(row).inserted else { throw .cleaning(message: "\(file): row \(row) is already cleaned") }
            state.cleaned.append(.init(row: row, values: values))
            engine.clean(row: row, value: values.indices.map { (values[$0] - low[$0]) / range[$0] })
        }
        try state.save(statePath)
        self.state = state
        self.engine = engine
        return rows.map(\.row)
    }

    private static func text(_ path: String) throws(EaseMLCIError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func header(_ path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path),
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else { return [] }
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: " \"\r"))
        }
        return fields.contains { !$0.isEmpty && Double($0) == nil && $0.lowercased() != "nan" } ? fields : []
    }
}

/// How far cleaning has got.
public struct CleaningStatus: Sendable, Codable, Equatable {
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
