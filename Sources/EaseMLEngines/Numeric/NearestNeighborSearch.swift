import CBLAS

/// Exact nearest-neighbour search (the nearest, or the K nearest with `rankedNeighbours`) over a
/// reference matrix, with the distance blocks computed by a BLAS matrix product (`cblas_dgemm`).
///
/// **Method.** Euclidean: ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r, the q·r of a block of queries against a block
/// of references being one `dgemm`. Cosine: rows are scaled to unit length first and the distance is
/// 1 − q̂·r̂. The product's rounding error is bounded per pair by
/// `tol = 8 (d + 4) u (‖q‖² + ‖r‖²)` (u = 2⁻⁵³; for cosine the norms are 1), so every reference whose
/// approximate distance minus `tol` does not exceed the best approximate distance plus its `tol` is kept
/// as a candidate; the candidates' distances are then recomputed directly (a plain loop over the
/// features, in feature order) and the smallest wins, the lowest index among exact ties. The result is
/// therefore the same as a naive double loop's, ties included, not merely close to it.
///
/// The same blocks serve other exact neighbour computations (`KNNShapleyValuation`):
/// `approximateDistances` fills a block, `errorBound` bounds each entry's distance from
/// `exactDistance`, the direct loop that defines the ranking.
///
/// **Memory.** Besides the inputs, one block of `queryBlock × referenceBlock` = 256 × 2,048 doubles
/// (4 MiB) of products, the row norms, and the per-query candidate lists (usually one or a few entries;
/// many exact duplicates make them longer). Nothing grows with `queries × references`.
public struct NearestNeighborSearch: Sendable {
    /// Query rows per `dgemm` block.
    public static let queryBlock = 256
    /// Reference rows per `dgemm` block.
    public static let referenceBlock = 2048

    /// Rows prepared for a metric: the BLAS operand (unchanged rows for Euclidean, unit-length rows
    /// for cosine) and the norms the distances need.
    public struct PreparedRows: Sendable {
        /// The rows as given.
        public let matrix: Matrix
        /// The rows as fed to BLAS.
        let scaled: [Double]
        /// Per row: ‖r‖² (Euclidean) or 1 (cosine; 0 for a zero row).
        let squaredNorms: [Double]
        /// Per row: ‖r‖, for the direct cosine recomputation.
        let norms: [Double]
        /// The largest entry of `squaredNorms` (0 without rows).
        let largestSquaredNorm: Double

        init(_ matrix: Matrix, metric: DistanceMetric) {
            let d = matrix.columns
            var squaredNorms = [Double](repeating: 0, count: matrix.rows)
            var norms = [Double](repeating: 0, count: matrix.rows)
            matrix.values.withUnsafeBufferPointer { p in
                for i in 0..<matrix.rows {
                    var s = 0.0
                    for k in 0..<d { s += p[i * d + k] * p[i * d + k] }
                    squaredNorms[i] = s
                    norms[i] = s.squareRoot()
                }
            }
            self.matrix = matrix
            self.norms = norms
            switch metric {
            case .euclidean:
                scaled = matrix.values
                self.squaredNorms = squaredNorms
            case .cosine:
                var scaled = matrix.values
                var unit = [Double](repeating: 0, count: matrix.rows)
                for i in 0..<matrix.rows where norms[i] > 0 {
                    let inverse = 1 / norms[i]
                    for k in 0..<d { scaled[i * d + k] *= inverse }
                    unit[i] = 1
                }
                self.scaled = scaled
                self.squaredNorms = unit
            }
            largestSquaredNorm = self.squaredNorms.max() ?? 0
        }
    }

    /// The rows searched.
    public var references: Matrix { prepared.matrix }
    public let metric: DistanceMetric
    private let prepared: PreparedRows
    /// 8 (d + 4) u: the relative rounding bound of one product entry (see the type's documentation).
    private let tolScale: Double

