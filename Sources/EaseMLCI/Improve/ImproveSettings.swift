import Foundation

/// The inputs of an improvement loop, stored once in the ledger as canonical JSON: the cleaning
/// inputs (training file with missing cells, validation file, K, scaling, candidates), the
/// unlabelled pool, the batch size, the effort costs and the bandit's exploration weight.
public struct ImproveSettings: Sendable, Codable, Equatable {
    public var cleaning: CleaningSettings
    /// Unlabelled pool CSV (same feature columns; no label column, or an empty one).
    public var pool: String
    /// SHA-256 of the pool file when the session started.
    public var poolHash: String
    /// Rows per round.
    public var batch: Int
    /// Effort of cleaning one row, in any cost unit (e.g. minutes).
    public var cleanCost: Double
    /// Effort of labelling one pool row, in the same unit.
    public var labelCost: Double
    /// The weight c of UCB1's exploration term (`ImprovementBandit`).
    public var exploration: Double

    public init(cleaning: CleaningSettings, pool: String, poolHash: String, batch: Int, cleanCost: Double, labelCost: Double, exploration: Double) {
        self.cleaning = cleaning
        self.pool = pool
        self.poolHash = poolHash
        self.batch = batch
        self.cleanCost = cleanCost
        self.labelCost = labelCost
        self.exploration = exploration
    }

    /// Checks the numbers a session starts with.
    public func validate() throws(EaseMLCIError) {
        guard cleaning.k >= 1 else { throw .invalidOption(option: "-k", message: "K must be at least 1") }
        guard batch >= 1 else { throw .invalidOption(option: "--batch", message: "must be at least 1") }
        for (option, cost) in [("--clean-cost", cleanCost), ("--label-cost", labelCost)] where !(cost > 0 && cost.isFinite) {
            throw .invalidOption(option: option, message: "a cost must be a positive number")
        }
        guard exploration >= 0, exploration.isFinite else { throw .invalidOption(option: "--exploration", message: "must be at least 0") }
    }

    /// The effort of `rows` rows of `arm`.
    public func effort(rows: Int, arm: String) -> Double { Double(rows) * (arm == "clean" ? cleanCost : labelCost) }
}
