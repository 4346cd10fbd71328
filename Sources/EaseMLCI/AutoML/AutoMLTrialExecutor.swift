/// Runs the trials of `automl run` and `automl serve` somewhere: `LocalTrialExecutor` (subprocesses
/// on this machine) or `RayJobExecutor` (jobs of a Ray cluster). `AutoMLSearchLoop` calls it from
/// worker threads, one call per trial in flight.
///
/// Contract for every executor: `run` blocks until the trial has ended, stopping it at its
/// timeout; its output is saved at `trial.logPath`; the result is read from the output's last
/// `EASEML_RESULT {json}` line (`AutoMLTrial.parseResult`). `recover` is asked, on `--resume`,
/// about a trial that a killed run left running, and must never let a trial run twice.
public protocol AutoMLTrialExecutor: Sendable {
    /// Runs the trial to its end (blocking the calling thread).
    func run(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrial.Outcome
    /// What became of a trial that a killed run left running (blocking only briefly).
    func recover(_ trial: AutoMLTrial) throws(EaseMLCIError) -> AutoMLTrialRecovery
    /// Called (repeatedly, possibly before `run` has started the trial) when the process running
    /// the trial is asked to stop (`automl run` or `serve` on SIGTERM/SIGINT): returns true when
    /// the trial is being stopped, so `run` returns soon, or false when it is left running, out of
    /// this process, for a later `recover` to adopt. Never blocks.
    func interrupt(_ trial: AutoMLTrial) -> Bool
}

/// The fate of a trial left running by a killed run, as its executor found it.
public enum AutoMLTrialRecovery: Sendable {
    /// It is not running (never started, or its processes were killed): run it again.
    case lost
    /// It ended while no run watched it: its outcome (its output is saved) and how long it ran in
    /// seconds, if known.
    case ended(AutoMLTrial.Outcome, seconds: Double?)
    /// It is still running, for `elapsedSeconds` so far; `wait` blocks until its end (stopping it
    /// at its timeout) like `run` does.
    case running(elapsedSeconds: Double, wait: @Sendable () throws(EaseMLCIError) -> AutoMLTrial.Outcome)
}
