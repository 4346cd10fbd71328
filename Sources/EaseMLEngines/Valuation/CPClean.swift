import Foundation

/// The CPClean cleaning loop (Karlaš et al., PVLDB 14(3), 2021) for a K-nearest-neighbour
/// classifier over training rows with candidate repairs, for any number of classes.
///
/// State: each training row's label and candidate set (a clean or cleaned row has one candidate).
/// For each validation point it keeps Q1 (is the prediction certain — the same in every world?) and,
/// for points that are not certain, answers Q2 (the fraction of worlds predicting each label, each
/// row's candidate uniform and independent). KNN uses squared Euclidean distance, neighbour ties by
/// row index; a vote tie goes to the smallest label. All answers are exact, as
/// `CertainPrediction`'s, but computed by one early-stopping scan:
///
/// - Elements (row, candidate) are sorted once per validation point by (distance, row, candidate).
/// - The scan stops as soon as K rows have all their candidates behind it: no later element can be
///   the K-th neighbour of any world. A row none of whose elements is reached before that point is
///   never among the K nearest, so it cannot change the point's answers, and cleaning it cannot
///   either (its reduction of the entropy is exactly 0 and it is skipped).
/// - The rows already wholly behind the scan enter the tally deterministically; only rows partly
///   behind it (some candidates nearer, some farther) go through the Poisson-binomial dynamic program.
///
/// Once a point is certain it stays certain (cleaning only removes worlds), so it is dropped.
public struct CPClean: Sendable {
    /// K of the classifier.
    public let k: Int
    /// Number of classes; labels are `0..<classCount`.
    public let classCount: Int
    /// The label of each training row.
    public let labels: [Int]
    /// The candidate feature vectors of each training row.
    public private(set) var candidates: [[[Double]]]
    /// Rows cleaned so far, in cleaning order.
    public private(set) var cleanedRows: [Int] = []
    /// Per validation point: the label predicted in every world, or `nil` when the worlds disagree.
    public private(set) var certainLabels: [Int?]

    private let validation: [[Double]]
    private let tallies: TallySpace
    /// Sorted elements of each validation point that is not certain (`nil` once it is).
    private var orders: [[Element]?]

    /// One row's expected benefit of being cleaned now.
    public struct RowGain: Sendable, Equatable {
        /// The training row.
        public var row: Int
        /// Mean over the uncertain validation points of the expected drop of Q2's entropy (nats).
        public var gain: Double
        /// How many uncertain validation points the row can influence.
        public var influencedPoints: Int
    }

    /// Sets up the state and answers Q1 for every validation point. `candidates[i]` must be non-empty
    /// and every vector as wide as the validation rows.
    public init(candidates: [[[Double]]], labels: [Int], classCount: Int, validation: [[Double]], k: Int) {
        precondition(k >= 1 && candidates.count == labels.count && candidates.allSatisfy { !$0.isEmpty })
        precondition(labels.allSatisfy { $0 >= 0 && $0 < classCount })
        self.k = k
        self.classCount = classCount
        self.labels = labels
        self.candidates = candidates
        self.validation = validation
        self.tallies = TallySpace(classCount: classCount, k: k)
        self.orders = []
        self.certainLabels = []
        for point in validation {
            let order = Self.sortedElements(candidates: candidates, point: point)
            let scan = scan(order, fixed: nil)
            if let label = scan.certainLabel {
                certainLabels.append(label)
                orders.append(nil)
            } else {
                certainLabels.append(nil)
                orders.append(order)
            }
        }
    }

    /// How many validation predictions are certain.
    public var certainCount: Int { certainLabels.count { $0 != nil } }
    /// True when every validation prediction is certain: further cleaning cannot change validation accuracy.
    public var isComplete: Bool { certainLabels.allSatisfy { $0 != nil } }
    /// Rows with more than one candidate, ascending.
    public var dirtyRows: [Int] { candidates.indices.filter { candidates[$0].count > 1 } }
    /// The validation points whose prediction is not certain, ascending.
    public var uncertainPoints: [Int] { certainLabels.indices.filter { certainLabels[$0] == nil } }

    /// Q2 for validation point `point`: the fraction of worlds predicting each label.
    public func labelFractions(point: Int) -> [Double] {
        if let label = certainLabels[point] {
            var result = [Double](repeating: 0, count: classCount)
            result[label] = 1
            return result
        }
        return scan(orders[point]!, fixed: nil).fractions
    }

