import Foundation

/// Exact KNN-Shapley values (`KNNShapley`) of a training set against validation sets, with the
/// distances from the BLAS blocks of `NearestNeighborSearch`; the result is the same, bit for bit,
/// as ranking every training row by its directly computed distance.
///
/// **Method**, per block of validation rows: one `dgemm` gives approximate distances to all training
/// rows (`NearestNeighborSearch.approximateDistances`). Per validation row, each approximate distance
/// is packed with its training index into one 64-bit key (the distance's order-preserving bit
/// pattern, less the smallest distance's, with its low `truncatedBits` bits replaced by the index)
/// and the keys are radix-sorted on the distance bits (three 11-bit passes for 10,000 rows of
/// typical embeddings). Two neighbours in that order are certainly in the exact order when their
/// truncated distances differ by more than twice the product's error bound plus the truncation error;
/// every run of neighbours not separated that way (exact ties, near-ties) has its distances
/// recomputed directly and is re-sorted by (distance, training index), the tie rule of the
/// definition. The recursion then runs over the ranks and each training row's term is summed over
/// validation rows in validation order, as `KNNShapley.values(trainingLabels:validationLabels:orders:k:)`
/// does: block size and thread count do not change a single bit.
///
/// **Cost.** O(V·N·d) for the products (BLAS), O(V·N) for the sorts and the recursion.
/// **Memory.** Besides the inputs, one block of `queryBlock × N` doubles (at most `blockBudget`
/// doubles, 16 MiB, unless N alone exceeds it) and two N-entry key arrays per task of the sorting
/// phase.
/// **Threads.** Every phase runs on all cores through `DispatchQueue.concurrentPerform`: the
/// product in slices of training rows (one single-threaded BLAS call per slice; OpenBLAS's own
/// threads are off meanwhile, see `BLASLibrary.withoutBLASThreads`), the sorts and recursions by
/// validation row, the sums by range of training rows.
public struct KNNShapleyValuation: Sendable {
    /// The largest distance block, in doubles, the default block size keeps to.
    public static let blockBudget = 1 << 21
    /// Low bits of a distance dropped to make room for the index (more when N needs more bits).
    static let minimumTruncatedBits = 20
    /// Validation rows per task of the sorting phase (they share one pair of key arrays).
    static let rowsPerGroup = 4

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
        // Every entry is written (by the product) before it is read: no zero-filling.
        let bufferSize = min(block, max(1, validation.rows)) * n
        var buffer = [Double](unsafeUninitializedCapacity: bufferSize) { _, initialized in initialized = bufferSize }
        let chunkCount = min(n, 4 * ProcessInfo.processInfo.activeProcessorCount)
        let sliceCount = min(n, 2 * ProcessInfo.processInfo.activeProcessorCount)
        BLASLibrary.withoutBLASThreads {
            var start = 0
            while start < validation.rows {
                let count = min(block, validation.rows - start)
                let first = start
                buffer.withUnsafeMutableBufferPointer { rows in
                    let rows = DisjointWrites(base: rows.baseAddress!)
                    // The product in slices of training rows, one BLAS call per slice on the worker threads.
                    DispatchQueue.concurrentPerform(iterations: sliceCount) { slice in
                        let columns = (slice * n / sliceCount)..<((slice + 1) * n / sliceCount)
                        search.approximateDistances(
                            prepared, queryRows: first..<(first + count), referenceRows: columns, into: rows.base + columns.lowerBound,
                            stride: n)
                    }
                    // Groups of a few rows share one pair of key arrays; groups are handed out dynamically.
                    let groups = (count + Self.rowsPerGroup - 1) / Self.rowsPerGroup
                    DispatchQueue.concurrentPerform(iterations: groups) { group in
                        var keys = [UInt64](repeating: 0, count: n)
                        var scratch = [UInt64](repeating: 0, count: n)
                        keys.withUnsafeMutableBufferPointer { keys in
                            scratch.withUnsafeMutableBufferPointer { scratch in
                                for q in (group * Self.rowsPerGroup)..<min(count, (group + 1) * Self.rowsPerGroup) {
                                    contributions(
                                        row: rows.base + q * n, query: first + q, prepared: prepared, label: validationLabels[first + q],
                                        truncatedBits: truncatedBits, reciprocals: reciprocals, keys: keys, scratch: scratch)
                                }
                            }
                        }
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
        }
        let divisor = Double(max(1, validation.rows))
        return total.map { $0 / divisor }
    }

    /// Overwrites `row` (the approximate distances of validation row `query` to every training row)
    /// with each training row's Shapley value for that validation row. `keys` and `scratch` hold N
    /// entries each; their contents are not needed before nor kept after.
    private func contributions(
        row: UnsafeMutablePointer<Double>, query: Int, prepared: NearestNeighborSearch.PreparedRows, label: Int,
        truncatedBits: Int, reciprocals: [Double], keys: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>
    ) {
        let n = trainingLabels.count
        let lowMask: UInt64 = (1 << UInt64(truncatedBits)) - 1
        var base = UInt64.max
        var top = UInt64.min
        for i in 0..<n {
            let key = Self.orderedBits(row[i]) & ~lowMask
            keys[i] = key
            base = min(base, key)
            top = max(top, key)
        }
        // Keys relative to the smallest: only the bits the range needs get sorted.
        for i in 0..<n { keys[i] = (keys[i] - base) | UInt64(i) }
        let sorted = Self.radixSort(keys, scratch: scratch, fromBit: truncatedBits, toBit: UInt64.bitWidth - (top - base).leadingZeroBitCount)
        // Within a factor 1 + 2⁻³² of the largest |distance| (the truncation lowers it at most that much).
        let largest = max(abs(Self.distance(orderedBits: base)), abs(Self.distance(orderedBits: top)))
        // Neighbours whose truncated distances differ by more than `separation` are in exact order.
        let truncationError = Double(sign: .plus, exponent: truncatedBits - 51, significand: largest) + Double.leastNormalMagnitude
        let separation = 1.5 * (2 * search.errorBound(prepared, query: query) + truncationError)
        var p = 0
        while p < n {
            var end = p + 1
            var previous = Self.distance(orderedBits: (sorted[p] & ~lowMask) + base)
            while end < n {
                let next = Self.distance(orderedBits: (sorted[end] & ~lowMask) + base)
                if next - previous > separation { break }
                previous = next
                end += 1
            }
            if end - p > 1 {
                var run = (p..<end).map { position -> (distance: Double, index: Int) in
                    let index = Int(sorted[position] & lowMask)
                    return (search.exactDistance(prepared, query: query, reference: index), index)
                }
                run.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
                for (offset, entry) in run.enumerated() { sorted[p + offset] = UInt64(entry.index) }
            }
            p = end
        }
        // KNNShapley.valuesByRank, term for term: (m_i − m_{i+1}) / max(K, i) is 0 or ±1 / max(K, i).
        trainingLabels.withUnsafeBufferPointer { labels in
            reciprocals.withUnsafeBufferPointer { reciprocals in
                var index = Int(sorted[n - 1] & lowMask)
                var next = labels[index] == label
                var value = (next ? 1 : 0) / Double(max(n, k))
                row[index] = value
                var i = n - 1
                while i >= 1 {
                    index = Int(sorted[i - 1] & lowMask)
                    let match = labels[index] == label
                    if match != next { value = match ? value + reciprocals[i] : value - reciprocals[i] }
                    row[index] = value
                    next = match
                    i -= 1
                }
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

    /// Sorts `keys` by their bits `fromBit ..< toBit` (LSD radix sort, 11-bit digits, one counting
    /// pass for all digits, skipping digits all keys share; bits from `toBit` up must be zero) and
    /// returns the buffer that holds the result: `keys` or `scratch` (as many entries). The order of
    /// keys equal in those bits is that of the input.
    static func radixSort(
        _ keys: UnsafeMutableBufferPointer<UInt64>, scratch: UnsafeMutableBufferPointer<UInt64>, fromBit: Int, toBit: Int = 64
    ) -> UnsafeMutableBufferPointer<UInt64> {
        let n = keys.count
        guard n > 1, fromBit < toBit else { return keys }
        let digitBits = 11
        let buckets = 1 << digitBits
        let passes = (toBit - fromBit + digitBits - 1) / digitBits
        let mask = UInt64(buckets - 1)
        var counts = [Int](repeating: 0, count: passes * buckets)
        return counts.withUnsafeMutableBufferPointer { counts in
            for i in 0..<n {
                var key = keys[i] >> UInt64(fromBit)
                for pass in 0..<passes {
                    counts[pass * buckets + Int(key & mask)] += 1
                    key >>= UInt64(digitBits)
                }
            }
            var source = keys
            var target = scratch
            for pass in 0..<passes {
                let shift = UInt64(fromBit + pass * digitBits)
                let count = counts.baseAddress! + pass * buckets
                if count[Int((source[0] >> shift) & mask)] == n { continue }
                var offset = 0
                for d in 0..<buckets {
                    let c = count[d]
                    count[d] = offset
                    offset += c
                }
                for i in 0..<n {
                    let key = source[i]
                    let d = Int((key >> shift) & mask)
                    target[count[d]] = key
                    count[d] += 1
                }
                swap(&source, &target)
            }
            return source
        }
    }
}

/// A buffer shared by the iterations of one `DispatchQueue.concurrentPerform`, each of which reads
/// and writes only its own disjoint part (one validation row, one range of training rows); the call
/// returns only when all iterations are done.
private struct DisjointWrites: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
}
