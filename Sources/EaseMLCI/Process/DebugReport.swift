import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci debug` (step 8 of the process): where the deployed model's mistakes on production come
/// from, with evidence a person can check, and a ranked recommendation — relabel, clean or acquire.
///
/// Given labelled production items (the true class known, e.g. from `pick` or a review) and the
/// deployed model's predictions on them, the mistakes are studied against the training data through a
/// K-nearest-neighbour lens (euclidean distance; missing training cells are filled with their
/// column's mean for distances only):
/// - **far from the training data** (acquire): a mistake whose nearest training row is farther than
///   the 99th percentile of the validation rows' nearest-training distances lies where training has
///   nothing like it — a shift in production;
/// - **harmful training rows** (relabel): the exact KNN-Shapley value of every training row with the
///   mistakes (and their true classes) as the utility set; a row with a negative value pushes the
///   mistaken items towards a wrong class. Those whose label also disagrees with the majority of their
///   own K nearest training rows are suspected mislabels; a mistake with one among its K neighbours is
///   explained by them;
/// - **uncertain training rows** (clean): a mistake with a row with missing cells among its K nearest
///   training rows;
/// - **classes absorbing the errors**: the predicted classes of the mistakes.
/// Each action's share is the fraction of mistakes it explains; actions are ranked by share.
public struct DebugReport: Sendable, Encodable, Equatable {
    public struct Request: Sendable {
        public var training: String
        public var validation: String
        public var production: String
        public var predictions: String
        public var labelsColumn: String?
        public var k: Int
        /// Rows listed per evidence table.
        public var limit: Int

        public init(training: String, validation: String, production: String, predictions: String, labelsColumn: String? = nil, k: Int = 5, limit: Int = 10) {
            self.training = training
            self.validation = validation
            self.production = production
            self.predictions = predictions
            self.labelsColumn = labelsColumn
            self.k = k
            self.limit = limit
        }
    }

    /// One mistaken production item.
    public struct Mistake: Sendable, Encodable, Equatable {
        /// 0-based row of the production file.
        public var row: Int
        public var truth: String
        public var predicted: String
        /// Euclidean distance to the nearest training row.
        public var nearestTrainingDistance: Double
        /// Farther than `farThreshold`.
        public var far: Bool
        /// Suspected mislabelled training rows among its K nearest.
        public var suspectNeighbours: [Int]
        /// Training rows with missing cells among its K nearest.
        public var incompleteNeighbours: [Int]
    }

    /// A training row that harms the mistakes (negative KNN-Shapley value).
    public struct HarmfulRow: Sendable, Encodable, Equatable {
        /// 0-based row of the training file.
        public var row: Int
        public var label: String
        public var value: Double
        /// Its label differs from the majority of its own K nearest training rows.
        public var disagreesWithNeighbours: Bool
        public var missingCells: Int
    }

    public struct ClassShare: Sendable, Encodable, Equatable {
        public var className: String
        public var mistakes: Int
    }

    /// One recommended action.
    public struct Action: Sendable, Encodable, Equatable {
        /// `relabel`, `clean` or `acquire`.
        public var action: String
        /// The fraction of mistakes it explains.
        public var share: Double
        /// Training rows to relabel or clean; production rows around which to acquire.
        public var rows: [Int]
        public var why: String
    }

    public var productionRows: Int
    public var mistakeCount: Int
    public var k: Int
    public var farThreshold: Double
    public var mistakes: [Mistake]
    public var harmful: [HarmfulRow]
    /// Predicted classes of the mistakes, most first.
    public var absorbing: [ClassShare]
    /// Ranked, best first; empty when nothing explains the mistakes (or there are none).
    public var recommendations: [Action]

    public static func make(_ request: Request) throws(EaseMLCIError) -> DebugReport {
        guard request.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        let labels: CSVMatrixReader.LabelsColumn = request.labelsColumn.map { .named($0) } ?? .last
        let training: LabeledMatrix, validation: LabeledMatrix, production: LabeledMatrix
        do {
            training = try IncompleteTableReader.readLabeled(try LabeledDataFile.text(request.training), file: request.training, labels: labels)
            validation = try CSVMatrixReader.readLabeled(try LabeledDataFile.text(request.validation), file: request.validation, labels: labels)
            production = try CSVMatrixReader.readLabeled(try LabeledDataFile.text(request.production), file: request.production, labels: labels)
        } catch let error as MatrixFileError {
            throw .matrixFile(error)
        } catch let error as EaseMLCIError {
            throw error
        } catch {
            throw .invalidOption(option: "--train", message: "\(error)")
        }
        for (option, file, columns) in [("--valid", request.validation, validation.features.columns), ("--production", request.production, production.features.columns)]
        where columns != training.features.columns {
            throw .invalidOption(option: option, message: "\(file) has \(columns) feature columns, \(request.training) has \(training.features.columns)")
        }
        guard training.features.rows >= 2 else { throw .invalidOption(option: "--train", message: "\(request.training) needs at least two rows") }
        let predictionData = try LabeledDataFile.contents(request.predictions)
        let predicted: ClassColumn
        do { predicted = try ClassColumnReader().read(predictionData, file: request.predictions) } catch { throw .data(error) }
        guard predicted.count == production.features.rows else {
            throw .predictionsMismatch(file: request.predictions, message: "\(predicted.count) predictions for \(production.features.rows) production rows")
        }

        // Class codes in the training file's numbering (−1: a class training does not have).
        let classIndex = Dictionary(uniqueKeysWithValues: training.classNames.enumerated().map { ($1, $0) })
        func code(_ name: String) -> Int { classIndex[name] ?? -1 }
        let truthNames = production.labels.map { production.classNames[$0] }
        let mistakeRows = (0..<truthNames.count).filter { truthNames[$0] != predicted.label(at: $0) }

        // Distances ignore missing cells' true values: they are filled with the column mean.
        let (complete, missingCells) = Self.meanFilled(training.features)
        let search = NearestNeighborSearch(references: complete, metric: .euclidean)
        let validationNearest = search.nearest(to: validation.features).map(\.distance).sorted()
        let farThreshold = validationNearest.isEmpty ? .infinity : validationNearest[min(validationNearest.count - 1, Int((0.99 * Double(validationNearest.count)).rounded(.up)) - 1)]
        guard !mistakeRows.isEmpty else {
            return DebugReport(productionRows: truthNames.count, mistakeCount: 0, k: request.k, farThreshold: farThreshold,
                               mistakes: [], harmful: [], absorbing: [], recommendations: [])
        }
        let k = min(request.k, complete.rows)
        let mistakeFeatures = production.features.selectingRows(mistakeRows)
        let neighbours = search.rankedNeighbours(k: k, of: mistakeFeatures)

        // KNN-Shapley with the mistakes as the utility set, and each training row's own neighbourhood.
        let values = KNNShapleyValuation(training: complete, trainingLabels: training.labels, k: k, metric: .euclidean)
            .values(validation: mistakeFeatures, validationLabels: mistakeRows.map { code(truthNames[$0]) })
        let own = search.rankedNeighbours(k: k, of: complete, excluding: Array(0..<complete.rows))
        let disagrees = (0..<complete.rows).map { row -> Bool in
            var counts: [Int: Int] = [:]
            for neighbour in own[row] { counts[training.labels[neighbour.index], default: 0] += 1 }
            let majority = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
            return majority != nil && majority != training.labels[row]
        }
        let suspect = Set((0..<complete.rows).filter { values[$0] < 0 && disagrees[$0] })

        var mistakes: [Mistake] = []
        for (position, row) in mistakeRows.enumerated() {
            let near = neighbours[position]
            let distance = near.first.map { $0.distance.squareRoot() } ?? .infinity
            let far = distance > farThreshold
            mistakes.append(Mistake(
                row: row, truth: truthNames[row], predicted: predicted.label(at: row), nearestTrainingDistance: distance, far: far,
                suspectNeighbours: far ? [] : near.map(\.index).filter { suspect.contains($0) },
                incompleteNeighbours: far ? [] : near.map(\.index).filter { missingCells[$0] > 0 }))
        }
        let harmful = (0..<complete.rows).filter { values[$0] < 0 }.sorted { (values[$0], $0) < (values[$1], $1) }.map {
            HarmfulRow(row: $0, label: training.classNames[training.labels[$0]], value: values[$0],
                       disagreesWithNeighbours: disagrees[$0], missingCells: missingCells[$0])
        }
        var absorbed: [String: Int] = [:]
        for mistake in mistakes { absorbed[mistake.predicted, default: 0] += 1 }
        let absorbing = absorbed.map { ClassShare(className: $0.key, mistakes: $0.value) }
            .sorted { ($0.mistakes, $1.className) > ($1.mistakes, $0.className) }

        let total = Double(mistakes.count)
        func ordered(_ rows: [Int], by value: (Int) -> Double) -> [Int] {
            Array(Set(rows)).sorted { (value($0), $0) < (value($1), $1) }
        }
        var actions: [Action] = []
        let far = mistakes.filter(\.far)
        if !far.isEmpty {
            actions.append(Action(
                action: "acquire", share: Double(far.count) / total, rows: far.map(\.row),
                why: "\(far.count) of \(mistakes.count) mistakes lie farther from every training row than 99 % of the validation rows do (production has items training has nothing like): label more data like them"))
        }
        let relabel = mistakes.filter { !$0.suspectNeighbours.isEmpty }
        if !relabel.isEmpty {
            actions.append(Action(
                action: "relabel", share: Double(relabel.count) / total,
                rows: ordered(relabel.flatMap(\.suspectNeighbours)) { values[$0] },
                why: "\(relabel.count) of \(mistakes.count) mistakes have among their \(k) nearest training rows one that harms them (negative KNN-Shapley value) and whose label disagrees with its own neighbours: check those labels"))
        }
        let clean = mistakes.filter { !$0.incompleteNeighbours.isEmpty }
        if !clean.isEmpty {
            actions.append(Action(
                action: "clean", share: Double(clean.count) / total,
                rows: ordered(clean.flatMap(\.incompleteNeighbours)) { -Double(missingCells[$0]) },
                why: "\(clean.count) of \(mistakes.count) mistakes have among their \(k) nearest training rows one with missing cells: clean those rows (`easeml-ci clean`)"))
        }
        let rank = ["relabel": 0, "clean": 1, "acquire": 2]
        actions.sort { ($1.share, rank[$0.action]!) < ($0.share, rank[$1.action]!) }
        return DebugReport(
            productionRows: truthNames.count, mistakeCount: mistakes.count, k: k, farThreshold: farThreshold,
            mistakes: mistakes, harmful: harmful, absorbing: absorbing, recommendations: actions)
    }

    /// The matrix with each missing (NaN) cell replaced by its column's mean over the present cells
    /// (0 when a column has none), and each row's number of missing cells.
    static func meanFilled(_ matrix: Matrix) -> (Matrix, [Int]) {
        var sums = [Double](repeating: 0, count: matrix.columns), counts = [Int](repeating: 0, count: matrix.columns)
        var missing = [Int](repeating: 0, count: matrix.rows)
        for row in 0..<matrix.rows {
            for column in 0..<matrix.columns {
                let value = matrix[row, column]
                if value.isNaN { missing[row] += 1 } else { sums[column] += value; counts[column] += 1 }
            }
        }
        guard missing.contains(where: { $0 > 0 }) else { return (matrix, missing) }
        var values = matrix.values
        for row in 0..<matrix.rows where missing[row] > 0 {
            for column in 0..<matrix.columns where values[row * matrix.columns + column].isNaN {
                values[row * matrix.columns + column] = counts[column] > 0 ? sums[column] / Double(counts[column]) : 0
            }
        }
        return (Matrix(rows: matrix.rows, columns: matrix.columns, values: values), missing)
    }

    /// The one line the lineage records.
    public var lineageDecision: String {
        guard mistakeCount > 0 else { return "no mistakes among \(productionRows) production items" }
        guard let top = recommendations.first else { return "\(mistakeCount) mistakes; none explained by the training data" }
        return "\(top.action) (explains \(Int((top.share * 100).rounded())) % of \(mistakeCount) mistakes)"
            + recommendations.dropFirst().map { ", then \($0.action)" }.joined()
    }

    /// The human-readable report.
    public func text() -> String {
        var lines = ["Production items: \(productionRows), mistakes: \(mistakeCount) (K = \(k))"]
        guard mistakeCount > 0 else { return (lines + ["No mistakes: nothing to debug."]).joined(separator: "\n") }
        lines.append("Far from training: nearest training row farther than \(String(format: "%.4g", farThreshold)) (99 % of validation rows are nearer)")
        lines.append("")
        lines.append("Recommendation, best first")
        if recommendations.isEmpty { lines.append("  none: no mistake is far from training, near a harmful or an incomplete training row") }
        for (index, action) in recommendations.enumerated() {
            let what = action.action == "acquire" ? "production rows" : "training rows"
            lines.append("  \(index + 1). \(action.action.uppercased()) — explains \(Int((action.share * 100).rounded())) % of the mistakes")
            lines.append("     \(action.why)")
            lines.append("     \(what): " + action.rows.prefix(20).map(String.init).joined(separator: ", ") + (action.rows.count > 20 ? ", …" : ""))
        }
        lines.append("")
        lines.append("Classes the errors went to: " + absorbing.map { "\($0.className) (\($0.mistakes))" }.joined(separator: ", "))
        if !harmful.isEmpty {
            lines.append("")
            lines.append("Training rows that harm the mistakes most (KNN-Shapley with the mistakes as utility set)")
            var table = TextTable(header: ["row", "label", "value", "label disagrees with neighbours", "missing cells"])
            for row in harmful.prefix(10) {
                table.rows.append([String(row.row), row.label, String(format: "%.4f", row.value), row.disagreesWithNeighbours ? "yes" : "no", String(row.missingCells)])
            }
            lines.append(table.render())
        }
        return lines.joined(separator: "\n")
    }
}