    /// Natural-log entropy of Q2 for validation point `point` (0 when the prediction is certain).
    public func entropy(point: Int) -> Double { Self.entropy(labelFractions(point: point)) }

    /// The cleaning benefit of every dirty row (expected entropy drop of Q2, averaged over the
    /// uncertain points), best first; equal gains → smaller row first. Empty when all points are certain.
    public func gains() -> [RowGain] {
        let dirty = dirtyRows
        guard !dirty.isEmpty else { return [] }
        var total = [Double](repeating: 0, count: candidates.count)
        var influenced = [Int](repeating: 0, count: candidates.count)
        let points = uncertainPoints
        for point in points {
            let order = orders[point]!
            let base = scan(order, fixed: nil)
            let before = Self.entropy(base.fractions)
            for row in dirty where base.reached[row] {
                let m = candidates[row].count
                var expected = 0.0
                for candidate in 0..<m {
                    expected += Self.entropy(scan(order, fixed: (row, candidate)).fractions)
                }
                total[row] += before - expected / Double(m)
                influenced[row] += 1
            }
        }
        let count = Double(max(points.count, 1))
        return dirty.map { RowGain(row: $0, gain: total[$0] / count, influencedPoints: influenced[$0]) }
            .sorted { ($0.gain, -$0.row) > ($1.gain, -$1.row) }
    }

    /// The row to clean now (`nil` when all validation predictions are certain or no row is dirty).
    public func nextRow() -> RowGain? {
        isComplete ? nil : gains().first
    }

    /// Replaces row `row`'s candidates by its true feature vector and updates Q1 for the points
    /// that were not certain.
    public mutating func clean(row: Int, value: [Double]) {
        precondition(row >= 0 && row < candidates.count)
        candidates[row] = [value]
        cleanedRows.append(row)
        for point in orders.indices {
            guard var order = orders[point] else { continue }
            order.removeAll { $0.row == row }
            let element = Element(distance: Self.squaredDistance(value, validation[point]), row: row, candidate: 0)
            let position = order.firstIndex { Self.precedes(element, $0) } ?? order.count
            order.insert(element, at: position)
            if let label = scan(order, fixed: nil).certainLabel {
                certainLabels[point] = label
                orders[point] = nil
            } else {
                orders[point] = order
            }
        }
    }

    /// Natural-log entropy of a distribution.
    public static func entropy(_ distribution: [Double]) -> Double {
        var h = 0.0
        for p in distribution where p > 0 { h -= p * log(p) }
        return h
    }

    // MARK: - The scan

    struct Element: Sendable {
        var distance: Double
        var row: Int
        var candidate: Int
    }

    struct ScanResult {
        var fractions: [Double]
        var possible: [Bool]
        /// Rows with at least one element reached before the scan stopped.
        var reached: [Bool]

        var certainLabel: Int? {
            let labels = possible.indices.filter { possible[$0] }
            return labels.count == 1 ? labels[0] : nil
        }
    }

    static func precedes(_ a: Element, _ b: Element) -> Bool {
        (a.distance, a.row, a.candidate) < (b.distance, b.row, b.candidate)
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum
    }

    static func sortedElements(candidates: [[[Double]]], point: [Double]) -> [Element] {
        var elements: [Element] = []
        for (row, vectors) in candidates.enumerated() {
            for (candidate, vector) in vectors.enumerated() {
                elements.append(Element(distance: squaredDistance(vector, point), row: row, candidate: candidate))
            }
        }
        return elements.sorted(by: precedes)
    }