    /// A search over `references` (at least one row).
    public init(references: Matrix, metric: DistanceMetric) {
        precondition(references.rows > 0, "NearestNeighborSearch needs at least one reference row")
        self.metric = metric
        prepared = PreparedRows(references, metric: metric)
        tolScale = 8 * Double(references.columns + 4) * Double.ulpOfOne / 2
    }

    /// `queries` (same number of columns as the references) prepared for `approximateDistances`.
    public func prepare(_ queries: Matrix) -> PreparedRows {
        precondition(queries.columns == references.columns, "queries have \(queries.columns) columns, references \(references.columns)")
        return PreparedRows(queries, metric: metric)
    }

    /// Approximate ranking distances (squared Euclidean, or cosine) of the query rows `queryRows`
    /// against the reference rows `referenceRows`, from one `dgemm`, written row-major to `output`:
    /// one row of `referenceRows.count` entries per query, rows `stride` doubles apart (default:
    /// `referenceRows.count`). Each entry is within `errorBound` of `exactDistance`.
    public func approximateDistances(
        _ queries: PreparedRows, queryRows: Range<Int>, referenceRows: Range<Int>, into output: UnsafeMutablePointer<Double>,
        stride: Int? = nil
    ) {
        let d = references.columns
        let qCount = queryRows.count
        let rCount = referenceRows.count
        let ldc = stride ?? rCount
        precondition(ldc >= rCount, "the output stride is shorter than a row")
        if d > 0 {
            queries.scaled.withUnsafeBufferPointer { qp in
                prepared.scaled.withUnsafeBufferPointer { rp in
                    OpenBLAS.shared.dgemm(
                        CblasRowMajor, CblasNoTrans, CblasTrans,
                        Int32(qCount), Int32(rCount), Int32(d),
                        1.0, qp.baseAddress! + queryRows.lowerBound * d, Int32(d),
                        rp.baseAddress! + referenceRows.lowerBound * d, Int32(d),
                        0.0, output, Int32(ldc))
                }
            }
        } else {
            for q in 0..<qCount { (output + q * ldc).update(repeating: 0, count: rCount) }
        }
        prepared.squaredNorms.withUnsafeBufferPointer { rNorms in
            for q in 0..<qCount {
                let row = output + q * ldc
                switch metric {
                case .euclidean:
                    let qNorm = queries.squaredNorms[queryRows.lowerBound + q]
                    for r in 0..<rCount { row[r] = qNorm + rNorms[referenceRows.lowerBound + r] - 2 * row[r] }
                case .cosine:
                    for r in 0..<rCount { row[r] = 1 - row[r] }
                }
            }
        }
    }

    /// `approximateDistances` into the front of `block` (rows `referenceRows.count` apart).
    func approximateDistances(_ queries: PreparedRows, queryRows: Range<Int>, referenceRows: Range<Int>, into block: inout [Double]) {
        precondition(block.count >= queryRows.count * referenceRows.count, "the block is too small")
        block.withUnsafeMutableBufferPointer { output in
            approximateDistances(queries, queryRows: queryRows, referenceRows: referenceRows, into: output.baseAddress!)
        }
    }

    /// A bound on |approximate − exact| distance of query row `query` to reference row `reference`.
    public func errorBound(_ queries: PreparedRows, query: Int, reference: Int) -> Double {
        tolScale * (queries.squaredNorms[query] + prepared.squaredNorms[reference]) + Double.leastNormalMagnitude
    }

    /// A bound on |approximate − exact| distance of query row `query` to every reference row.
    public func errorBound(_ queries: PreparedRows, query: Int) -> Double {
        tolScale * (queries.squaredNorms[query] + prepared.largestSquaredNorm) + Double.leastNormalMagnitude
    }

