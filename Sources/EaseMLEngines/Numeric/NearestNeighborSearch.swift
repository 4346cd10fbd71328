import CBLAS

/// Exact 1-nearest-neighbour search over a reference matrix, with the distance blocks computed by a
/// BLAS matrix product (`cblas_dgemm`).
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
/// **Memory.** Besides the inputs, one block of `queryBlock × referenceBlock` = 256 × 2,048 doubles
/// (4 MiB) of products, the row norms, and the per-query candidate lists (usually one or a few entries;
/// many exact duplicates make them longer). Nothing grows with `queries × references`.
public struct NearestNeighborSearch: Sendable {
    /// Query rows per `dgemm` block.
    public static let queryBlock = 256
    /// Reference rows per `dgemm` block.
    public static let referenceBlock = 2048

    /// The rows searched.
    public let references: Matrix
    public let metric: DistanceMetric
    /// The references as fed to BLAS: unchanged (Euclidean) or unit-length rows (cosine).
    private let scaled: [Double]
    /// Per reference row: ‖r‖² (Euclidean) or 1 (cosine; 0 for a zero row).
    private let squaredNorms: [Double]
    /// Per reference row: ‖r‖, for the direct cosine recomputation.
    private let norms: [Double]

    /// A search over `references` (at least one row).
    public init(references: Matrix, metric: DistanceMetric) {
        precondition(references.rows > 0, "NearestNeighborSearch needs at least one reference row")
        self.references = references
        self.metric = metric
        let prepared = Self.prepare(references, metric: metric)
        scaled = prepared.scaled
        squaredNorms = prepared.squaredNorms
        norms = prepared.norms
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
        precondition(queries.columns == references.columns, "queries have \(queries.columns) columns, references \(references.columns)")
        precondition(excluding == nil || excluding!.count == queries.rows, "one exclusion per query")
        precondition(references.rows > (excluding == nil ? 0 : 1), "no admissible reference")
        let d = references.columns
        let preparedQueries = Self.prepare(queries, metric: metric)
        let tolScale = 8 * Double(d + 4) * Double.ulpOfOne / 2
        var result: [NearestNeighbor] = []
        result.reserveCapacity(queries.rows)
        let qb = Self.queryBlock
        let rb = Self.referenceBlock
        var products = [Double](repeating: 0, count: qb * rb)
        var candidates = [[(index: Int, lower: Double)]](repeating: [], count: qb)
        var bestUpper = [Double](repeating: .infinity, count: qb)

        var qStart = 0
        while qStart < queries.rows {
            let qCount = min(qb, queries.rows - qStart)
            for q in 0..<qCount {
                candidates[q].removeAll(keepingCapacity: true)
                bestUpper[q] = .infinity
            }
            var rStart = 0
            while rStart < references.rows {
                let rCount = min(rb, references.rows - rStart)
                if d > 0 {
                    preparedQueries.scaled.withUnsafeBufferPointer { qp in
                        scaled.withUnsafeBufferPointer { rp in
                            products.withUnsafeMutableBufferPointer { cp in
                                cblas_dgemm(
                                    CblasRowMajor, CblasNoTrans, CblasTrans,
                                    Int32(qCount), Int32(rCount), Int32(d),
                                    1.0, qp.baseAddress! + qStart * d, Int32(d),
                                    rp.baseAddress! + rStart * d, Int32(d),
                                    0.0, cp.baseAddress!, Int32(rCount))
                            }
                        }
                    }
                } else {
                    for i in 0..<(qCount * rCount) { products[i] = 0 }
                }
                products.withUnsafeBufferPointer { cp in
                    for q in 0..<qCount {
                        let qNorm = preparedQueries.squaredNorms[qStart + q]
                        let skip = excluding?[qStart + q] ?? -1
                        var upper = bestUpper[q]
                        let rowBase = q * rCount
                        for r in 0..<rCount {
                            let global = rStart + r
                            if global == skip { continue }
                            let rNorm = squaredNorms[global]
                            let approx: Double
                            switch metric {
                            case .euclidean: approx = qNorm + rNorm - 2 * cp[rowBase + r]
                            case .cosine: approx = 1 - cp[rowBase + r]
                            }
                            let tol = tolScale * (qNorm + rNorm) + Double.leastNormalMagnitude
                            let lower = approx - tol
                            if lower <= upper {
                                candidates[q].append((global, lower))
                                upper = min(upper, approx + tol)
                            }
                        }
                        bestUpper[q] = upper
                        if candidates[q].count > 64 { candidates[q].removeAll { $0.lower > upper } }
                    }
                }
                rStart += rCount
            }
            for q in 0..<qCount {
                let query = qStart + q
                var best = NearestNeighbor(index: -1, distance: .infinity)
                for candidate in candidates[q] where candidate.lower <= bestUpper[q] {
                    let exact = exactDistance(queries, query, queryNorm: preparedQueries.norms[query], candidate.index)
                    if exact < best.distance { best = NearestNeighbor(index: candidate.index, distance: exact) }
                }
                if metric == .euclidean { best.distance = best.distance.squareRoot() }
                result.append(best)
            }
            qStart += qCount
            progress?(qStart, queries.rows)
        }
        return result
    }

    /// Leave-one-out: for each row of `data`, its nearest other row (needs at least two rows).
    public static func leaveOneOut(
        _ data: Matrix, metric: DistanceMetric, progress: ((Int, Int) -> Void)? = nil
    ) -> [NearestNeighbor] {
        NearestNeighborSearch(references: data, metric: metric)
            .nearest(to: data, excluding: Array(0..<data.rows), progress: progress)
    }

    /// The distance used to rank candidates, straight from the rows: Euclidean squared, or cosine.
    private func exactDistance(_ queries: Matrix, _ q: Int, queryNorm: Double, _ r: Int) -> Double {
        let d = references.columns
        return queries.values.withUnsafeBufferPointer { qp in
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
                    let denominator = queryNorm * norms[r]
                    if denominator == 0 { return 1 }
                    var dot = 0.0
                    for k in 0..<d { dot += qp[qBase + k] * rp[rBase + k] }
                    return 1 - dot / denominator
                }
            }
        }
    }

    /// The BLAS operand and norms of `matrix` for `metric`.
    private static func prepare(_ matrix: Matrix, metric: DistanceMetric) -> (scaled: [Double], squaredNorms: [Double], norms: [Double]) {
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
        switch metric {
        case .euclidean:
            return (matrix.values, squaredNorms, norms)
        case .cosine:
            var scaled = matrix.values
            var unit = [Double](repeating: 0, count: matrix.rows)
            for i in 0..<matrix.rows where norms[i] > 0 {
                let inverse = 1 / norms[i]
                for k in 0..<d { scaled[i * d + k] *= inverse }
                unit[i] = 1
            }
            return (scaled, unit, norms)
        }
    }
}
