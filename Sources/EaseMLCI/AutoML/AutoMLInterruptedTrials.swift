import EaseMLLedger
import Foundation

/// What a resume makes of the trials that a killed (or stopped) process left `running` in one run:
/// each is handed to its executor's `recover`, which never lets a trial run twice. Lost ones (a
/// local trial's orphaned processes are killed first) go back to `queued` and run again; ones that
/// ended meanwhile are recorded with their outcome; ones still running (a Ray job) are adopted and
/// waited for. Shared by `automl run --resume` and `automl serve --resume`.
struct AutoMLInterruptedTrials {
    /// A trial still running elsewhere, to be waited for by the resuming process.
    struct Adoption: Sendable {
        var trial: Int64
        var arm: Int
        /// Seconds it had run when adopted.
        var elapsedSeconds: Double
        var wait: @Sendable () throws(EaseMLCIError) -> AutoMLTrial.Outcome
    }

    var adopted: [Adoption] = []
    /// Trials put back to `queued`, to run first.
    var requeued: [Int64] = []
    /// How many had ended meanwhile (recorded).
    var ended = 0

    /// Recovers the running trials of `run`: `trial(id, arm)` rebuilds a trial as it was launched,
    /// `record` stores one that ended meanwhile.
    static func recover(
        run: String, ledger: Ledger, executor: any AutoMLTrialExecutor, trial: (Int64, Int) -> AutoMLTrial,
        record: (AutoMLTrialPool.Completion, Int) throws -> Void
    ) throws -> AutoMLInterruptedTrials {
        var result = AutoMLInterruptedTrials()
        for stored in try ledger.automlTrials(run: run) where stored.state == .running {
            switch try executor.recover(trial(stored.id, stored.arm)) {
            case .lost: continue
            case .ended(let outcome, let seconds):
                try record(AutoMLTrialPool.Completion(trial: stored.id, outcome: outcome, error: nil, seconds: seconds ?? 0), stored.arm)
                result.ended += 1
            case .running(let elapsed, let wait):
                result.adopted.append(Adoption(trial: stored.id, arm: stored.arm, elapsedSeconds: elapsed, wait: wait))
            }
        }
        result.requeued = try ledger.requeueRunningAutoMLTrials(run: run, keeping: Set(result.adopted.map(\.trial)))
        return result
    }

    /// `re-queued N interrupted trial(s); recorded N trial(s) that ended meanwhile; adopted N
    /// trial(s) still running`, the parts that apply (empty when none does).
    var notes: String {
        [
            requeued.isEmpty ? nil : "re-queued \(requeued.count) interrupted trial(s)",
            ended == 0 ? nil : "recorded \(ended) trial(s) that ended meanwhile",
            adopted.isEmpty ? nil : "adopted \(adopted.count) trial(s) still running",
        ].compactMap { $0 }.joined(separator: "; ")
    }
}
