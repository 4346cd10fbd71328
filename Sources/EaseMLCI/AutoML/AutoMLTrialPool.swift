import EaseMLLedger
import Foundation
import Synchronization

/// The trials in flight of `AutoMLSearchLoop` (`automl run`, `automl serve`): each runs on a
/// worker thread of its own, blocked in its executor call, and hands its completion back
/// to the coordinating thread, which alone touches the ledger and the scheduler.
final class AutoMLTrialPool: Sendable {
    /// A finished trial, handed from its worker thread to the coordinator.
    struct Completion: Sendable {
        /// The trial's ledger id.
        var trial: Int64
        /// How it ended, or nil when it could not be run (`error` says why).
        var outcome: AutoMLTrial.Outcome?
        var error: EaseMLCIError?
        /// Wall seconds it ran, including `priorSeconds` of an adopted trial.
        var seconds: Double
    }

    private let completions = Mutex<[Completion]>([])
    private let wake = DispatchSemaphore(value: 0)

    init() {}

    /// Runs `body` (an executor's `run`, or an adopted trial's `wait`) on a new thread; its
    /// completion counts `priorSeconds` already spent before this process took it over.
    func launch(trial: Int64, priorSeconds: Double = 0, _ body: @escaping @Sendable () throws(EaseMLCIError) -> AutoMLTrial.Outcome) {
        Thread.detachNewThread { [self] in
            let started = ContinuousClock.now
            var completion = Completion(trial: trial, outcome: nil, error: nil, seconds: 0)
            do throws(EaseMLCIError) {
                completion.outcome = try body()
            } catch {
                completion.error = error
            }
            completion.seconds = priorSeconds + Self.seconds(since: started)
            self.completions.withLock { $0.append(completion) }
            self.wake.signal()
        }
    }

    /// The oldest trial that ended and was not taken yet, after waiting up to `seconds` for one
    /// when none has; nil when none ended in time. One at a time, so the coordinator starts a new
    /// trial as soon as it has recorded one that ended.
    func next(waitingUpTo seconds: Double) -> Completion? {
        if completions.withLock({ $0.isEmpty }) { _ = wake.wait(timeout: .now() + seconds) }
        return completions.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }

    /// Records how a trial ended in the ledger (`finishAutoMLTrial`); returns the ending. A
    /// connection error of the executor (`EaseMLCIError.http`) is not an outcome: it is thrown and
    /// the trial stays `running`, for a later resume to recover.
    static func record(_ done: Completion, metric: String, ledger: Ledger, runElapsedSeconds: Double) throws -> AutoMLTrialEnding {
        if done.outcome == nil, let error = done.error, case .http = error { throw error }
        let ending = AutoMLTrialEnding(outcome: done.outcome, error: done.error.map { "\($0)" } ?? "it ended without an outcome", metric: metric)
        try ledger.finishAutoMLTrial(
            id: done.trial, state: ending.state, score: ending.score, seconds: done.seconds, reason: ending.reason, runElapsedSeconds: runElapsedSeconds)
        return ending
    }

    /// Wall seconds since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