    /// The distance that defines the ranking, straight from the rows (a plain loop in feature order):
    /// Euclidean squared, or cosine (1 for a zero row).
    public func exactDistance(_ queries: PreparedRows, query q: Int, reference r: Int) -> Double {
        let d = references.columns
        return queries.matrix.values.withUnsafeBufferPointer { qp in
            references.values.withUnsafeBufferPointer { rp in
                let qBase = q * d
                let rBase = r * d
                switch metric {
                case .euclidean:
                    var sum = 0.0
                    for k in 0..<d {
                        let diff = qp[qBase + k] - rp[rBase + k]
                        sum += diff * diff
                    }
                    return sum
                case .cosine:
                    let denominator = queries.norms[q] * prepared.norms[r]
                    if denominator == 0 { return 1 }
                    var dot = 0.0
                    for k in 0..<d { dot += qp[qBase + k] * rp[rBase + k] }
                    return 1 - dot / denominator
                }
            }
        }
    }

    /// The nearest reference of each query row (same number of columns as the references).
    ///
    /// - Parameters:
    ///   - excluding: per query, a reference index that must not be chosen (leave-one-out: the query
    ///     itself), or `nil` for none. Must have `queries.rows` entries when given.
    ///   - progress: called after each query block with (queries done, queries in all).
    /// - Precondition: at least one admissible reference per query.
    public func nearest(
        to queries: Matrix, excluding: [Int]? = nil, progress: ((Int, Int) -> Void)? = nil
    ) -> [NearestNeighbor] {
        precondition(references.rows > (excluding == nil ? 0 : 1), "no admissible reference")
        return rankedNeighbours(k: 1, of: queries, excluding: excluding, progress: progress).map { found in
            var best = found[0]
            if metric == .euclidean { best.distance = best.distance.squareRoot() }
            return best
        }
    }

    /// The nearest reference of each query row among the first `prefix` references, for every
    /// prefix size in `prefixes` (ascending, each in 1...references.rows), in one pass over the
    /// references: `result[p][q]` is exactly what `nearest(to:)` over the first `prefixes[p]`
    /// references alone gives (the candidates kept when a prefix ends are the ones that search
    /// would keep, and are recomputed directly), ties to the lowest index included. Nested
    /// subsamples (a convergence curve) thus cost one product with the largest, not one per size.
    public func nearest(
        to queries: Matrix, inPrefixes prefixes: [Int], progress: ((Int, Int) -> Void)? = nil
    ) -> [[NearestNeighbor]] {
        precondition(!prefixes.isEmpty && zip(prefixes, prefixes.dropFirst()).allSatisfy { $0 < $1 }, "ascending prefixes")
        precondition(prefixes[0] >= 1 && prefixes.last! <= references.rows, "prefixes within the references")
        return ranked(k: 1, of: queries, excluding: nil, prefixes: prefixes, progress: progress).map { perQuery in
            perQuery.map { found in
                var best = found[0]
                if metric == .euclidean { best.distance = best.distance.squareRoot() }
                return best
            }
        }
    }

    /// The `k` nearest references of each query row, nearest first: the first `k` of all references
    /// sorted by (`exactDistance`, index), so exactly what a full sort of directly computed distances
    /// gives, ties included (fewer than `k` when fewer references are admissible). Distances are
    /// ranking distances: squared Euclidean, or cosine.
    ///
    /// Per query, every reference whose approximate distance minus its error bound does not exceed
    /// the `k`-th smallest approximate distance plus its bound is a candidate; the candidates'
    /// distances are recomputed directly and sorted.
    ///
    /// - Parameters:
    ///   - excluding: per query, a reference index that must not be chosen, or `nil` for none.
    ///   - progress: called after each query block with (queries done, queries in all).
    public func rankedNeighbours(
        k: Int, of queries: Matrix, excluding: [Int]? = nil, progress: ((Int, Int) -> Void)? = nil
    ) -> [[NearestNeighbor]] {
        precondition(k >= 1, "k must be at least 1")
        precondition(excluding == nil || excluding!.count == queries.rows, "one exclusion per query")
        return ranked(k: k, of: queries, excluding: excluding, prefixes: [references.rows], progress: progress)[0]
    }

