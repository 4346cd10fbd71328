import EaseMLCore
import EaseMLData
import EaseMLEngines
import Foundation

/// `easeml-ci value`: the exact KNN-Shapley value of every training row against a validation
/// set (`KNNShapleyValuation`) — or, without one, against the other folds of the training rows
/// themselves (`CrossValidatedShapley`) — ranked lowest first (the rows most likely mislabelled or
/// harmful), with rows flagged for review; one ranking per representation of the same rows.
public struct ValuationReport: Sendable, Codable {
    /// Which rows `--flag` marks for review.
    public enum FlagRule: Sendable, Equatable, Codable {
        /// The lowest fraction, in [0, 1].
        case fraction(Double)
        /// Every row with a negative value: the K-NN classifier's expected validation accuracy
        /// rises without it, averaged over every order of adding the rows (its Shapley value).
        case auto

        /// `auto`, or a fraction such as `0.1`.
        public init?(_ text: String) {
            if text == "auto" {
                self = .auto
            } else if let fraction = Double(text), (0...1).contains(fraction) {
                self = .fraction(fraction)
            } else {
                return nil
            }
        }
    }

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
        /// Validation feature files, paired with `training` in order; empty: cross-validation over
        /// the training rows (`folds` folds).
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
        /// Which rows to flag (nil: none).
        public var flag: FlagRule?
        /// Folds of the cross-validation without a validation set (at least 2).
        public var folds: Int
        public var seed: UInt64

