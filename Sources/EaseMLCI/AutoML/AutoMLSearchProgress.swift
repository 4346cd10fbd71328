/// Where a search stands, for the progress display of `automl run`.
public struct AutoMLSearchProgress: Sendable, Equatable {
    /// Trials that have ended (ok, failed or timed out).
    public var done: Int
    public var running: Int
    /// The best score so far, nil before the first ok trial.
    public var best: Double?
    /// Wall seconds of the run so far (over resumes).
    public var elapsedSeconds: Double
    public var budgetTrials: Int?
    public var budgetSeconds: Double?

    public init(done: Int, running: Int, best: Double?, elapsedSeconds: Double, budgetTrials: Int?, budgetSeconds: Double?) {
        self.done = done
        self.running = running
        self.best = best
        self.elapsedSeconds = elapsedSeconds
        self.budgetTrials = budgetTrials
        self.budgetSeconds = budgetSeconds
    }

    /// `automl: 3/10 trials done, 2 running, best 0.9412, 12s/60s`.
    public var line: String {
        let trials = budgetTrials.map { "\(done)/\($0) trials done" } ?? "\(done) trials done"
        let best = best.map { String(format: "best %.4f", $0) } ?? "no score yet"
        let clock = String(format: "%.0fs", elapsedSeconds) + (budgetSeconds.map { String(format: "/%.0fs", $0) } ?? "")
        return "automl: \(trials), \(running) running, \(best), \(clock)"
    }

    /// The line for a terminal: back to the start of the line, the text, the rest of the line cleared.
    public var terminalLine: String { "\r" + line + "\u{1B}[K" }
}
