import Foundation

/// Exact KNN-Shapley values (`KNNShapley`) of a training set against validation sets, with the
/// distances from the BLAS blocks of `NearestNeighborSearch`; the result is the same, bit for bit,
/// as ranking every training row by its directly computed distance.
///
/// **Method**, per block of validation rows: one `dgemm` gives approximate distances to all training
/// rows (`NearestNeighborSearch.approximateDistances`). Per validation row, each approximate distance
/// is packed with its training index into one 64-bit key (the distance's order-preserving bit
/// pattern with its low `truncatedBits` bits replaced by the index) and the keys are radix-sorted on
/// the distance bits. Two neighbours in that order are certainly in the exact order when their
/// truncated distances differ by more than twice the product's error bound plus the truncation error;
/// every run of neighbours not separated that way (exact ties, near-ties) has its distances
/// recomputed directly and is re-sorted by (distance, training index), the tie rule of the
/// definition. The recursion then runs over the ranks and each training row's term is summed over
/// validation rows in validation order, as `KNNShapley.values(trainingLabels:validationLabels:orders:k:)`
/// does: block size and thread count do not change a single bit.
///
/// **Cost.** O(V·N·d) for the products (BLAS), O(V·N) for the sorts and the recursion.
/// **Memory.** Besides the inputs, one block of `queryBlock × N` doubles (at most `blockBudget`
/// doubles, 16 MiB, unless N alone exceeds it) and two N-entry key arrays per worker thread.
/// **Threads.** BLAS's own for the products; the sorts and the recursion of a block's rows run on
/// all cores (`DispatchQueue.concurrentPerform`).
public struct KNNShapleyValuation: Sendable {
    /// The largest distance block, in doubles, the default block size keeps to.
    public static let blockBudget = 1 << 21
    /// Low bits of a distance dropped to make room for the index (more when N needs more bits).
    static let minimumTruncatedBits = 20

    /// The training rows and the distance used to rank them.
    public let search: NearestNeighborSearch
    /// The training rows' class codes.
    public let trainingLabels: [Int]
    /// K of the KNN classifier.
    public let k: Int

    /// A valuation of `training` (at least one row) with class codes `trainingLabels` for a KNN
    /// classifier with `k ≥ 1` under `metric`.
    public init(training: Matrix, trainingLabels: [Int], k: Int, metric: DistanceMetric) {
        precondition(k >= 1, "K must be at least 1")
        precondition(training.rows == trainingLabels.count, "\(training.rows) training rows, \(trainingLabels.count) labels")
        precondition(training.rows < 1 << 40, "too many training rows")
        search = NearestNeighborSearch(references: training, metric: metric)
        self.trainingLabels = trainingLabels
        self.k = k
    }

    /// The default number of validation rows per block for `trainingRows` training rows.
    public static func defaultQueryBlock(trainingRows: Int) -> Int {
        max(1, min(NearestNeighborSearch.queryBlock, blockBudget / max(1, trainingRows)))
    }

    /// The exact KNN-Shapley value of every training row (indexed like the training rows): the mean
    /// over the validation rows of each row's Shapley value for that row's KNN utility. A validation
    /// label that no training row has (e.g. −1) never matches. Values sum to the mean utility of the
    /// whole training set.
    ///
    /// - Parameters:
    ///   - validation: rows with as many columns as the training rows.
    ///   - validationLabels: one class code per validation row.
    ///   - queryBlock: validation rows per distance block (default `defaultQueryBlock`); any value
    ///     gives the same result.
    public func values(validation: Matrix, validationLabels: [Int], queryBlock: Int? = nil) -> [Double] {
        precondition(validation.rows == validationLabels.count, "\(validation.rows) validation rows, \(validationLabels.count) labels")
        let n = trainingLabels.count
        let block = queryBlock ?? Self.defaultQueryBlock(trainingRows: n)
        precondition(block >= 1, "the query block must hold at least one row")
        let prepared = search.prepare(validation)
        let indexBits = Int.bitWidth - (n - 1).leadingZeroBitCount
        let truncatedBits = max(indexBits, Self.minimumTruncatedBits)
        let reciprocals = (0...max(n, 1)).map { 1 / Double(max(k, $0)) }
        var total = [Double](repeating: 0, count: n)
        var buffer = [Double](repeating: 0, count: min(block, max(1, validation.rows)) * n)
        let chunkCount = min(n, 4 * ProcessInfo.processInfo.activeProcessorCount)
        var start = 0
        while start < validation.rows {
            let count = min(block, validation.rows - start)
            let first = start
            buffer.withUnsafeMutableBufferPointer { rows in
                let rows = DisjointWrites(base: rows.baseAddress!)
                search.approximateDistances(prepared, queryRows: first..<(first + count), referenceRows: 0..<n, into: rows.base)
                DispatchQueue.concurrentPerform(iterations: count) { q in
                    contributions(
                        row: rows.base + q * n, query: first + q, prepared: prepared, label: validationLabels[first + q],
                        truncatedBits: truncatedBits, reciprocals: reciprocals)
                }
                total.withUnsafeMutableBufferPointer { sums in
                    let sums = DisjointWrites(base: sums.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                        let range = (chunk * n / chunkCount)..<((chunk + 1) * n / chunkCount)
                        for q in 0..<count {
                            let row = rows.base + q * n
                            for i in range { sums.base[i] += row[i] }
                        }
                    }
                }
            }
            start += count
        }
        let divisor = Double(max(1, validation.rows))
        return total.map { $0 / divisor }
    }

