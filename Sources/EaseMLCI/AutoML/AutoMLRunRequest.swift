/// `easeml-ci automl run` in a workspace: the `automl:` section of its configuration (with the
/// command line's budget), trial folders under `.easeml/automl` next to the configuration (or
/// `outputRoot`), every trial recorded in the workspace's ledger. Returns the run's leaderboard.
public struct AutoMLRunRequest: Sendable {
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
        in workspace: Workspace, report: @escaping (String) -> Void, progress: ((AutoMLSearchProgress) -> Void)? = nil
    ) throws(EaseMLCIError) -> AutoMLLeaderboard {
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
        var search = AutoMLSearchRun(
            ledger: ledger, settings: settings, baseDirectory: base, outputRoot: outputRoot.map(workspace.absolute) ?? base + "/.easeml/automl",
            executor: try AutoMLSearchRun.executor(for: settings.backend, report: report), report: report)
        if let progress { search.progress = progress }
        let id = resume || runID != nil ? try search.resume(run: runID) : try search.start(tenant: workspace.configuration?.folder.lastPathComponent ?? "")
        return try AutoMLLeaderboard(ledger: ledger, run: id)
    }
}
