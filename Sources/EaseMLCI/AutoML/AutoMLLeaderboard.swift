import EaseMLLedger
import Foundation

/// A run's trials ranked for people (`automl leaderboard`): ok trials by score (best first, ties
/// by trial id), then failed and timed-out ones, then those still queued or running.
public struct AutoMLLeaderboard: Sendable {
    /// One ranked row.
    public struct Row: Sendable, Equatable {
        public var rank: Int?
        public var arm: String
        public var state: String
        public var score: Double?
        public var seconds: Double?
        public var trial: Int64
        public var reason: String?
    }

    public var run: AutoMLRunRecord
    public var rows: [Row]

    /// The leaderboard of `run` (default: the newest run).
    public init(ledger: Ledger, run requested: String?) throws(EaseMLCIError) {
        (run, rows) = try AutoMLFailure.typed { () throws -> (AutoMLRunRecord, [Row]) in
            guard let id = try requested ?? ledger.automlRunIDs().last else { throw EaseMLCIError.automl(.invalidSetting("no automl run yet")) }
            guard let record = try ledger.automlRun(id: id) else { throw EaseMLCIError.automl(.invalidSetting("no automl run \(id)")) }
            let arms = try ledger.automlArms(run: id)
            let trials = try ledger.automlTrials(run: id)
            func order(_ trial: AutoMLTrialRecord) -> Int {
                switch trial.state {
                case .ok: return 0
                case .failed, .timedOut: return 1
                case .queued, .running: return 2
                }
            }
            let sorted = trials.sorted { a, b in
                if order(a) != order(b) { return order(a) < order(b) }
                if let x = a.score, let y = b.score, x != y { return x > y }
                return a.id < b.id
            }
            var rank = 0
            return (record, sorted.map { trial in
                if trial.state == .ok { rank += 1 }
                return Row(
                    rank: trial.state == .ok ? rank : nil, arm: arms.indices.contains(trial.arm) ? arms[trial.arm].key : "#\(trial.arm)",
                    state: trial.state.rawValue, score: trial.score, seconds: trial.seconds, trial: trial.id, reason: trial.reason)
            })
        }
    }

    /// The best ok row, if any.
    public var best: Row? { rows.first { $0.rank == 1 } }

    /// A plain-text table with a title line.
    public func table() -> String {
        var table = TextTable(header: ["rank", "arm", "state", run.metric, "seconds", "trial"], leftColumns: 0, alsoLeft: [1, 2])
        table.rows = rows.map { row in
            [row.rank.map(String.init) ?? "-", row.arm, row.state, row.score.map { String(format: "%.4f", $0) } ?? "-",
             row.seconds.map { String(format: "%.2f", $0) } ?? "-", String(row.trial)]
        }
        return "automl \(run.id) (\(run.status)): \(rows.count) trials, policy \(run.policy)\n" + table.render()
    }

    /// `{"run", "status", "metric", "policy", "rows": [{rank?, arm, state, score?, seconds?, trial, reason?}]}`,
    /// through the one JSON writer (a field without a value is left out, as in every report).
    public func json() -> String { ReportJSON.text(jsonShape) }

    /// The value `json()` prints, for reports that list several leaderboards.
    public var jsonShape: JSONShape { JSONShape(run: run.id, status: run.status, metric: run.metric, policy: run.policy, rows: rows) }

    public struct JSONShape: Encodable, Sendable {
        var run: String
        var status: String
        var metric: String
        var policy: String
        var rows: [Row]
    }
}

extension AutoMLLeaderboard.Row: Encodable {}
