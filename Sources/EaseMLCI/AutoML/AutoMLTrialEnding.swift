import EaseMLLedger
import Foundation

/// How a finished trial goes into the ledger: its state, its score (the result's `metric` key, or
/// `score`) and the reason it did not succeed.
struct AutoMLTrialEnding: Sendable, Equatable {
    var state: AutoMLTrialRecord.State
    var score: Double?
    var reason: String?

    /// `outcome` is nil when the trial could not be run at all (`error` says why).
    init(outcome: AutoMLTrial.Outcome?, error: String?, metric: String) {
        switch outcome {
        case .ok(let value, let result)?:
            self.init(state: .ok, score: Self.metricValue(result, metric: metric) ?? value, reason: nil)
        case .failed(let why)?:
            self.init(state: .failed, score: nil, reason: why)
        case .timedOut(let seconds)?:
            self.init(state: .timedOut, score: nil, reason: "still running after \(compact(seconds)) s")
        case nil:
            self.init(state: .failed, score: nil, reason: error)
        }
    }

    init(state: AutoMLTrialRecord.State, score: Double?, reason: String?) {
        self.state = state
        self.score = score
        self.reason = reason
    }

    /// `trial <id> <state>: <arm key>[ score <s>][ (<reason>)]`, the line reporting the ending.
    func line(trial: Int64, arm key: String) -> String {
        "trial \(trial) \(state.rawValue): \(key)" + (score.map { " score \(compact($0))" } ?? "") + (reason.map { " (\($0))" } ?? "")
    }

    /// The metric's value in the result object, when `metric` names a key other than `score`.
    static func metricValue(_ result: String, metric: String) -> Double? {
        guard metric != "score", let object = try? JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any],
            let number = object[metric] as? NSNumber, number.doubleValue.isFinite
        else { return nil }
        return number.doubleValue
    }
}
