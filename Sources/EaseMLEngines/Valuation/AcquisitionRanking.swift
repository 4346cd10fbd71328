/// The order in which to label an unlabelled pool (Ease.ML "Market", step 2.2.4): value-filtered
/// greedy coverage.
///
/// The rule, given labelled rows, a labelled validation set and K:
/// 1. **Value learned on the labelled data** (`ValueTerm.expectedUtilityGain`). A pool row's value
///    is the expected change of the validation K-NN utility (mean over validation rows of the
///    fraction of their K nearest labelled rows that carry their label, the utility KNN-Shapley
///    values share out) if the row were labelled: each class is weighted by its share among the
///    row's K nearest labelled rows, and the row changes a validation row's utility only where it
///    would enter that row's K nearest (strictly nearer than the K-th; with fewer than K labelled
///    rows, everywhere), replacing the K-th. A row gains where it would fix a neighbourhood that
///    votes wrongly, and is worth nothing where the neighbourhood is already right or far away.
/// 2. **Value filter.** Only the better half of the pool by value (at least `batch` rows, ties by
///    pool index) is eligible for the first ranks; the rest follow afterwards.
/// 3. **Diversity.** Within the eligible rows, greedy k-center: repeatedly take the row farthest from
///    every labelled row and every row already ranked (ties by pool index).
///
/// Why both parts: a batch of the top-valued rows alone is redundant — they crowd the same valuable
/// region — and pure coverage (farthest first over the whole pool) picks outliers of low value.
///
/// **Measured** (`AcquisitionSimulation`, the ranking recomputed after each batch of 10 labels, 5-NN
/// validation accuracy, same seeds for every order; `MarketAcquisitionTests`):
///
/// | data | labels | expected gain | KNN-Shapley regression | random |
/// |---|---|---|---|---|
/// | digits, 60 labelled, 5 seeds | +50 / +100 | **0.902** / **0.935** | 0.879 / 0.916 | 0.857 / 0.900 |
/// | wine (z-scored), 10 labelled, 10 seeds | +10 / +20 / +40 | **0.925** / 0.964 / **0.983** | 0.825 / **0.969** / 0.977 | 0.894 / 0.935 / 0.942 |
/// | breast_cancer (z-scored), 20 labelled, 10 seeds | +10 / +40 / +60 | 0.906 / 0.948 / **0.966** | 0.897 / 0.938 / 0.955 | **0.931** / 0.949 / 0.951 |
///
/// The former value term, `ValueTerm.shapleyRegression` (each labelled row's exact KNN-Shapley value,
/// regressed onto the pool as the mean over a pool row's K nearest labelled rows), is kept for that
/// comparison. The expected gain is ahead of it at every batch on digits and breast_cancer and on
/// wine at every batch but the second (0.964 vs 0.969, about a third of one of 53 validation rows
/// per seed); its mean over the curve is higher on all three (wine 0.962 vs 0.934). It beats random
/// order at every batch on digits and wine; on breast_cancer it is behind for the first 40 labels and
/// ahead after 50 and 60.
///
/// **Cost.** Distances come from the blocked BLAS products of `NearestNeighborSearch` with exact
/// repair of near-ties (the pool's K nearest labelled rows, the validation rows' K nearest labelled
/// rows, validation × pool, each candidate's nearest labelled or ranked row), the greedy k-center
/// from `GreedyCoverage` (O(m·d) per pick for m remaining candidates); the ranking is the same, entry
/// for entry, as direct per-pair loops and full sorts give.
public enum AcquisitionRanking {
    /// One ranked pool row.
    public struct Entry: Sendable, Equatable, Codable {
        /// 0-based index of the row in the pool.
        public var index: Int
        /// The row's value under the value term: by default the expected change of the validation
        /// K-NN utility (a fraction, −1…1) if it were labelled.
        public var predictedValue: Double
        /// Whether the row was in the value-filtered half (ranked by coverage before the others).
        public var eligible: Bool
        /// Squared Euclidean distance to the nearest labelled or earlier-ranked row when it was picked.
        public var coverageDistance: Double
    }

