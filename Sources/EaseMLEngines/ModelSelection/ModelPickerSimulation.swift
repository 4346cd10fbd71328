#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The paper's evaluation protocol (`reference/modelpicker.md`), for ModelPicker and two baselines.
///
/// Per realization r = 0 ..< R: draw `streamLength` items of the pool without replacement, in
/// random order; the truth is the set of best models on those items; then for every budget B:
/// - ModelPicker runs over the whole stream with u_t scaled by γ(B) and answers argmin L̂ — or, for
///   a budget that `stopsAtLabels`, stops after its B-th label and answers then;
/// - disagreement sampling labels the first B disagreement items of the stream (a uniform sample
///   of them, as the order is random) and answers the models with the fewest errors there;
/// - uniform sampling labels the first B items of the stream.
/// Each answer scores `ModelSelectionCredit` (ties on either side shared). Every random draw comes
/// from `SeededRandomGenerator`s derived from (`seed`, r), so a run is reproducible and any subset
/// of realizations can be recomputed alone.
///
/// The inner loop runs over the pool's precomputed integer arrays through the same kernels as
/// `ModelPicker` (a test checks the two agree query for query).
public struct ModelPickerSimulation: Sendable {
    public var pool: ModelSelectionPool
    /// Items per realization, ≤ the pool size (the paper: 1,000).
    public var streamLength: Int
    public var budgets: [ModelPickerBudget]
    /// R ≥ 1.
    public var realizations: Int
    public var seed: UInt64
    public var methods: [ModelSelectionMethod]

    public init(
        pool: ModelSelectionPool, streamLength: Int = 1000, budgets: [ModelPickerBudget] = ModelPickerBudget.emoContextPaper,
        realizations: Int = 1000, seed: UInt64 = 1, methods: [ModelSelectionMethod] = ModelSelectionMethod.allCases
    ) throws(ModelPickerError) {
        guard streamLength >= 1, streamLength <= pool.itemCount else {
            throw .invalidSimulation("the stream length \(streamLength) must be in 1...\(pool.itemCount) (the pool size)")
        }
        guard realizations >= 1 else { throw .invalidSimulation("need at least one realization") }
        guard !budgets.isEmpty else { throw .invalidSimulation("need at least one budget") }
        for budget in budgets {
            guard budget.labels >= 0 else { throw .invalidSimulation("a budget must be ≥ 0 labels") }
            guard budget.gamma.isFinite, budget.gamma >= 0 else { throw .invalidGamma(budget.gamma) }
        }
        self.pool = pool
        self.streamLength = streamLength
        self.budgets = budgets
        self.realizations = realizations
        self.seed = seed
        self.methods = methods
    }

    /// One realization's stream: item indices in order, its disagreement items, and the truth.
    struct Stream {
        var items: [Int]
        /// The disagreement items, in stream order, and their 0-based positions in the stream.
        var disagreements: [Int]
        var positions: [Int]
        var truth: [Int]
    }

    /// Draws realization `r`'s stream (partial Fisher–Yates on the pool's indices).
    func stream(_ r: Int) -> Stream {
        var rng = SeededRandomGenerator(seed: seed ^ (UInt64(r) &* 0x9E37_79B9_7F4A_7C15))
        var order = Array(0..<pool.itemCount)
        let n = pool.itemCount
        let k = pool.modelCount
        var errors = [Int](repeating: 0, count: k)
        var disagreements: [Int] = []
        var positions: [Int] = []
        order.withUnsafeMutableBufferPointer { order in
            pool.mistakes.withUnsafeBufferPointer { mistakes in
                pool.disagrees.withUnsafeBufferPointer { disagrees in
                    errors.withUnsafeMutableBufferPointer { errors in
                        for i in 0..<streamLength {
                            let j = i + rng.below(n - i)
                            order.swapAt(i, j)
                            let item = order[i]
                            if disagrees[item] != 0 {
                                disagreements.append(item)
                                positions.append(i)
                                let row = item * k
                                for model in 0..<k { errors[model] += Int(mistakes[row + model]) }
                            }
                        }
                    }
                }
            }
        }
        let truth = errors.withUnsafeBufferPointer { ModelSelectionCredit.argmin($0) }
        return Stream(items: Array(order[0..<streamLength]), disagreements: disagreements, positions: positions, truth: truth)
    }

