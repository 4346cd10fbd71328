/// What the certified stopping rule knows about a pool: its size N, the disagreement items (those
/// where not all k models agree; the others cannot separate any two models) and, for every pair of
/// models, the fraction r_ij of disagreement items on which their predictions differ (known without
/// any label); plus the labeled draws so far.
///
/// Draws are uniform **with replacement** over the disagreement items, so they are i.i.d.; an item
/// drawn again reuses its label and costs nothing (`labels` counts distinct items).
public struct ModelSelectionEvidence: Sendable, Hashable, Codable {
    /// k ≥ 2.
    public let modelCount: Int
    /// N, the number of items in the pool the guarantee is about.
    public let poolSize: Int
    /// m, the number of disagreement items of the pool.
    public let disagreementCount: Int
    /// Row-major k × k: r_ij = (items of the pool where f_i ≠ f_j) / m.
    public let pairDisagreement: [Double]
    /// n, draws so far (with multiplicity).
    public private(set) var draws: Int
    /// Distinct disagreement items labeled so far.
    public private(set) var labels: Int
    /// Per model, errors over the draws (with multiplicity).
    public private(set) var drawErrors: [Int]
    /// Per model, errors over the distinct labeled items (exact when every item is labeled).
    public private(set) var labeledErrors: [Int]

    /// Summarises a pool given as `predictions(item)` for item = 0 ..< poolSize. Items where all
    /// models agree are left out of m.
    public init(modelCount: Int, poolSize: Int, predictions: (Int) -> [Int32]) throws(ModelPickerError) {
        guard modelCount >= 2 else { throw .tooFewModels(modelCount) }
        guard poolSize >= 1 else { throw .invalidSimulation("the pool has no items") }
        var differing = [Int](repeating: 0, count: modelCount * modelCount)
        var m = 0
        for item in 0..<poolSize {
            let f = predictions(item)
            guard f.count == modelCount else { throw .predictionCount(expected: modelCount, found: f.count) }
            if f.allSatisfy({ $0 == f[0] }) { continue }
            m += 1
            for i in 0..<modelCount {
                for j in 0..<modelCount where f[i] != f[j] { differing[i * modelCount + j] += 1 }
            }
        }
        self.init(modelCount: modelCount, poolSize: poolSize, disagreementCount: m, pairDifferences: differing)
    }

    /// From precomputed counts: `pairDifferences[i * k + j]` = items where f_i ≠ f_j (all on
    /// disagreement items).
    init(modelCount: Int, poolSize: Int, disagreementCount m: Int, pairDifferences: [Int]) {
        self.modelCount = modelCount
        self.poolSize = poolSize
        disagreementCount = m
        pairDisagreement = pairDifferences.map { m == 0 ? 0 : Double($0) / Double(m) }
        draws = 0
        labels = 0
        drawErrors = [Int](repeating: 0, count: modelCount)
        labeledErrors = [Int](repeating: 0, count: modelCount)
    }

    /// Adds one draw: the predictions of the drawn disagreement item and its label; `isNewItem`
    /// is false when the item was drawn before (its label is reused, no new label is spent).
    public mutating func add(predictions: [Int32], label: Int32, isNewItem: Bool) throws(ModelPickerError) {
        guard predictions.count == modelCount else { throw .predictionCount(expected: modelCount, found: predictions.count) }
        draws += 1
        if isNewItem { labels += 1 }
        for i in 0..<modelCount where predictions[i] != label {
            drawErrors[i] += 1
            if isNewItem { labeledErrors[i] += 1 }
        }
    }

    /// Adds one draw from a mistake row (1 = model wrong), for simulations.
    mutating func add(mistakes: UnsafeBufferPointer<UInt8>, isNewItem: Bool) {
        draws += 1
        if isNewItem { labels += 1 }
        for i in 0..<modelCount where mistakes[i] != 0 {
            drawErrors[i] += 1
            if isNewItem { labeledErrors[i] += 1 }
        }
    }

    /// Whether every disagreement item is labeled, so every model's error count on the pool is
    /// known up to the common errors on agreeing items.
    public var isComplete: Bool { labels >= disagreementCount }
}
