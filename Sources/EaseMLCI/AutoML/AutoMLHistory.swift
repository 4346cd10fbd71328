import EaseMLEngines
import EaseMLLedger

/// What the ledger's earlier AutoML runs say about a search space's arms: the GP prior and the
/// expected costs of `automl run`, `plan` and `serve` (`automl.md`, "Per-tenant GP" and `cost_gap`).
///
/// Rows are the earlier runs (of any tenant; a run is one data set's search), columns the arms of
/// the space being searched, matched by arm key (`knn[k=3]`). A run's entry for an arm is the score
/// of its `ok` trial of that arm, nil when the run has none (never tried, failed, timed out, or not
/// in its space); see `AutoMLArmPrior.fromIncompleteHistory` for how missing entries are treated.
/// Costs are the wall seconds of the `ok` and timed-out trials (what running the arm to its end
/// cost), floored at `minimumCost`; failed trials say nothing about cost.
public struct AutoMLHistory: Sendable, Equatable {
    /// The earlier runs used, oldest first.
    public var runs: [String]
    /// One row per run in `runs`, one entry per arm.
    public var scores: [[Double?]]
    /// One row per run in `runs`, one entry per arm (seconds).
    public var costs: [[Double?]]

    /// The smallest cost a trial is taken to have (seconds), so that ĉ > 0.
    public static let minimumCost = 0.001

    public init(runs: [String], scores: [[Double?]], costs: [[Double?]]) {
        self.runs = runs
        self.scores = scores
        self.costs = costs
    }

    /// The runs created before `run` (every run when nil or unknown to the ledger), for the arms
    /// with these keys. Earlier runs only, so a resumed run rebuilds exactly the prior it started with.
    public static func load(ledger: Ledger, armKeys: [String], before run: String?) throws(LedgerError) -> AutoMLHistory {
        var ids = try ledger.automlRunIDs()
        if let run, let position = ids.firstIndex(of: run) { ids = Array(ids[..<position]) }
        let column = Dictionary(armKeys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var history = AutoMLHistory(runs: [], scores: [], costs: [])
        for id in ids {
            let keys = try ledger.automlArms(run: id).reduce(into: [Int: String]()) { $0[$1.position] = $1.key }
            var scoreRow = [Double?](repeating: nil, count: armKeys.count)
            var costRow = [Double?](repeating: nil, count: armKeys.count)
            for trial in try ledger.automlTrials(run: id) {
                guard let key = keys[trial.arm], let k = column[key] else { continue }
                if trial.state == .ok, let score = trial.score, score.isFinite { scoreRow[k] = score }
                if trial.state == .ok || trial.state == .timedOut, let seconds = trial.seconds, seconds.isFinite {
                    costRow[k] = max(seconds, minimumCost)
                }
            }
            guard scoreRow.contains(where: { $0 != nil }) || costRow.contains(where: { $0 != nil }) else { continue }
            history.runs.append(id)
            history.scores.append(scoreRow)
            history.costs.append(costRow)
        }
        return history
    }

    /// The runs with at least one score.
    public var scoredRuns: Int { scores.filter { $0.contains { $0 != nil } }.count }

    /// The GP prior: learned when there are enough scored runs, independent arms otherwise.
    public func prior(armCount: Int) throws(AutoMLError) -> AutoMLArmPrior {
        try AutoMLArmPrior.fromIncompleteHistory(scores, armCount: armCount)
    }

    /// ĉ per arm, or nil when no earlier trial has a cost (then `cost_gap` runs as `max_gap`).
    public func expectedCosts(armCount: Int) throws(AutoMLError) -> [Double]? {
        try AutoMLArmPrior.expectedCosts(incomplete: costs, armCount: armCount)
    }

    /// One tenant's search, with this history's prior and costs.
    public func tenantSearch(armCount: Int) throws(AutoMLError) -> AutoMLTenantSearch {
        try AutoMLTenantSearch(prior: prior(armCount: armCount), expectedCosts: expectedCosts(armCount: armCount))
    }

    /// A phrase for people: `prior learned from 3 earlier runs, expected costs known`.
    public func summary(armCount: Int) throws(AutoMLError) -> String {
        let learned = try prior(armCount: armCount).learned
        let runs = scoredRuns == 1 ? "1 earlier run" : "\(scoredRuns) earlier runs"
        let prior = learned ? "prior learned from \(runs)" : "independent arms (\(runs) with scores: too little history)"
        let costs = try expectedCosts(armCount: armCount) == nil ? "no cost known" : "expected costs from past trials"
        return prior + ", " + costs
    }
}
