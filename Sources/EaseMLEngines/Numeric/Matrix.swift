/// A dense, row-major matrix of `Double`s: row `i` occupies `values[i * columns ..< (i + 1) * columns]`.
///
/// The element type is `Double`, not `Float`, on purpose: nearest-neighbour search computes squared
/// distances through the identity ‖a‖² + ‖b‖² − 2a·b, which cancels catastrophically for close
/// neighbours. In `Double` the cancellation error (≈ d·2⁻⁵³·(‖a‖² + ‖b‖²)) stays far below the gap between
/// distinct distances of real data, so the tie-repair band of `NearestNeighborSearch` stays small and
/// results match a naive loop exactly. The price is twice the memory (50,000 × 512 features: 205 MB)
/// and roughly twice the time of `sgemm`; `.npy` float32 input is widened on reading.
public struct Matrix: Sendable, Equatable {
    /// Number of rows (examples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The elements in row-major (C) order; `values.count == rows * columns`.
    public private(set) var values: [Double]

    /// A matrix over `values` in row-major order. `values.count` must equal `rows * columns`.
    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(rows >= 0 && columns >= 0 && values.count == rows * columns, "Matrix: \(values.count) values for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix whose rows are `rows` (all of one length).
    public init(rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "Matrix: rows of different lengths")
        self.init(rows: rowArrays.count, columns: columns, values: rowArrays.flatMap { $0 })
    }

    /// The element at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// Row `index` as an array.
    public func row(_ index: Int) -> [Double] {
        Array(values[(index * columns)..<((index + 1) * columns)])
    }

    /// A new matrix made of the given rows, in the given order (indices may repeat).
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var out: [Double] = []
        var count = 0
        for i in indices {
            precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
            out.append(contentsOf: values[(i * columns)..<((i + 1) * columns)])
            count += 1
        }
        return Matrix(rows: count, columns: columns, values: out)
    }

    /// A new matrix made of the given columns, in the given order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out: [Double] = []
        out.reserveCapacity(rows * indices.count)
        for r in 0..<rows {
            for c in indices { out.append(values[r * columns + c]) }
        }
        return Matrix(rows: rows, columns: indices.count, values: out)
    }

    /// The matrix with `other`'s columns appended on the right (same number of rows).
    public func appendingColumns(of other: Matrix) -> Matrix {
        precondition(rows == other.rows, "appendingColumns: \(rows) rows vs \(other.rows)")
        var out: [Double] = []
        out.reserveCapacity(rows * (columns + other.columns))
        for r in 0..<rows {
            out.append(contentsOf: values[(r * columns)..<((r + 1) * columns)])
            out.append(contentsOf: other.values[(r * other.columns)..<((r + 1) * other.columns)])
        }
        return Matrix(rows: rows, columns: columns + other.columns, values: out)
    }
}