    /// Ranks every pool row, best to label first. `labeled` and `pool` rows share one feature
    /// space; `validationLabels` use the same class codes as `labels`. `batch` is the size of the
    /// next labelling batch: the value filter keeps at least that many rows. `limit` stops after
    /// that many ranks (the rest cost O(pool²) distance evaluations and are not needed to label
    /// one batch). `term` chooses the value of the filter (see the type's documentation).
    public static func rank(
        labeled: [[Double]], labels: [Int], pool: [[Double]], validation: [[Double]], validationLabels: [Int],
        k: Int, batch: Int, limit: Int? = nil, term: ValueTerm = .expectedUtilityGain
    ) -> [Entry] {
        let limit = min(pool.count, limit ?? pool.count)
        precondition(k >= 1, "K must be at least 1")
        precondition(labeled.count == labels.count, "one label per labelled row")
        guard !pool.isEmpty else { return [] }
        let width = pool[0].count
        let poolMatrix = Matrix(rowArrays: pool)
        let labelledMatrix = Matrix(rows: labeled.count, columns: width, values: labeled.flatMap { $0 })
        var predicted = [Double](repeating: 0, count: pool.count)
        if !labeled.isEmpty {
            let search = NearestNeighborSearch(references: labelledMatrix, metric: .euclidean)
            let poolNeighbours = search.rankedNeighbours(k: k, of: poolMatrix)
            let validationMatrix = Matrix(rows: validation.count, columns: width, values: validation.flatMap { $0 })
            switch term {
            case .expectedUtilityGain:
                predicted = expectedUtilityGain(
                    labelled: search, labels: labels, poolNeighbours: poolNeighbours, pool: poolMatrix, validation: validationMatrix,
                    validationLabels: validationLabels, k: k)
            case .shapleyRegression:
                let values = KNNShapleyValuation(training: labelledMatrix, trainingLabels: labels, k: k, metric: .euclidean)
                    .values(validation: validationMatrix, validationLabels: validationLabels)
                predicted = poolNeighbours.map { nearest in nearest.reduce(0) { $0 + values[$1.index] } / Double(nearest.count) }
            }
        }
        let byValue = pool.indices.sorted { (-predicted[$0], $0) < (-predicted[$1], $1) }
        let eligibleCount = min(pool.count, max(batch, pool.count / 2))
        var eligible = [Bool](repeating: false, count: pool.count)
        for index in byValue.prefix(eligibleCount) { eligible[index] = true }
        var entries: [Entry] = []
        entries.reserveCapacity(limit)
        for group in [byValue.prefix(eligibleCount).sorted(), byValue.dropFirst(eligibleCount).sorted()]
        where !group.isEmpty && entries.count < limit {
            // Squared distance of each candidate to the nearest labelled or already-ranked row.
            let covered = Matrix(
                rows: labeled.count + entries.count, columns: width,
                values: labelledMatrix.values + entries.flatMap { pool[$0.index] })
            let initial = covered.rows == 0
                ? [Double](repeating: .infinity, count: group.count)
                : NearestNeighborSearch(references: covered, metric: .euclidean)
                    .rankedNeighbours(k: 1, of: poolMatrix.selectingRows(group)).map { $0[0].distance }
            for pick in GreedyCoverage.order(candidates: group, of: poolMatrix, initial: initial, count: limit - entries.count) {
                let index = group[pick.position]
                entries.append(
                    Entry(index: index, predictedValue: predicted[index], eligible: eligible[index], coverageDistance: pick.distance))
            }
        }
        return entries
    }

    /// The value term that filters the pool.
    public enum ValueTerm: Sendable, Equatable {
        /// The expected change of the validation K-NN utility if the row were labelled (the rule).
        case expectedUtilityGain
        /// The mean exact KNN-Shapley value of the row's K nearest labelled rows (the former rule,
        /// kept for comparison).
        case shapleyRegression
    }

    /// Per pool row: the expected change of the validation K-NN utility (mean over validation rows
    /// of the fraction of the K nearest labelled rows with the row's label) if the row were labelled,
    /// each class weighted by its share among the row's K nearest labelled rows.
    static func expectedUtilityGain(
        labelled: NearestNeighborSearch, labels: [Int], poolNeighbours: [[NearestNeighbor]], pool: Matrix, validation: Matrix,
        validationLabels: [Int], k: Int
    ) -> [Double] {
        let classes = (labels.max() ?? 0) + 1
        let shares = poolNeighbours.map { nearest -> [Double] in
            var share = [Double](repeating: 0, count: classes)
            for neighbour in nearest { share[labels[neighbour.index]] += 1 / Double(nearest.count) }
            return share
        }
        var gain = [Double](repeating: 0, count: pool.rows)
        guard validation.rows > 0 else { return gain }
        let n = labelled.references.rows
        let validationNeighbours = labelled.rankedNeighbours(k: k, of: validation)
        let search = NearestNeighborSearch(references: pool, metric: .euclidean)
        let prepared = search.prepare(validation)
        let block = KNNShapleyValuation.defaultQueryBlock(trainingRows: pool.rows)
        var distances = [Double](repeating: 0, count: min(block, validation.rows) * pool.rows)
        var start = 0
        while start < validation.rows {
            let count = min(block, validation.rows - start)
            distances.withUnsafeMutableBufferPointer { distances in
                search.approximateDistances(prepared, queryRows: start..<(start + count), referenceRows: 0..<pool.rows, into: distances.baseAddress!)
            }
            for v in start..<(start + count) {
                let y = validationLabels[v]
                guard y >= 0 && y < classes else { continue }
                let nearest = validationNeighbours[v]
                let matches = Double(nearest.filter { labels[$0.index] == y }.count)
                if n < k {
                    // Every pool row joins the neighbourhood of all n labelled rows.
                    for x in 0..<pool.rows { gain[x] += (matches + shares[x][y]) / Double(n + 1) - matches / Double(n) }
                    continue
                }
                // Once labelled, the row joins the K nearest when strictly nearer than the K-th: it would
                // get the next index, so at an equal distance it ranks behind.
                let radius = nearest[k - 1].distance
                let replaced: Double = labels[nearest[k - 1].index] == y ? 1 : 0
                let row = (v - start) * pool.rows
                for x in 0..<pool.rows {
                    let approximate = distances[row + x]
                    let tolerance = search.errorBound(prepared, query: v, reference: x)
                    guard approximate - tolerance < radius else { continue }
                    if approximate + tolerance >= radius && search.exactDistance(prepared, query: v, reference: x) >= radius { continue }
                    gain[x] += (shares[x][y] - replaced) / Double(k)
                }
            }
            start += count
        }
        return gain.map { $0 / Double(validation.rows) }
    }
}
