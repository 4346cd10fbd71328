/// `easeml-ci automl run` in a workspace: the `automl:` section of its configuration (with the
/// command line's budget), trial folders under `.easeml/automl` next to the configuration (or
/// `outputRoot`), every trial recorded in the workspace's ledger, until the budget, the arms or a
/// signal (`stopRequested`) ends it. Returns the run's leaderboard and the signal, if one stopped it.
public struct AutoMLRunRequest: Sendable {
    /// The run's leaderboard, and the signal that stopped it (nil when the run is done).
    public struct Outcome: Sendable {
        public var leaderboard: AutoMLLeaderboard
        public var stoppedBy: String?
    }

    public var budgetTrials: Int?
    public var budgetSeconds: Double?
    public var outputRoot: String?
    /// Continue `runID` (or the newest unfinished run) instead of starting one.
    public var resume: Bool
    public var runID: String?

    public init(budgetTrials: Int?, budgetSeconds: Double?, outputRoot: String?, resume: Bool, runID: String?) {
        self.budgetTrials = budgetTrials
        self.budgetSeconds = budgetSeconds
        self.outputRoot = outputRoot
        self.resume = resume
        self.runID = runID
    }

    public func run(
        in workspace: Workspace, report: @escaping (String) -> Void, progress: ((AutoMLSearchProgress) -> Void)? = nil,
        stopRequested: @escaping @Sendable () -> String? = { nil }
    ) throws(EaseMLCIError) -> Outcome {
        var (settings, base) = try workspace.automlSettings()
        if let budgetTrials {
            guard budgetTrials >= 1 else { throw .invalidOption(option: "--budget-trials", message: "must be ≥ 1, got \(budgetTrials)") }
            settings.budgetTrials = budgetTrials
        }
        if let budgetSeconds {
            guard budgetSeconds > 0 else { throw .invalidOption(option: "--budget-seconds", message: "must be > 0, got \(budgetSeconds)") }
            settings.budgetSeconds = budgetSeconds
        }
        let ledger = try workspace.openLedger(create: true)
        if outputRoot == nil, let gitignore = try GitIgnoreEntry(pattern: ".easeml/").ensure(in: base) {
            report("automl: added `.easeml/` (trial folders) to \(gitignore)")
        }
        var search = AutoMLSearchRun(
            ledger: ledger, settings: settings, baseDirectory: base, outputRoot: workspace.automlOutputRoot(outputRoot),
            executor: try AutoMLSearchRun.executor(for: settings.backend, report: report), report: report)
        if let progress { search.progress = progress }
        search.stopRequested = stopRequested
        let (id, signal) = resume || runID != nil ? try search.resume(run: runID) : try search.start(tenant: workspace.configuration?.folder.lastPathComponent ?? "")
        return Outcome(leaderboard: try AutoMLLeaderboard(ledger: ledger, run: id), stoppedBy: signal)
    }
}
