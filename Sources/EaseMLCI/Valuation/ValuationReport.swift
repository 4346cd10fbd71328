import EaseMLCore
import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci value`: the exact KNN-Shapley value of every training row against a validation
/// set (`KNNShapleyValuation`), ranked lowest first (the rows most likely mislabelled or harmful),
/// with the lowest fraction flagged for review; one ranking per representation of the same rows.
public struct ValuationReport: Sendable, Codable {
    public struct Row: Sendable, Codable {
        /// 1-based rank, lowest value first.
        public var rank: Int
        /// 0-based index of the training row (data rows of the file, header excluded).
        public var index: Int
        public var label: String
        public var value: Double
        public var flagged: Bool
    }

    /// The values of one representation (one pair of training and validation feature files).
    public struct Ranking: Sendable, Codable {
        public var training: String
        public var validation: String
        /// Σ values = the mean KNN utility of the whole training set on the validation set.
        public var total: Double
        /// Every training row, lowest value first (ties by row index).
        public var rows: [Row]
    }

    /// What to value.
    public struct Request: Sendable {
        /// Training feature files, one per representation (CSV with a labels column, or `.npy`).
        public var training: [String]
        /// Validation feature files, paired with `training` in order.
        public var validation: [String]
        /// Labels of `.npy` training files (`.npy` vector, or CSV with the labels column).
        public var trainingLabels: String?
        /// Labels of `.npy` validation files.
        public var validationLabels: String?
        /// The labels column's header in CSV files (nil: the last column).
        public var labelsColumn: String?
        public var k: Int
        public var metric: DistanceMetric
        /// Z-score features with the training mean and population standard deviation.
        public var standardize: Bool
        /// The lowest fraction of rows to flag, in [0, 1].
        public var flagFraction: Double?

        public init(
            training: [String], validation: [String], trainingLabels: String? = nil, validationLabels: String? = nil,
            labelsColumn: String? = nil, k: Int = 5, metric: DistanceMetric = .euclidean, standardize: Bool = false,
            flagFraction: Double? = nil
        ) {
            self.training = training
            self.validation = validation
            self.trainingLabels = trainingLabels
            self.validationLabels = validationLabels
            self.labelsColumn = labelsColumn
            self.k = k
            self.metric = metric
            self.standardize = standardize
            self.flagFraction = flagFraction
        }
    }

    public var k: Int
    public var metric: DistanceMetric
    public var trainingRows: Int
    public var validationRows: Int
    /// One ranking per representation, in the order given.
    public var representations: [Ranking]

    /// Reads every pair of files and values every training row in each representation.
    public static func make(_ request: Request) throws(EaseMLCIError) -> ValuationReport {
        guard request.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        if let flagFraction = request.flagFraction, !(0...1).contains(flagFraction) {
            throw .invalidOption(option: "--flag", message: "the fraction to flag must be in [0, 1], got \(flagFraction)")
        }
        guard !request.training.isEmpty, request.training.count == request.validation.count else {
            throw .invalidOption(
                option: "--valid",
                message: "give one --valid file per --train file (\(request.training.count) --train, \(request.validation.count) --valid)")
        }
        let column = request.labelsColumn.map { CSVMatrixReader.LabelsColumn.named($0) } ?? .last
        var representations: [Ranking] = []
        var first: (train: LabeledMatrix, valid: LabeledMatrix)?
        for (trainingPath, validationPath) in zip(request.training, request.validation) {
            let train = try LabeledDataFile.read(trainingPath, labelsColumn: column, labelsPath: request.trainingLabels, labelsOption: "--train-labels")
            let valid = try LabeledDataFile.read(validationPath, labelsColumn: column, labelsPath: request.validationLabels, labelsOption: "--valid-labels")
            guard train.features.rows > 0 else { throw .invalidOption(option: "--train", message: "\(trainingPath) has no rows") }
            guard train.features.columns == valid.features.columns else {
                throw .invalidOption(
                    option: "--valid",
                    message: "\(validationPath) has \(valid.features.columns) feature columns, \(trainingPath) has \(train.features.columns)")
            }
            if let first {
                guard Self.labelTexts(train) == Self.labelTexts(first.train), Self.labelTexts(valid) == Self.labelTexts(first.valid) else {
                    throw .invalidOption(
                        option: "--train",
                        message: "\(trainingPath) and \(validationPath) do not have the rows and labels of \(request.training[0]) and \(request.validation[0]); representations must describe the same examples")
                }
            } else {
                first = (train, valid)
            }
            var trainFeatures = train.features
            var validFeatures = valid.features
            if request.standardize { (trainFeatures, validFeatures) = zScored(trainFeatures, validFeatures) }
            // Validation labels are matched to training classes by name; a class the training set
            // lacks never matches.
            let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
            let validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
            let values = KNNShapleyValuation(training: trainFeatures, trainingLabels: train.labels, k: request.k, metric: request.metric)
                .values(validation: validFeatures, validationLabels: validationLabels)
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            let flagged = Int(((request.flagFraction ?? 0) * Double(values.count)).rounded(.toNearestOrEven))
            let rows = order.enumerated().map { rank, index in
                Row(rank: rank + 1, index: index, label: train.classNames[train.labels[index]], value: values[index], flagged: rank < flagged)
            }
            representations.append(Ranking(training: trainingPath, validation: validationPath, total: values.reduce(0, +), rows: rows))
        }
        return ValuationReport(
            k: request.k, metric: request.metric, trainingRows: first?.train.features.rows ?? 0,
            validationRows: first?.valid.features.rows ?? 0, representations: representations)
    }

    private static func labelTexts(_ data: LabeledMatrix) -> [String] { data.labels.map { data.classNames[$0] } }

    /// Both matrices z-scored per column with the training mean and population standard deviation.
    private static func zScored(_ train: Matrix, _ valid: Matrix) -> (Matrix, Matrix) {
        let fitted = FeatureScaling.standardize.fit(train)
        return (fitted.apply(train), fitted.apply(valid))
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// One line per training row and representation: `rank,index,label,value,flagged`, preceded by
    /// a `representation` column (the training file) when there are several.
    /// Written by `CSVWriter`, so a label or path with a comma or quote is quoted.
    public func csv() -> String {
        let several = representations.count > 1
        var out = CSVWriter.line((several ? ["representation"] : []) + ["rank", "index", "label", "value", "flagged"])
        for ranking in representations {
            let prefix = several ? [ranking.training] : []
            for row in ranking.rows {
                out += CSVWriter.line(prefix + ["\(row.rank)", "\(row.index)", row.label, "\(row.value)", "\(row.flagged)"])
            }
        }
        return out
    }

    /// A table of the first `limit` rows of each representation.
    public func text(limit: Int) -> String {
        var sections: [String] = []
        for ranking in representations {
            var table = TextTable(header: ["rank", "row", "label", "value", ""], leftColumns: 0, alsoLeft: [2, 4])
            for row in ranking.rows.prefix(limit) {
                table.rows.append(["\(row.rank)", "\(row.index)", row.label, String(format: "%+.6f", row.value), row.flagged ? "review" : ""])
            }
            let flagged = ranking.rows.filter(\.flagged).count
            var text = "KNN-Shapley values (K = \(k), \(metric.rawValue)) of \(IntegerText.grouped(trainingRows)) training rows"
                + " against \(IntegerText.grouped(validationRows)) validation rows, lowest first"
            if representations.count > 1 { text += " — \(ranking.training), \(ranking.validation)" }
            text += "\n" + table.render()
            if ranking.rows.count > limit { text += "\n… \(ranking.rows.count - limit) more (--limit, --format csv)" }
            text += String(format: "\nTotal %.6f = mean KNN utility of the whole training set.", ranking.total)
            if flagged > 0 { text += "\n\(flagged) lowest-valued rows flagged for review." }
            sections.append(text)
        }
        return sections.joined(separator: "\n\n")
    }
}
