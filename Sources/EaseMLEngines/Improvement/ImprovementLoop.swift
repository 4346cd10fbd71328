/// The data state of the improvement loop (`easeml-ci improve`): labelled training rows, some with
/// missing cells (each with its candidate repairs), an unlabelled pool, and a labelled validation
/// set, all in one feature space (already scaled).
///
/// - The **clean** arm's batch is CPClean's ranking (`CPClean.gains()`) over the current training
///   rows, acquired pool rows included as clean rows; the arm is available while some validation
///   prediction of the K-NN classifier is not certain.
/// - The **acquire** arm's batch is `AcquisitionRanking` over the pool rows not yet labelled, with
///   the current training rows as the labelled set (rows still dirty take their first candidate);
///   available while the pool has unlabelled rows.
/// - The **feasibility estimate** is the held-out 1-NN error of the validation rows against the
///   current training rows (dirty rows take their first candidate — the column mean with the
///   built-in candidates — as a practitioner's imputation would), turned into the accuracy
///   ceiling 1 − Cover–Hart bound. Validation labels the training rows never use count as errors.
public struct ImprovementLoop: Sendable {
    public let k: Int
    public let classCount: Int
    /// Candidate repairs of each original training row (one candidate once clean).
    public private(set) var candidates: [[[Double]]]
    public let labels: [Int]
    public let pool: [[Double]]
    public let validation: [[Double]]
    /// Class codes of the validation rows (−1 for a class the training rows do not have).
    public let validationLabels: [Int]
    /// Labels of acquired pool rows, in labelling order.
    public private(set) var acquired: [(poolRow: Int, label: Int)] = []
    /// Original training rows cleaned so far, in order.
    public private(set) var cleanedRows: [Int] = []
    private var labelledPoolRows: Set<Int> = []

    public init(
        candidates: [[[Double]]], labels: [Int], pool: [[Double]], validation: [[Double]], validationLabels: [Int], classCount: Int, k: Int
    ) {
        precondition(candidates.count == labels.count && !candidates.isEmpty, "one label per training row, at least one row")
        precondition(candidates.allSatisfy { !$0.isEmpty } && k >= 1 && classCount >= 1)
        self.candidates = candidates
        self.labels = labels
        self.pool = pool
        self.validation = validation
        self.validationLabels = validationLabels
        self.classCount = classCount
        self.k = k
    }

    /// Replaces a training row's candidates by its true (scaled) values.
    public mutating func clean(row: Int, value: [Double]) {
        precondition(row >= 0 && row < candidates.count)
        candidates[row] = [value]
        cleanedRows.append(row)
    }

    /// Adds pool row `poolRow` with class code `label` to the training rows.
    public mutating func label(poolRow: Int, label: Int) {
        precondition(poolRow >= 0 && poolRow < pool.count && label >= 0 && label < classCount)
        precondition(labelledPoolRows.insert(poolRow).inserted, "pool row \(poolRow) is already labelled")
        acquired.append((poolRow, label))
    }

    /// Rows with more than one candidate left.
    public var dirtyRows: [Int] { candidates.indices.filter { candidates[$0].count > 1 } }
    /// Pool rows not labelled yet, ascending.
    public var unlabelledPoolRows: [Int] { pool.indices.filter { !labelledPoolRows.contains($0) } }

    /// The training rows as the classifier sees them now: original rows (dirty ones with their
    /// first candidate), then the acquired pool rows.
    public var trainingRows: (rows: [[Double]], labels: [Int]) {
        (candidates.map { $0[0] } + acquired.map { pool[$0.poolRow] }, labels + acquired.map(\.label))
    }

    /// CPClean over the current training rows (acquired rows clean).
    public func cleaningEngine() -> CPClean {
        CPClean(
            candidates: candidates + acquired.map { [pool[$0.poolRow]] }, labels: trainingRows.labels, classCount: classCount,
            validation: validation, k: k)
    }

    /// The arms that can still be pulled; `engine` is `cleaningEngine()` when already built.
    public func availableArms(engine: CPClean? = nil) -> Set<ImprovementArm> {
        var arms: Set<ImprovementArm> = []
        if !dirtyRows.isEmpty && !(engine ?? cleaningEngine()).isComplete { arms.insert(.clean) }
        if !unlabelledPoolRows.isEmpty { arms.insert(.acquire) }
        return arms
    }

    /// CPClean's `size` best rows to clean now (training row numbers), best first.
    public func cleanBatch(size: Int, engine: CPClean? = nil) -> [CPClean.RowGain] {
        let engine = engine ?? cleaningEngine()
        guard !engine.isComplete else { return [] }
        return Array(engine.gains().prefix(max(size, 0)))
    }

    /// The acquisition ranking's `size` best pool rows to label now; `index` is the pool row.
    public func acquireBatch(size: Int) -> [AcquisitionRanking.Entry] {
        let open = unlabelledPoolRows
        let training = trainingRows
        return AcquisitionRanking.rank(
            labeled: training.rows, labels: training.labels, pool: open.map { pool[$0] }, validation: validation,
            validationLabels: validationLabels, k: k, batch: size, limit: size
        ).map { entry in
            var mapped = entry
            mapped.index = open[entry.index]
            return mapped
        }
    }

    /// The held-out 1-NN error of the validation rows against the current training rows.
    public func nearestNeighborError() -> NearestNeighborErrorEstimate {
        let training = trainingRows
        let neighbours = NearestNeighborSearch(references: Matrix(rowArrays: training.rows), metric: .euclidean)
            .nearest(to: Matrix(rowArrays: validation))
        let errors = neighbours.indices.count { training.labels[neighbours[$0].index] != validationLabels[$0] }
        return NearestNeighborErrorEstimate(method: .heldOut, references: training.rows.count, errors: errors, trials: validation.count)
    }

    /// The accuracy ceiling now: 1 − Cover–Hart lower bound on the Bayes error at the 1-NN error.
    public func ceiling() -> Double {
        CoverHartBound.accuracyCeiling(nearestNeighborError: nearestNeighborError().rate, classes: max(classCount, 2))
    }
}
