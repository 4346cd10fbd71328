extension FeasibilityReport.Request {
    /// Where the target comes from: `--target` (already set), else the `--condition` text, else
    /// the condition of the workspace's configuration (whose `feasibility_old_accuracy` then
    /// stands in for a missing old accuracy).
    public mutating func takeTarget(condition text: String?, from workspace: Workspace) throws(EaseMLCIError) {
        if target != nil {
            targetSource = "--target"
        } else if let text {
            condition = try ConfigurationFile.parseCondition(text)
            targetSource = "--condition"
        } else if let configuration = workspace.configuration {
            condition = configuration.config.condition
            targetSource = configuration.file.lastPathComponent
            if oldAccuracy == nil && oldPredictionsPath == nil { oldAccuracy = configuration.config.feasibility?.oldAccuracy }
        }
    }
}

extension FeasibilityReport {
    /// The one line the lineage records: the verdict and the numbers it rests on.
    public var lineageDecision: String {
        let ceiling = String(format: "%.4f", entries[best].estimate.accuracyCeiling)
        guard let verdict, let target else { return "estimated: accuracy ceiling \(ceiling) (no target)" }
        return "\(verdict): accuracy ceiling \(ceiling) (at most \(String(format: "%.4f", upperCeiling))) for target \(String(format: "%.4f", target))"
    }
}