    /// The one scan of both searches: `result[p][q]` holds the `k` nearest of query `q` among the
    /// first `prefixes[p]` references (ascending prefixes), nearest first, as `rankedNeighbours`
    /// describes; the references are read once, and each prefix's answer is taken from the
    /// candidates kept when it ends.
    private func ranked(
        k: Int, of queries: Matrix, excluding: [Int]?, prefixes: [Int], progress: ((Int, Int) -> Void)?
    ) -> [[[NearestNeighbor]]] {
        let preparedQueries = prepare(queries)
        var result = [[[NearestNeighbor]]](repeating: [], count: prefixes.count)
        for p in prefixes.indices { result[p].reserveCapacity(queries.rows) }
        let qb = Self.queryBlock
        let rb = Self.referenceBlock
        var distances = [Double](repeating: 0, count: qb * rb)
        var candidates = [[(index: Int, lower: Double)]](repeating: [], count: qb)
        // Per query, the k smallest upper bounds seen so far, ascending: the last one bounds the k-th distance.
        var uppers = [[Double]](repeating: [], count: qb)

        var qStart = 0
        while qStart < queries.rows {
            let qCount = min(qb, queries.rows - qStart)
            for q in 0..<qCount {
                candidates[q].removeAll(keepingCapacity: true)
                uppers[q].removeAll(keepingCapacity: true)
            }
            var rStart = 0
            for (p, prefix) in prefixes.enumerated() {
                while rStart < prefix {
                    let rCount = min(rb, prefix - rStart)
                    approximateDistances(
                        preparedQueries, queryRows: qStart..<(qStart + qCount), referenceRows: rStart..<(rStart + rCount), into: &distances)
                    distances.withUnsafeBufferPointer { cp in
                        for q in 0..<qCount {
                            let skip = excluding?[qStart + q] ?? -1
                            var bound = uppers[q].count < k ? Double.infinity : uppers[q][k - 1]
                            let rowBase = q * rCount
                            for r in 0..<rCount {
                                let global = rStart + r
                                if global == skip { continue }
                                let approx = cp[rowBase + r]
                                let tol = errorBound(preparedQueries, query: qStart + q, reference: global)
                                let lower = approx - tol
                                if lower <= bound {
                                    candidates[q].append((global, lower))
                                    let upper = approx + tol
                                    if upper < bound || uppers[q].count < k {
                                        Self.insert(upper, into: &uppers[q], keeping: k)
                                        bound = uppers[q].count < k ? Double.infinity : uppers[q][k - 1]
                                    }
                                }
                            }
                            if candidates[q].count > 64 + 4 * k { candidates[q].removeAll { $0.lower > bound } }
                        }
                    }
                    rStart += rCount
                }
                // The prefix ends here: its answer from the candidates so far.
                for q in 0..<qCount {
                    let query = qStart + q
                    let bound = uppers[q].count < k ? Double.infinity : uppers[q][k - 1]
                    var found = candidates[q].compactMap { candidate -> NearestNeighbor? in
                        guard candidate.lower <= bound else { return nil }
                        return NearestNeighbor(
                            index: candidate.index, distance: exactDistance(preparedQueries, query: query, reference: candidate.index))
                    }
                    found.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                    result[p].append(Array(found.prefix(k)))
                }
            }
            qStart += qCount
            progress?(qStart, queries.rows)
        }
        return result
    }

    /// Inserts `value` into the ascending `sorted`, keeping at most its `count` smallest entries.
    private static func insert(_ value: Double, into sorted: inout [Double], keeping count: Int) {
        var position = sorted.count
        while position > 0 && sorted[position - 1] > value { position -= 1 }
        guard position < count else { return }
        sorted.insert(value, at: position)
        if sorted.count > count { sorted.removeLast() }
    }

    /// Leave-one-out: for each row of `data`, its nearest other row (needs at least two rows).
    public static func leaveOneOut(
        _ data: Matrix, metric: DistanceMetric, progress: ((Int, Int) -> Void)? = nil
    ) -> [NearestNeighbor] {
        NearestNeighborSearch(references: data, metric: metric)
            .nearest(to: data, excluding: Array(0..<data.rows), progress: progress)
    }
}
