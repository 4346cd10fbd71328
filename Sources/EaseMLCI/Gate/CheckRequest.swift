import Foundation

/// `easeml-ci check` on a predictions file or the configured `script`, in a workspace: the
/// question is the one the test set was registered with (the workspace's `.easeml.yml`, when there
/// is one, must state the same), the old model is the one the gate accepted, the ledger is the
/// workspace's (travelling when a remote is configured), and the charge is made before the
/// outcome is returned.
public struct CheckRequest: Sendable {
    /// The new model's predictions; `nil` runs the configuration's `script`.
    public var predictionsPath: String?
    public var testSetID: String?
    /// The target branch (default: the platforms' merge-request target, else the current branch).
    public var branch: String?
    /// How the configured script runs (the workspace's key file and ledger are hidden from it).
    public var sandbox: ScriptSandbox

    public init(predictionsPath: String?, testSetID: String?, branch: String? = nil, sandbox: ScriptSandbox = ScriptSandbox()) {
        self.predictionsPath = predictionsPath
        self.testSetID = testSetID
        self.branch = branch
        self.sandbox = sandbox
    }

    public func run(in workspace: Workspace) throws(EaseMLCIError) -> GateCheck.Outcome {
        let source: GateCheck.Source
        var provenance: PredictionsProvenance?
        if let predictionsPath {
            source = .file(predictionsPath)
        } else if let configuration = workspace.configuration, let script = configuration.config.script {
            let sandbox = workspace.hiding(in: sandbox)
            source = .script(PredictionScript(command: script, workingDirectory: configuration.folder.path, sandbox: sandbox))
            provenance = PredictionsProvenance(source: "script", sandbox: try sandbox.protections())
        } else {
            throw .invalidOption(option: "--predictions", message: "give a predictions file, or set `script:` in .easeml.yml")
        }
        let stated = workspace.configuration.map { GateCheck.StatedQuestion(GateQuestion($0.config), source: $0.displayPath) }
        // The same notion of the old model as `check --commit`: the last accepted among HEAD's
        // first-parent ancestors (a pass here is accepted at HEAD), else the branch's baseline.
        let lineage = BaselineLineage.ofWorkTree(in: workspace.directory.path, branch: branch, environment: workspace.environment)
        let check = GateCheck(source: source, testSetID: testSetID, lineage: lineage, stated: stated.map { [$0] } ?? [])
        let key = try workspace.key()
        var outcome = try workspace.charging { (ledger) throws(EaseMLCIError) in try check.run(ledger: ledger, key: key) }
        outcome.provenance = provenance
        return outcome
    }
}
