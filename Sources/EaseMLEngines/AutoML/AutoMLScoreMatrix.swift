import EaseMLData

/// A score/cost matrix of earlier runs: every (data set, model) pair's validation score and fit cost,
/// read from a CSV `dataset,model,val_accuracy,fit_seconds` (header required, columns in any order,
/// other columns ignored). Data sets and models keep their order of first appearance.
public struct AutoMLScoreMatrix: Sendable, Hashable {
    public let datasets: [String]
    public let models: [String]
    /// scores[d][m].
    public let scores: [[Double]]
    /// costs[d][m] (> 0).
    public let costs: [[Double]]

    public init(datasets: [String], models: [String], scores: [[Double]], costs: [[Double]]) throws(AutoMLError) {
        guard !models.isEmpty else { throw .noArms }
        guard scores.count == datasets.count, costs.count == datasets.count else {
            throw .invalidSetting("the score matrix needs one row of scores and costs per data set")
        }
        for (d, row) in scores.enumerated() {
            guard row.count == models.count else { throw .armCount(what: "the scores of \(datasets[d])", expected: models.count, found: row.count) }
            guard row.allSatisfy(\.isFinite) else { throw .notFinite(what: "a score of \(datasets[d])") }
        }
        for (d, row) in costs.enumerated() {
            guard row.count == models.count else { throw .armCount(what: "the costs of \(datasets[d])", expected: models.count, found: row.count) }
            for (m, cost) in row.enumerated() where !(cost > 0 && cost.isFinite) {
                throw .nonPositiveCost(what: "the cost of \(datasets[d])/\(models[m])", value: cost)
            }
        }
        self.datasets = datasets
        self.models = models
        self.scores = scores
        self.costs = costs
    }

    /// The row of data set `name`.
    public func index(of name: String) throws(AutoMLError) -> Int {
        guard let index = datasets.firstIndex(of: name) else { throw .unknownDataset(name) }
        return index
    }

    /// Parses the CSV text (`CSVTokenizer`'s dialect); `file` names it in errors.
    public static func parse(
        _ text: String, file: String, scoreColumn: String = "val_accuracy", costColumn: String = "fit_seconds"
    ) throws(AutoMLError) -> AutoMLScoreMatrix {
        let records: [CSVRecord]
        do { records = try CSVTokenizer.records(in: text, file: file) } catch {
            throw .matrix(file: file, line: error.line, message: error.diagnostic.message)
        }
        guard let header = records.first?.fields, let headerLine = records.first?.line else {
            throw .matrix(file: file, line: 0, message: "empty file")
        }
        func column(_ name: String) throws(AutoMLError) -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw .matrix(file: file, line: headerLine, message: "no column `\(name)` in the header (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        let datasetColumn = try column("dataset")
        let modelColumn = try column("model")
        let scoreIndex = try column(scoreColumn)
        let costIndex = try column(costColumn)
        var datasets: [String] = []
        var models: [String] = []
        var datasetIndex: [String: Int] = [:]
        var modelIndex: [String: Int] = [:]
        var cells: [[Int: (Double, Double, Int)]] = []
        for record in records.dropFirst() {
            let number = record.line
            let row = record.fields
            guard row.count == header.count else {
                throw .matrix(file: file, line: number, message: "\(row.count) fields, but the header has \(header.count)")
            }
            guard let score = Double(row[scoreIndex]), score.isFinite else {
                throw .matrix(file: file, line: number, message: "the score `\(row[scoreIndex])` is not a finite number")
            }
            guard let cost = Double(row[costIndex]), cost.isFinite, cost > 0 else {
                throw .matrix(file: file, line: number, message: "the cost `\(row[costIndex])` is not a positive number")
            }
            let dataset = row[datasetColumn]
            let model = row[modelColumn]
            if datasetIndex[dataset] == nil {
                datasetIndex[dataset] = datasets.count
                datasets.append(dataset)
                cells.append([:])
            }
            if modelIndex[model] == nil {
                modelIndex[model] = models.count
                models.append(model)
            }
            let d = datasetIndex[dataset]!
            let m = modelIndex[model]!
            if let previous = cells[d][m] {
                throw .matrix(file: file, line: number, message: "\(dataset)/\(model) again (first on line \(previous.2))")
            }
            cells[d][m] = (score, cost, number)
        }
        guard !datasets.isEmpty else { throw .matrix(file: file, line: 0, message: "no data rows") }
        var scores: [[Double]] = []
        var costs: [[Double]] = []
        for (d, name) in datasets.enumerated() {
            var scoreRow: [Double] = []
            var costRow: [Double] = []
            for (m, model) in models.enumerated() {
                guard let cell = cells[d][m] else { throw .matrix(file: file, line: 0, message: "no row for \(name)/\(model)") }
                scoreRow.append(cell.0)
                costRow.append(cell.1)
            }
            scores.append(scoreRow)
            costs.append(costRow)
        }
        return try AutoMLScoreMatrix(datasets: datasets, models: models, scores: scores, costs: costs)
    }
}
