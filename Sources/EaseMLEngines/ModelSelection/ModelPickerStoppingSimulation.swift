/// Checks `ModelPickerStoppingRule` by simulation: per realization a pool of `streamLength` items is
/// drawn without replacement from a labeled `ModelSelectionPool`, the rule labels uniformly drawn
/// disagreement items (with replacement) until it stops or spends `labelBudget` labels, and the
/// outcome is compared with the truth on that pool. Seeded: realization r depends only on
/// (`seed`, r).
public struct ModelPickerStoppingSimulation: Sendable {
    public var pool: ModelSelectionPool
    public var rule: ModelPickerStoppingRule
    /// N, items per simulated pool (≤ the pool size).
    public var streamLength: Int
    /// Labels after which the rule gives up uncertified.
    public var labelBudget: Int
    public var realizations: Int
    public var seed: UInt64

    public init(
        pool: ModelSelectionPool, rule: ModelPickerStoppingRule, streamLength: Int, labelBudget: Int, realizations: Int, seed: UInt64
    ) throws(ModelPickerError) {
        guard streamLength >= 1, streamLength <= pool.itemCount else {
            throw .invalidSimulation("the stream length \(streamLength) must be in 1...\(pool.itemCount)")
        }
        guard realizations >= 1, labelBudget >= 1 else { throw .invalidSimulation("need ≥ 1 realization and a budget ≥ 1") }
        self.pool = pool
        self.rule = rule
        self.streamLength = streamLength
        self.labelBudget = labelBudget
        self.realizations = realizations
        self.seed = seed
    }

    /// The summary over all realizations.
    public struct Report: Sendable, Hashable, Codable {
        public var realizations: Int
        public var streamLength: Int
        public var labelBudget: Int
        public var epsilon: Double
        public var delta: Double
        /// Fractions of realizations that stopped certified, exact (all disagreement items labeled),
        /// or at the budget without a certificate.
        public var certifiedRate: Double
        public var exactRate: Double
        public var budgetRate: Double
        /// The fraction of realizations that stopped (certified or exact) on a model worse than the
        /// best on its pool by more than ε: the rule promises ≤ δ.
        public var errorRate: Double
        /// Among realizations that stopped, how often the choice was exactly a best model.
        public var bestRate: Double
        /// Labels used: mean, and among stopped realizations the median and 90th percentile.
        public var meanLabels: Double
        public var medianLabelsWhenStopped: Double
        public var p90LabelsWhenStopped: Double
        /// Mean number of disagreement items per pool (the most any run can label).
        public var meanDisagreements: Double
    }

    public func run() -> Report {
        let k = pool.modelCount
        var certified = 0, exact = 0, budget = 0, errors = 0, best = 0
        var labelTotal = 0
        var stoppedLabels: [Int] = []
        var disagreementTotal = 0
        for r in 0..<realizations {
            var rng = SeededRandomGenerator(seed: seed ^ (UInt64(r) &* 0x9E37_79B9_7F4A_7C15))
            let items = pool.drawStream(length: streamLength, using: &rng)
            var streamErrors = [Int](repeating: 0, count: k)
            var disagreements: [Int] = []
            var differing = [Int](repeating: 0, count: k * k)
            pool.mistakes.withUnsafeBufferPointer { mistakes in
                pool.predictions.withUnsafeBufferPointer { predictions in
                    pool.disagrees.withUnsafeBufferPointer { disagrees in
                        differing.withUnsafeMutableBufferPointer { differing in
                            for item in items {
                                let row = item * k
                                for i in 0..<k { streamErrors[i] += Int(mistakes[row + i]) }
                                guard disagrees[item] != 0 else { continue }
                                disagreements.append(item)
                                for i in 0..<k {
                                    let f = predictions[row + i]
                                    for j in (i + 1)..<k where f != predictions[row + j] {
                                        differing[i * k + j] += 1
                                        differing[j * k + i] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            disagreementTotal += disagreements.count
            var evidence = ModelSelectionEvidence(modelCount: k, poolSize: streamLength, disagreementCount: disagreements.count, pairDifferences: differing)
            var labeled = [Bool](repeating: false, count: disagreements.count)
            var verdict = rule.certificate(evidence, look: 0)
            var look = 0
            var nextLook = rule.draws(atLook: 1)
            while !verdict.stops && evidence.labels < labelBudget {
                let index = rng.below(disagreements.count)
                let item = disagreements[index]
                let isNew = !labeled[index]
                labeled[index] = true
                pool.mistakes.withUnsafeBufferPointer { mistakes in
                    evidence.add(mistakes: UnsafeBufferPointer(rebasing: mistakes[item * k..<(item + 1) * k]), isNewItem: isNew)
                }
                if evidence.draws == nextLook {
                    look += 1
                    nextLook = rule.draws(atLook: look + 1)
                    verdict = rule.certificate(evidence, look: look)
                } else if evidence.isComplete {
                    verdict = rule.certificate(evidence, look: 0)
                }
            }
            labelTotal += evidence.labels
            switch verdict.status {
            case .certified: certified += 1
            case .exact: exact += 1
            case .continuing: budget += 1
            }
            if verdict.stops {
                stoppedLabels.append(evidence.labels)
                let fewest = streamErrors.min()!
                if Double(streamErrors[verdict.chosen] - fewest) > rule.epsilon * Double(streamLength) { errors += 1 }
                if streamErrors[verdict.chosen] == fewest { best += 1 }
            }
        }
        stoppedLabels.sort()
        func quantile(_ q: Double) -> Double {
            stoppedLabels.isEmpty ? .nan : Double(stoppedLabels[min(stoppedLabels.count - 1, Int(q * Double(stoppedLabels.count)))])
        }
        let count = Double(realizations)
        return Report(
            realizations: realizations, streamLength: streamLength, labelBudget: labelBudget, epsilon: rule.epsilon, delta: rule.delta,
            certifiedRate: Double(certified) / count, exactRate: Double(exact) / count, budgetRate: Double(budget) / count,
            errorRate: Double(errors) / count, bestRate: stoppedLabels.isEmpty ? .nan : Double(best) / Double(stoppedLabels.count),
            meanLabels: Double(labelTotal) / count, medianLabelsWhenStopped: quantile(0.5), p90LabelsWhenStopped: quantile(0.9),
            meanDisagreements: Double(disagreementTotal) / count)
    }
}