    /// Q1 and Q2 from one sorted element order; `fixed` conditions on one row taking one candidate.
    func scan(_ order: [Element], fixed: (row: Int, candidate: Int)?) -> ScanResult {
        let n = labels.count
        var fractions = [Double](repeating: 0, count: classCount)
        var possible = [Bool](repeating: false, count: classCount)
        var reached = [Bool](repeating: false, count: n)
        if n < k {
            // Every row is a neighbour in every world: one deterministic vote.
            var tally = [Int](repeating: 0, count: classCount)
            for label in labels { tally[label] += 1 }
            let label = CertainPrediction.vote(tally)
            fractions[label] = 1
            possible[label] = true
            return ScanResult(fractions: fractions, possible: possible, reached: [Bool](repeating: true, count: n))
        }
        func size(_ row: Int) -> Int { fixed?.row == row ? 1 : candidates[row].count }
        var seen = [Int](repeating: 0, count: n)
        var partial: [Int] = []          // rows partly behind the scan
        var partialPosition = [Int](repeating: -1, count: n)
        var fullTally = [Int](repeating: 0, count: classCount)
        var fullCount = 0
        let t = tallies.count
        var probability = [Double](repeating: 0, count: t)
        var next = [Double](repeating: 0, count: t)
        var reach = [Bool](repeating: false, count: t)
        var nextReach = [Bool](repeating: false, count: t)
        for element in order {
            let row = element.row
            if let fixed, fixed.row == row, fixed.candidate != element.candidate { continue }
            reached[row] = true
            let m = size(row)
            // Element (row, candidate) is the K-th neighbour iff exactly K − 1 other rows are before it.
            if fullCount <= k - 1, let start = tallies.index(of: fullTally) {
                for i in 0..<t { probability[i] = 0; reach[i] = false }
                probability[start] = 1
                reach[start] = true
                for other in partial where other != row {
                    let q = Double(seen[other]) / Double(size(other))
                    let label = labels[other]
                    for i in 0..<t { next[i] = 0; nextReach[i] = false }
                    for i in 0..<t where reach[i] {
                        next[i] += probability[i] * (1 - q)
                        nextReach[i] = true
                        let grown = tallies.add[i * classCount + label]
                        if grown >= 0 {
                            next[grown] += probability[i] * q
                            nextReach[grown] = true
                        }
                    }
                    swap(&probability, &next)
                    swap(&reach, &nextReach)
                }
                let pick = 1 / Double(m)
                for i in 0..<t where reach[i] && tallies.total[i] == k - 1 {
                    let label = tallies.voteWith[i * classCount + labels[row]]
                    fractions[label] += probability[i] * pick
                    possible[label] = true
                }
            }
            // Move the scan past this element.
            seen[row] += 1
            if seen[row] == m {
                if partialPosition[row] >= 0 {
                    let at = partialPosition[row]
                    let last = partial.removeLast()
                    if last != row {
                        partial[at] = last
                        partialPosition[last] = at
                    }
                    partialPosition[row] = -1
                }
                fullTally[labels[row]] += 1
                fullCount += 1
                if fullCount >= k { break }
            } else if partialPosition[row] < 0 {
                partialPosition[row] = partial.count
                partial.append(row)
            }
        }
        return ScanResult(fractions: fractions, possible: possible, reached: reached)
    }
}

/// The label tallies of at most K − 1 neighbours, numbered densely, with their transitions.
struct TallySpace: Sendable {
    let classCount: Int
    let count: Int
    /// `add[i * classCount + label]`: the tally after one more `label`, or −1 past K − 1 neighbours.
    let add: [Int]
    /// Neighbours counted in tally i.
    let total: [Int]
    /// `voteWith[i * classCount + label]`: the vote of tally i plus one `label` (tallies of K − 1 only).
    let voteWith: [Int]
    private let indices: [[Int]: Int]

    init(classCount: Int, k: Int) {
        var all: [[Int]] = [[Int](repeating: 0, count: classCount)]
        var indices: [[Int]: Int] = [all[0]: 0]
        var frontier = 0
        while frontier < all.count {
            let tally = all[frontier]
            frontier += 1
            guard tally.reduce(0, +) < k - 1 else { continue }
            for label in 0..<classCount {
                var grown = tally
                grown[label] += 1
                if indices[grown] == nil {
                    indices[grown] = all.count
                    all.append(grown)
                }
            }
        }
        var add = [Int](repeating: -1, count: all.count * classCount)
        var voteWith = [Int](repeating: -1, count: all.count * classCount)
        for (i, tally) in all.enumerated() {
            for label in 0..<classCount {
                var grown = tally
                grown[label] += 1
                add[i * classCount + label] = indices[grown] ?? -1
                if tally.reduce(0, +) == k - 1 { voteWith[i * classCount + label] = CertainPrediction.vote(grown) }
            }
        }
        self.classCount = classCount
        self.count = all.count
        self.add = add
        self.total = all.map { $0.reduce(0, +) }
        self.voteWith = voteWith
        self.indices = indices
    }

    func index(of tally: [Int]) -> Int? { indices[tally] }
}
