/// A way to fill the missing cells of a training row (one candidate repair per method).
public enum RepairMethod: String, CaseIterable, Sendable, Codable {
    /// The mean of the column's observed cells.
    case mean
    /// The median of the column's observed cells (the mean of the two middle ones for an even count).
    case median
    /// The smallest observed cell of the column.
    case min
    /// The largest observed cell of the column.
    case max
    /// min + 0.25 · (max − min).
    case grid25
    /// min + 0.75 · (max − min).
    case grid75
    /// The mean, in each missing column, of the 5 nearest donor rows (rows with no missing cell),
    /// by squared Euclidean distance over the row's observed columns, ties by row index.
    case knn5
    /// The most frequent observed cell of the column (the smallest among equally frequent ones):
    /// for one-hot encoded categories, the most common category.
    case mode

    /// The candidates `clean` builds for every incomplete row (every method but `mode`, whose value
    /// on a numeric column is rarely meaningful; `easeml-ci ingest table --candidates` adds it).
    public static let cleaning: [RepairMethod] = [.mean, .median, .min, .max, .grid25, .grid75, .knn5]
}

/// Why candidate repairs could not be built.
public enum CandidateRepairError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A column has no observed cell, so no statistic of it exists.
    case columnWithoutObservedCells(column: Int)
    /// k-NN imputation needs at least one row without missing cells.
    case noDonorRows
    /// A supplied candidate has the wrong width, a non-finite value, or disagrees with an observed cell.
    case invalidCandidate(row: Int, reason: String)

    public var description: String {
        switch self {
        case .columnWithoutObservedCells(let column):
            return "column \(column + 1) has no observed cell, so it cannot be repaired"
        case .noDonorRows: return "k-NN repair needs at least one training row without missing cells"
        case .invalidCandidate(let row, let reason): return "candidate for row \(row): \(reason)"
        }
    }
}

/// The candidate repairs of an incomplete training table (CPClean's data model): a complete row has
/// exactly one candidate (itself); a row with missing cells (NaN) has one candidate per method, in
/// the order of the `methods` given, each filling all of the row's missing cells and keeping its
/// observed cells. Column statistics use the observed cells of that column only.
public enum CandidateRepairs {
    /// Built-in candidates for every row of `features` (NaN = missing). Candidates of a row are kept
    /// even when two methods agree, so a row's candidate count is always `methods.count`.
    public static func builtIn(
        features: Matrix, methods: [RepairMethod] = RepairMethod.cleaning
    ) throws(CandidateRepairError) -> [[[Double]]] {
        let columns = features.columns
        var observed = [[Double]](repeating: [], count: columns)
        for r in 0..<features.rows {
            for c in 0..<columns where !features[r, c].isNaN { observed[c].append(features[r, c]) }
        }
        let missingByRow = (0..<features.rows).map { r in (0..<columns).filter { features[r, $0].isNaN } }
        let needed = Set(missingByRow.joined())
        var statistics: [RepairMethod: [Double]] = [:]
        for method in methods where method != .knn5 {
            var column = [Double](repeating: .nan, count: columns)
            for c in needed.sorted() {
                let cells = observed[c]
                guard !cells.isEmpty else { throw .columnWithoutObservedCells(column: c) }
                column[c] = statistic(method, of: cells)
            }
            statistics[method] = column
        }
        let donors = (0..<features.rows).filter { missingByRow[$0].isEmpty }
        if methods.contains(.knn5) && !needed.isEmpty && donors.isEmpty { throw .noDonorRows }
        var result: [[[Double]]] = []
        result.reserveCapacity(features.rows)
        for r in 0..<features.rows {
            let row = features.row(r)
            let missing = missingByRow[r]
            guard !missing.isEmpty else {
                result.append([row])
                continue
            }
            result.append(methods.map { method in
                var candidate = row
                if method == .knn5 {
                    let fill = nearestDonorMean(row: row, missing: missing, donors: donors, features: features, count: 5)
                    for (c, value) in zip(missing, fill) { candidate[c] = value }
                } else {
                    let column = statistics[method]!
                    for c in missing { candidate[c] = column[c] }
                }
                return candidate
            })
        }
        return result
    }

    /// Candidates supplied by the user: `supplied[row]` replaces the built-in candidates of that row
    /// (rows not mentioned keep `builtIn`'s). Each supplied candidate must be finite, as wide as the
    /// table, and equal to the row's observed cells.
    public static func replacing(
        _ candidates: [[[Double]]], features: Matrix, with supplied: [Int: [[Double]]]
    ) throws(CandidateRepairError) -> [[[Double]]] {
        var result = candidates
        for (row, vectors) in supplied.sorted(by: { $0.key < $1.key }) {
            guard row >= 0 && row < features.rows else { throw .invalidCandidate(row: row, reason: "no such training row") }
            guard !vectors.isEmpty else { throw .invalidCandidate(row: row, reason: "no candidates") }
            for vector in vectors {
                guard vector.count == features.columns else {
                    throw .invalidCandidate(row: row, reason: "\(vector.count) values, the table has \(features.columns) columns")
                }
                for c in 0..<features.columns {
                    guard vector[c].isFinite else { throw .invalidCandidate(row: row, reason: "column \(c + 1) is not a finite number") }
                    let cell = features[row, c]
                    guard cell.isNaN || cell == vector[c] else {
                        throw .invalidCandidate(row: row, reason: "column \(c + 1) is observed as \(cell), the candidate says \(vector[c])")
                    }
                }
            }
            result[row] = vectors
        }
        return result
    }

    static func statistic(_ method: RepairMethod, of cells: [Double]) -> Double {
        switch method {
        case .mean: return cells.reduce(0, +) / Double(cells.count)
        case .median:
            let sorted = cells.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        case .min: return cells.min()!
        case .max: return cells.max()!
        case .grid25, .grid75:
            let low = cells.min()!, high = cells.max()!
            return low + (method == .grid25 ? 0.25 : 0.75) * (high - low)
        case .mode:
            var counts: [Double: Int] = [:]
            for cell in cells { counts[cell, default: 0] += 1 }
            return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
        case .knn5: preconditionFailure("knn5 is not a column statistic")
        }
    }

    /// The mean over the `count` nearest donors (squared Euclidean over the observed columns, ties by
    /// index) of each missing column.
    static func nearestDonorMean(row: [Double], missing: [Int], donors: [Int], features: Matrix, count: Int) -> [Double] {
        let missingSet = Set(missing)
        let observedColumns = (0..<features.columns).filter { !missingSet.contains($0) }
        let ranked = donors.map { donor -> (Double, Int) in
            var sum = 0.0
            for c in observedColumns {
                let d = features[donor, c] - row[c]
                sum += d * d
            }
            return (sum, donor)
        }.sorted { $0 < $1 }.prefix(count).map(\.1)
        return missing.map { c in
            var sum = 0.0
            for donor in ranked { sum += features[donor, c] }
            return sum / Double(ranked.count)
        }
    }
}
