/// Compares several feature representations of the same labeled examples under a compute budget by
/// successive halving (Jamieson & Talwalkar, 2016).
///
/// Round 1 measures every representation's leave-one-out 1-NN error on the first `initialSize`
/// examples of one seeded shuffle; each later round keeps the better half (rounded up; equal errors
/// keep the earlier representation) and doubles the slice, up to all examples. A round costs
/// Σ over survivors of slice² · features multiply–adds; it runs only if the remaining `budget` covers
/// it, so the work never exceeds the budget (the first round always runs). The result is the last
/// round's best representation and its estimate.
public struct SuccessiveHalving: Sendable {
    /// One representation: a name and its features (rows = the same examples, same labels).
    public struct Representation: Sendable {
        public var name: String
        public var data: LabeledMatrix
        public init(name: String, data: LabeledMatrix) {
            self.name = name
            self.data = data
        }
    }

    /// One round: the slice size and each evaluated representation's estimate.
    public struct Round: Sendable, Hashable, Codable {
        public var sliceSize: Int
        /// Indices into the representations, with their estimates, in representation order.
        public var evaluated: [Int]
        public var estimates: [NearestNeighborErrorEstimate]
    }

    public struct Result: Sendable, Hashable, Codable {
        public var rounds: [Round]
        /// The winning representation's index.
        public var best: Int
        /// Its estimate in the last round.
        public var bestEstimate: NearestNeighborErrorEstimate
        /// Multiply–adds spent.
        public var cost: Double
    }

    public var representations: [Representation]
    public var metric: DistanceMetric

    public init(representations: [Representation], metric: DistanceMetric) {
        precondition(!representations.isEmpty, "successive halving needs at least one representation")
        let n = representations[0].data.features.rows
        precondition(representations.allSatisfy { $0.data.features.rows == n && $0.data.labels == representations[0].data.labels },
                     "all representations must describe the same examples with the same labels")
        self.representations = representations
        self.metric = metric
    }

    /// The work the halving is expected to do, in multiply–adds: every round to all examples,
    /// survivors counted at the mean width, capped by `budget` (for progress reports).
    public func expectedCost(initialSize: Int, budget: Double = .infinity) -> Double {
        let n = representations[0].data.features.rows
        let meanWidth = Double(representations.map(\.data.features.columns).reduce(0, +)) / Double(representations.count)
        var survivors = representations.count
        var slice = min(n, max(2, initialSize))
        var total = 0.0
        while true {
            total += Double(slice) * Double(slice) * meanWidth * Double(survivors)
            if slice == n { break }
            survivors = (survivors + 1) / 2
            slice = min(n, slice * 2)
        }
        return max(1, min(total, budget))
    }

    /// Runs the halving. `initialSize` ≥ 2; `budget` in multiply–adds (default: unlimited).
    /// `progress` gets the fraction of `expectedCost` done so far, in [0, 1], non-decreasing, and 1
    /// at the end (the estimate counts survivors at the mean width, so the last jump can be large).
    public func run(initialSize: Int, budget: Double = .infinity, seed: UInt64 = 1, progress: ((Double) -> Void)? = nil) -> Result {
        let n = representations[0].data.features.rows
        var order = Array(0..<n)
        var rng = SeededRandomGenerator(seed: seed)
        rng.shuffle(&order)
        var survivors = Array(representations.indices)
        var slice = min(n, max(2, initialSize))
        var spent = 0.0
        var rounds: [Round] = []
        let expected = expectedCost(initialSize: initialSize, budget: budget)
        while true {
            let cost = survivors.map { Double(slice) * Double(slice) * Double(representations[$0].data.features.columns) }.reduce(0, +)
            if !rounds.isEmpty && spent + cost > budget { break }
            let rows = Array(order[..<slice])
            var done = spent
            let estimates = survivors.map { index -> NearestNeighborErrorEstimate in
                let share = Double(slice) * Double(slice) * Double(representations[index].data.features.columns)
                let estimate = NearestNeighborErrorEstimate.leaveOneOut(representations[index].data.selectingRows(rows), metric: metric) { finished, total in
                    progress?(min(1, (done + share * Double(finished) / Double(max(1, total))) / expected))
                }
                done += share
                return estimate
            }
            spent += cost
            rounds.append(Round(sliceSize: slice, evaluated: survivors, estimates: estimates))
            if slice == n { break }
            let ranked = zip(survivors, estimates).sorted { ($0.1.errors, $0.0) < ($1.1.errors, $1.0) }
            survivors = ranked.prefix((survivors.count + 1) / 2).map(\.0).sorted()
            slice = min(n, slice * 2)
        }
        progress?(1)
        let last = rounds.last!
        let winner = zip(last.evaluated, last.estimates).min { ($0.1.errors, $0.0) < ($1.1.errors, $1.0) }!
        return Result(rounds: rounds, best: winner.0, bestEstimate: winner.1, cost: spent)
    }
}