    /// Overwrites `row` (the approximate distances of validation row `query` to every training row)
    /// with each training row's Shapley value for that validation row.
    private func contributions(
        row: UnsafeMutablePointer<Double>, query: Int, prepared: NearestNeighborSearch.PreparedRows, label: Int,
        truncatedBits: Int, reciprocals: [Double]
    ) {
        let n = trainingLabels.count
        let lowMask: UInt64 = (1 << UInt64(truncatedBits)) - 1
        var keys = [UInt64](repeating: 0, count: n)
        var scratch = [UInt64](repeating: 0, count: n)
        var largest = 0.0
        for i in 0..<n {
            let distance = row[i]
            largest = max(largest, abs(distance))
            keys[i] = (Self.orderedBits(distance) & ~lowMask) | UInt64(i)
        }
        Self.radixSort(&keys, scratch: &scratch, fromBit: truncatedBits)
        // Neighbours whose truncated distances differ by more than `separation` are in exact order.
        let truncationError = Double(sign: .plus, exponent: truncatedBits - 51, significand: largest) + Double.leastNormalMagnitude
        let separation = 1.5 * (2 * search.errorBound(prepared, query: query) + truncationError)
        keys.withUnsafeMutableBufferPointer { keys in
            var p = 0
            while p < n {
                var end = p + 1
                var previous = Self.distance(orderedBits: keys[p] & ~lowMask)
                while end < n {
                    let next = Self.distance(orderedBits: keys[end] & ~lowMask)
                    if next - previous > separation { break }
                    previous = next
                    end += 1
                }
                if end - p > 1 {
                    var run = (p..<end).map { position -> (distance: Double, index: Int) in
                        let index = Int(keys[position] & lowMask)
                        return (search.exactDistance(prepared, query: query, reference: index), index)
                    }
                    run.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                    for (offset, entry) in run.enumerated() { keys[p + offset] = UInt64(entry.index) }
                }
                p = end
            }
        }
        // KNNShapley.valuesByRank, term for term: (m_i − m_{i+1}) / max(K, i) is 0 or ±1 / max(K, i).
        trainingLabels.withUnsafeBufferPointer { labels in
            var index = Int(keys[n - 1] & lowMask)
            var next = labels[index] == label
            var value = (next ? 1 : 0) / Double(max(n, k))
            row[index] = value
            var i = n - 1
            while i >= 1 {
                index = Int(keys[i - 1] & lowMask)
                let match = labels[index] == label
                if match != next { value = match ? value + reciprocals[i] : value - reciprocals[i] }
                row[index] = value
                next = match
                i -= 1
            }
        }
    }

    /// A bit pattern whose unsigned order is the order of the doubles (−0 just below +0).
    static func orderedBits(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) == 0 ? bits | (1 << 63) : ~bits
    }

    /// The double of an `orderedBits` pattern.
    static func distance(orderedBits key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// Sorts `keys` by their bits from `fromBit` up (LSD radix sort, 11-bit digits, skipping digits
    /// all keys share); the order of keys equal in those bits is unspecified.
    static func radixSort(_ keys: inout [UInt64], scratch: inout [UInt64], fromBit: Int) {
        let n = keys.count
        guard n > 1 else { return }
        let digitBits = 11
        let buckets = 1 << digitBits
        var counts = [Int](repeating: 0, count: buckets)
        var inScratch = false
        var shift = fromBit
        keys.withUnsafeMutableBufferPointer { a in
            scratch.withUnsafeMutableBufferPointer { b in
                var source = a
                var target = b
                while shift < 64 {
                    let width = min(digitBits, 64 - shift)
                    let mask = UInt64((1 << width) - 1)
                    for d in 0..<buckets { counts[d] = 0 }
                    for i in 0..<n { counts[Int((source[i] >> UInt64(shift)) & mask)] += 1 }
                    if counts[Int((source[0] >> UInt64(shift)) & mask)] != n {
                        var offset = 0
                        for d in 0..<buckets {
                            let c = counts[d]
                            counts[d] = offset
                            offset += c
                        }
                        for i in 0..<n {
                            let key = source[i]
                            let d = Int((key >> UInt64(shift)) & mask)
                            target[counts[d]] = key
                            counts[d] += 1
                        }
                        swap(&source, &target)
                        inScratch.toggle()
                    }
                    shift += digitBits
                }
            }
        }
        if inScratch { swap(&keys, &scratch) }
    }
}

/// A buffer shared by the iterations of one `DispatchQueue.concurrentPerform`, each of which reads
/// and writes only its own disjoint part (one validation row, one range of training rows); the call
/// returns only when all iterations are done.
private struct DisjointWrites: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}
