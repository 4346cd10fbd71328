/// How feature columns are put on one scale before distances are measured: the nearest-neighbour
/// engines (feasibility, valuation, acquisition) depend on it, since a raw column in the thousands
/// drowns one in the tenths. The statistics come from a reference matrix (the training rows) and are
/// applied unchanged to the others, so no information flows from them into the scale.
public enum FeatureScaling: String, Sendable, Hashable, Codable, CaseIterable {
    /// The features as given.
    case none
    /// Each column minus the reference mean, over the reference population standard deviation
    /// (a constant column is only centred).
    case standardize
    /// Each column mapped by the reference's observed [min, max] onto [0, 1] (a constant column to 0).
    case minMax = "minmax"

    /// How a representation scaled this way is named.
    public var label: String {
        switch self {
        case .none: "raw"
        case .standardize: "standardized"
        case .minMax: "min-max"
        }
    }

    /// The per-column affine map `(x − shift) / divisor` fitted on `reference`.
    public struct Fitted: Sendable, Hashable {
        public var shift: [Double]
        public var divisor: [Double]

        public func apply(_ matrix: Matrix) -> Matrix {
            var out = matrix
            for r in 0..<matrix.rows {
                for c in 0..<matrix.columns { out[r, c] = (matrix[r, c] - shift[c]) / divisor[c] }
            }
            return out
        }

        public func apply(row: [Double]) -> [Double] { row.indices.map { (row[$0] - shift[$0]) / divisor[$0] } }
    }

    /// The map fitted on `reference`'s columns.
    public func fit(_ reference: Matrix) -> Fitted {
        let width = reference.columns
        let count = Double(max(1, reference.rows))
        switch self {
        case .none:
            return Fitted(shift: Array(repeating: 0, count: width), divisor: Array(repeating: 1, count: width))
        case .standardize:
            var mean = [Double](repeating: 0, count: width)
            var variance = [Double](repeating: 0, count: width)
            for r in 0..<reference.rows { for c in 0..<width { mean[c] += reference[r, c] } }
            for c in 0..<width { mean[c] /= count }
            for r in 0..<reference.rows { for c in 0..<width { variance[c] += (reference[r, c] - mean[c]) * (reference[r, c] - mean[c]) } }
            return Fitted(shift: mean, divisor: variance.map { let s = ($0 / count).squareRoot(); return s == 0 ? 1 : s })
        case .minMax:
            var low = [Double](repeating: .infinity, count: width)
            var high = [Double](repeating: -.infinity, count: width)
            for r in 0..<reference.rows {
                for c in 0..<width {
                    low[c] = min(low[c], reference[r, c])
                    high[c] = max(high[c], reference[r, c])
                }
            }
            return Fitted(shift: low.map { $0.isFinite ? $0 : 0 }, divisor: zip(low, high).map { $1 > $0 ? $1 - $0 : 1 })
        }
    }
}
