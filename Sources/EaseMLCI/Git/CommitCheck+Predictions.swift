import EaseMLGit
import Foundation

extension CommitCheck {
    /// Where the new model's predictions come from: the file `predict` made (its manifest already
    /// verified against the commit and the test set), or the commit's script, run here from its
    /// exported tree (returned, for the caller to remove).
    func newModel(
        _ snapshot: CommitSnapshot, in repository: GitRepository, manifest: PredictionsManifest?, workspace: Workspace
    ) throws(EaseMLCIError) -> (source: GateCheck.Source, provenance: PredictionsProvenance, checkout: URL?) {
        if let predictionsPath, let manifest {
            let path = PredictionsManifest.path(for: predictionsPath)
            guard manifest.candidate else {
                throw .predictionsMismatch(
                    file: path,
                    message: "the prediction job found no model change in commit \(snapshot.id.abbreviated()), but the commit changes a registered model path or .easeml.yml: run `easeml-ci predict` again")
            }
            let provenance = PredictionsProvenance(source: "predict", manifest: path, predictionsSHA256: manifest.predictionsSHA256, sandbox: manifest.sandbox)
            return (.file(predictionsPath), provenance, nil)
        }
        let script = try snapshot.script(for: "checking a commit")
        let sandbox = workspace.hiding(in: sandbox)
        let provenance = PredictionsProvenance(source: "script", sandbox: try sandbox.protections())
        let checkout = try snapshot.export(from: repository)
        return (.script(PredictionScript(command: script, workingDirectory: checkout.path, sandbox: sandbox)), provenance, checkout)
    }
}
