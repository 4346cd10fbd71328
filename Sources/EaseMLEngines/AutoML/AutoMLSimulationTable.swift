/// The reference table of `automl.md`: over many tenant/prior splits, the mean clock time until the
/// global regret reaches each ε, per (clock, policy) row.
public struct AutoMLSimulationTable: Sendable, Hashable, Codable {
    /// One tenant/prior split of a score matrix's data sets.
    public struct Split: Sendable, Hashable, Codable {
        public var tenants: [String]
        public var prior: [String]
        public init(tenants: [String], prior: [String]) {
            self.tenants = tenants
            self.prior = prior
        }
    }

    /// One (clock, policy) pair.
    public struct Row: Sendable, Hashable, Codable {
        public var clock: AutoMLSimulation.Clock
        public var policy: AutoMLPolicy
        /// Mean time to each ε, over the splits that reached it (nil when none did).
        public var meanTimes: [Double?]
        /// How many splits reached each ε.
        public var reached: [Int]
    }

    /// The reference rows: unit cost for round robin, max width and max gap; fit seconds for round
    /// robin, max gap and cost gap; and random on both clocks.
    public static let referenceRows: [(AutoMLSimulation.Clock, AutoMLPolicy)] = [
        (.evaluations, .roundRobin), (.evaluations, .maxWidth), (.evaluations, .maxGap), (.evaluations, .random),
        (.cost, .roundRobin), (.cost, .maxGap), (.cost, .costGap), (.cost, .random),
    ]
    public static let referenceEpsilons = [0.05, 0.02, 0.01, 0]

    public var epsilons: [Double]
    public var splitCount: Int
    public var workers: Int
    public var seed: UInt64
    public var rows: [Row]

    /// Simulates every row over every split. Split r of a `random` row draws from seed ⊕ r.
    public static func run(
        matrix: AutoMLScoreMatrix, splits: [Split], rows: [(AutoMLSimulation.Clock, AutoMLPolicy)] = referenceRows,
        epsilons: [Double] = referenceEpsilons, workers: Int = 1, seed: UInt64 = 1, betaMultiplier: Double = 1
    ) throws(AutoMLError) -> AutoMLSimulationTable {
        guard !splits.isEmpty else { throw .invalidSetting("the simulation needs at least one split") }
        var results: [Row] = []
        for (clock, policy) in rows {
            var sums = [Double](repeating: 0, count: epsilons.count)
            var reached = [Int](repeating: 0, count: epsilons.count)
            for (r, split) in splits.enumerated() {
                let simulation = try AutoMLSimulation(
                    matrix: matrix, tenants: split.tenants, prior: split.prior, policy: policy, clock: clock, workers: workers,
                    seed: seed ^ (UInt64(r) &* 0x9E37_79B9_7F4A_7C15), betaMultiplier: betaMultiplier)
                let trace = simulation.run()
                for (e, epsilon) in epsilons.enumerated() {
                    if let time = trace.timeToRegret(epsilon) {
                        sums[e] += time
                        reached[e] += 1
                    }
                }
            }
            let means = zip(sums, reached).map { $1 > 0 ? $0 / Double($1) : nil }
            results.append(Row(clock: clock, policy: policy, meanTimes: means, reached: reached))
        }
        return AutoMLSimulationTable(epsilons: epsilons, splitCount: splits.count, workers: workers, seed: seed, rows: results)
    }

    /// The row for (clock, policy), if it was simulated.
    public func row(_ clock: AutoMLSimulation.Clock, _ policy: AutoMLPolicy) -> Row? {
        rows.first { $0.clock == clock && $0.policy == policy }
    }
}