        public init(
            training: [String], validation: [String], trainingLabels: String? = nil, validationLabels: String? = nil,
            labelsColumn: String? = nil, k: Int = 5, metric: DistanceMetric = .euclidean, standardize: Bool = false,
            flag: FlagRule? = nil, folds: Int = 5, seed: UInt64 = 1
        ) {
            self.flag = flag
            self.folds = folds
            self.seed = seed
            self.training = training
            self.validation = validation
            self.trainingLabels = trainingLabels
            self.validationLabels = validationLabels
            self.labelsColumn = labelsColumn
            self.k = k
            self.metric = metric
            self.standardize = standardize
        }
    }

    public var k: Int
    public var metric: DistanceMetric
    public var trainingRows: Int
    /// Validation rows (with cross-validation: the training rows, each used as a query once).
    public var validationRows: Int
    /// Folds of the cross-validation when no validation set was given, else nil.
    public var folds: Int?
    /// How rows were flagged: `fraction` or `auto` (nil: none).
    public var flagRule: String?
    /// One ranking per representation, in the order given.
    public var representations: [Ranking]

    /// Prepares the process for `make`, before it runs anything else: every matrix product of a
    /// valuation runs on the valuation's own workers, so OpenBLAS is loaded without its thread pool
    /// (`BLASLibrary.loadWithoutThreadPool`). For the command-line edge only.
    public static func prepareProcess() {
        BLASLibrary.loadWithoutThreadPool()
    }

    /// Reads every pair of files and values every training row in each representation.
    public static func make(_ request: Request) throws(EaseMLCIError) -> ValuationReport {
        guard request.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        let crossValidated = request.validation.isEmpty
        guard !request.training.isEmpty, crossValidated || request.training.count == request.validation.count else {
            throw .invalidOption(
                option: "--valid",
                message: "give one --valid file per --train file (\(request.training.count) --train, \(request.validation.count) --valid), or none to cross-validate")
        }
        guard !crossValidated || request.folds >= 2 else { throw .invalidOption(option: "--folds", message: "needs at least 2 folds, got \(request.folds)") }
        let column = request.labelsColumn.map { CSVMatrixReader.LabelsColumn.named($0) } ?? .last
        var representations: [Ranking] = []
        var first: (train: LabeledMatrix, valid: LabeledMatrix?)?
        for (position, trainingPath) in request.training.enumerated() {
            let validationPath = crossValidated ? nil : request.validation[position]
            let train = try LabeledDataFile.read(trainingPath, labelsColumn: column, labelsPath: request.trainingLabels, labelsOption: "--train-labels")
            let valid = try validationPath.map { (path) throws(EaseMLCIError) in
                try LabeledDataFile.read(path, labelsColumn: column, labelsPath: request.validationLabels, labelsOption: "--valid-labels")
            }
            guard train.features.rows > 0 else { throw .invalidOption(option: "--train", message: "\(trainingPath) has no rows") }
            if let valid, let validationPath, train.features.columns != valid.features.columns {
                throw .invalidOption(
                    option: "--valid",
                    message: "\(validationPath) has \(valid.features.columns) feature columns, \(trainingPath) has \(train.features.columns)")
            }
            if crossValidated, train.features.rows < request.folds {
                throw .invalidOption(option: "--folds", message: "\(trainingPath) has \(train.features.rows) rows, fewer than the \(request.folds) folds")
            }
            if let first {
                guard Self.labelTexts(train) == Self.labelTexts(first.train), valid.map(Self.labelTexts) == first.valid.map(Self.labelTexts) else {
                    throw .invalidOption(
                        option: "--train",
                        message: "\(trainingPath)\(validationPath.map { " and \($0)" } ?? "") do not have the rows and labels of \(request.training[0])\(crossValidated ? "" : " and \(request.validation[0])"); representations must describe the same examples")
                }
            } else {
                first = (train, valid)
            }
            var values: [Double]
            if let valid {
                var trainFeatures = train.features
                var validFeatures = valid.features
                if request.standardize {
                    let fitted = FeatureScaling.standardize.fit(trainFeatures)
                    (trainFeatures, validFeatures) = (fitted.apply(trainFeatures), fitted.apply(validFeatures))
                }
                // Validation labels are matched to training classes by name; a class the training set
                // lacks never matches.
                let classIndex = Dictionary(uniqueKeysWithValues: train.classNames.enumerated().map { ($1, $0) })
                let validationLabels = valid.labels.map { classIndex[valid.classNames[$0]] ?? -1 }
                values = KNNShapleyValuation(training: trainFeatures, trainingLabels: train.labels, k: request.k, metric: request.metric)
                    .values(validation: validFeatures, validationLabels: validationLabels)
            } else {
                var data = train
                if request.standardize { data.features = FeatureScaling.standardize.fit(data.features).apply(data.features) }
                values = CrossValidatedShapley(k: request.k, metric: request.metric, folds: request.folds, seed: request.seed).values(data)
            }
            let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
            let flagged: Int
            switch request.flag {
            case nil: flagged = 0
            case .fraction(let fraction)?: flagged = Int((fraction * Double(values.count)).rounded(.toNearestOrEven))
            case .auto?: flagged = values.filter { $0 < 0 }.count
            }
            let rows = order.enumerated().map { rank, index in
                Row(rank: rank + 1, index: index, label: train.classNames[train.labels[index]], value: values[index], flagged: rank < flagged)
            }
            representations.append(Ranking(
                training: trainingPath, validation: validationPath ?? "cross-validation (\(request.folds) folds)", total: values.reduce(0, +), rows: rows))
        }
        let flagRule: String? = switch request.flag {
        case nil: nil
        case .fraction?: "fraction"
        case .auto?: "auto"
        }
        return ValuationReport(
            k: request.k, metric: request.metric, trainingRows: first?.train.features.rows ?? 0,
            validationRows: first?.valid?.features.rows ?? first?.train.features.rows ?? 0, folds: crossValidated ? request.folds : nil,
            flagRule: flagRule, representations: representations)
    }

    private static func labelTexts(_ data: LabeledMatrix) -> [String] { data.labels.map { data.classNames[$0] } }

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
                + (folds.map { " against the other rows, cross-validated in \($0) folds (no separate validation set)" }
                    ?? " against \(IntegerText.grouped(validationRows)) validation rows") + ", lowest first"
            if representations.count > 1 { text += " — \(ranking.training), \(ranking.validation)" }
            text += "\n" + table.render()
            if ranking.rows.count > limit { text += "\n… \(ranking.rows.count - limit) more (--limit, --format csv)" }
            text += String(format: "\nTotal %.6f = mean KNN utility of the whole training set.", ranking.total)
            if flagRule == "auto" {
                text += "\n\(flagged) rows flagged for review: every row with a negative value (the K-NN classifier's expected accuracy rises without it)."
            } else if flagged > 0 {
                text += "\n\(flagged) lowest-valued rows flagged for review."
            }
            sections.append(text)
        }
        return sections.joined(separator: "\n\n")
    }
}
