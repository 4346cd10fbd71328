import Foundation

/// `easeml-ci check` on a predictions file or the configured `script`, in a workspace: the
/// settings are the workspace's (with the command line's overrides), the ledger is the
/// workspace's (travelling when a remote is configured), and the charge is made before the
/// outcome is returned.
public struct CheckRequest: Sendable {
    public var overrides: GateOverrides
    /// The new model's predictions; `nil` runs the configuration's `script`.
    public var predictionsPath: String?
    /// The old model's predictions; `nil` uses the last accepted model.
    public var oldPredictionsPath: String?
    public var testSetID: String?

    public init(overrides: GateOverrides, predictionsPath: String?, oldPredictionsPath: String?, testSetID: String?) {
        self.overrides = overrides
        self.predictionsPath = predictionsPath
        self.oldPredictionsPath = oldPredictionsPath
        self.testSetID = testSetID
    }

    public func run(in workspace: Workspace) throws(EaseMLCIError) -> GateCheck.Outcome {
        let settings = try workspace.gateSettings(overrides)
        let source: GateCheck.Source
        if let predictionsPath {
            source = .file(predictionsPath)
        } else if let configuration = workspace.configuration, let script = configuration.config.script {
            source = .script(PredictionScript(command: script, workingDirectory: configuration.folder.path))
        } else {
            throw .invalidOption(option: "--predictions", message: "give a predictions file, or set `script:` in .easeml.yml")
        }
        let check = GateCheck(
            settings: settings, source: source, oldPredictionsPath: oldPredictionsPath, testSetID: testSetID)
        let key = try workspace.key()
        return try workspace.charging { (ledger) throws(EaseMLCIError) in try check.run(ledger: ledger, key: key) }
    }
}
