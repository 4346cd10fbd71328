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