    /// Runs all realizations and summarises them.
    public func run() -> ModelPickerSimulationReport {
        let cells = budgets.count * methods.count
        var credit = [Double](repeating: 0, count: cells)
        var creditSquares = [Double](repeating: 0, count: cells)
        var labels = [Double](repeating: 0, count: cells)
        var disagreementTotal = 0
        for r in 0..<realizations {
            let stream = stream(r)
            disagreementTotal += stream.disagreements.count
            for (b, budget) in budgets.enumerated() {
                for (m, method) in methods.enumerated() {
                    let outcome = run(method, budget: budget, stream: stream, realization: r, budgetIndex: b)
                    let cell = b * methods.count + m
                    let score = ModelSelectionCredit.score(answer: outcome.answer, truth: stream.truth)
                    credit[cell] += score
                    creditSquares[cell] += score * score
                    labels[cell] += Double(outcome.labels)
                }
            }
        }
        let count = Double(realizations)
        let rows = budgets.enumerated().map { b, budget in
            ModelPickerSimulationReport.Row(budget: budget, outcomes: methods.enumerated().map { m, method in
                let cell = b * methods.count + m
                let mean = credit[cell] / count
                let variance = max(0, creditSquares[cell] / count - mean * mean) * count / max(1, count - 1)
                return .init(method: method, identificationProbability: mean, standardError: (variance / count).squareRoot(), meanLabels: labels[cell] / count)
            })
        }
        return ModelPickerSimulationReport(
            realizations: realizations, streamLength: streamLength, poolSize: pool.itemCount, modelCount: pool.modelCount,
            seed: seed, meanDisagreements: Double(disagreementTotal) / count, rows: rows)
    }

    func run(_ method: ModelSelectionMethod, budget: ModelPickerBudget, stream: Stream, realization r: Int, budgetIndex b: Int) -> (answer: [Int], labels: Int) {
        switch method {
        case .modelPicker:
            var rng = SeededRandomGenerator(seed: seed ^ (UInt64(r) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(b + 1) &* 0xD1B5_4A32_D192_ED03))
            let run = modelPicker(
                gamma: budget.gamma, items: stream.disagreements, positions: stream.positions, limit: budget.stopsAtLabels ? budget.labels : nil
            ) { rng.uniform() }
            return (run.answer, run.labels)
        case .disagreementSampling:
            return countErrors(Array(stream.disagreements.prefix(budget.labels)))
        case .uniformSampling:
            return countErrors(Array(stream.items.prefix(budget.labels)))
        }
    }

    /// ModelPicker over a stream given by its disagreement items and their 0-based positions
    /// (agreeing items have p = 0 and change nothing but t, so only these are visited), with one coin
    /// from `coin` per disagreement item, stopping after `limit` labels when given. Returns argmin L̂,
    /// the labels used and L̂.
    func modelPicker(
        gamma: Double, items: [Int], positions: [Int], limit: Int? = nil, coin: () -> Double
    ) -> (answer: [Int], labels: Int, losses: [Double]) {
        let k = pool.modelCount
        var losses = [Double](repeating: 0, count: k)
        var weights = [Double](repeating: 0, count: k)
        var used = 0
        let logK = log(Double(k))
        pool.predictions.withUnsafeBufferPointer { predictions in
            pool.mistakes.withUnsafeBufferPointer { mistakes in
                losses.withUnsafeMutableBufferPointer { losses in
                    weights.withUnsafeMutableBufferPointer { weights in
                        for (index, item) in items.enumerated() {
                            if let limit, used >= limit { break }
                            let t = positions[index] + 1  // t counts every stream item
                            let eta = (logK / (2 * Double(t))).squareRoot()
                            ModelPicker.posterior(losses: UnsafeBufferPointer(losses), eta: eta, into: weights)
                            let row = UnsafeBufferPointer(rebasing: predictions[item * k..<(item + 1) * k])
                            let u = gamma * ModelPicker.maxVariance(predictions: row, weights: UnsafeBufferPointer(weights))
                            let p = min(1, max(u, eta))
                            guard coin() < p else { continue }
                            used += 1
                            let weight = 1 / p
                            let base = item * k
                            for model in 0..<k where mistakes[base + model] != 0 { losses[model] += weight }
                        }
                    }
                }
            }
        }
        return (losses.withUnsafeBufferPointer { ModelSelectionCredit.argmin($0) }, used, losses)
    }

    /// Labels `items` and answers the models with the fewest errors on them.
    func countErrors(_ items: [Int]) -> (answer: [Int], labels: Int) {
        let k = pool.modelCount
        var errors = [Int](repeating: 0, count: k)
        pool.mistakes.withUnsafeBufferPointer { mistakes in
            for item in items {
                let base = item * k
                for model in 0..<k { errors[model] += Int(mistakes[base + model]) }
            }
        }
        return (errors.withUnsafeBufferPointer { ModelSelectionCredit.argmin($0) }, items.count)
    }
}
