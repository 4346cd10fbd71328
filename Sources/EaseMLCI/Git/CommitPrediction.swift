import EaseMLGit
import Foundation

/// `easeml-ci predict --commit REV --output FILE`: the first of CI's two phases (DESIGN §7).
///
/// It exports the commit's tree and runs its `script` on the inputs of the test set in use, in a
/// `ScriptSandbox`, and writes the predictions to FILE and their `PredictionsManifest` to
/// FILE.easeml.json. It needs no key — reading which test set is in use, its inputs' path and its
/// registered model paths reveals nothing sealed — and refuses to start where a key is within
/// reach of the script (`KeyExposure`) unless the owner says the script is theirs
/// (`trustedScript`). A commit that changes no registered model path nor `.easeml.yml` runs
/// nothing: its predictions file is empty and its manifest says it is no candidate.
public struct CommitPrediction {
    public struct Outcome: Sendable, Codable {
        public var commit: String
        public var testSet: String
        public var candidate: Bool
        /// The changed paths that made it a candidate.
        public var relevantPaths: [String]
        public var predictions: String
        public var manifest: String
        public var predictionsSHA256: String
        /// What was in force while the script ran (none when it did not run).
        public var sandbox: Protections?
        public var trustedScript: Bool
    }

    public var revision: String
    public var outputPath: String
    /// The test inputs' path, when they are not where the owner registered them (a CI runner).
    public var inputsPath: String?
    public var sandbox: ScriptSandbox
    public var trustedScript: Bool

    public init(revision: String, outputPath: String, inputsPath: String? = nil, sandbox: ScriptSandbox = ScriptSandbox(), trustedScript: Bool = false) {
        self.revision = revision
        self.outputPath = outputPath
        self.inputsPath = inputsPath
        self.sandbox = sandbox
        self.trustedScript = trustedScript
    }

    public func run(in workspace: Workspace) throws(EaseMLCIError) -> Outcome {
        let protections = try sandbox.protections()
        if !trustedScript {
            // Under bwrap the script sees no other process; without it, it reads its ancestors' environments.
            let found = KeyExposure.findings(environment: workspace.environment, ancestors: protections.isolation != "bwrap")
            guard found.isEmpty else { throw .sealing(.keyReachable(found)) }
        }
        // Both files are opened before anything runs: an unwritable path fails first.
        let predictionsFile = try AtomicFile.Reservation(workspace.absolute(outputPath))
        let manifestFile = try AtomicFile.Reservation(PredictionsManifest.path(for: workspace.absolute(outputPath)))
        do {
            let repository = try GitRepository.open(containing: workspace.directory.path)
            let id = try repository.resolveCommit(revision)
            let commit = try repository.commit(id)
            let snapshot = try CommitSnapshot(id, in: repository)
            let changed = try repository.changedPaths(from: commit.parents.first, to: id)
            let testSet = try GateCheck.selectTestSet(nil, in: try workspace.readingLedger())
            let relevant = ModelPathMatcher(patterns: try GateCheck.registeredQuestion(testSet).models).relevantPaths(among: changed)
            var predictions = Data()
            if !relevant.isEmpty {
                let script = try snapshot.script(for: "predicting a commit")
                let checkout = try snapshot.export(from: repository)
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("easeml-ci-predict-\(UUID().uuidString)")
                defer {
                    try? FileManager.default.removeItem(at: checkout)
                    try? FileManager.default.removeItem(at: scratch)
                }
                let run = PredictionScript(command: script, workingDirectory: checkout.path, sandbox: workspace.hiding(in: sandbox))
                let output = try run.run(inputs: inputsPath.map(workspace.absolute) ?? testSet.inputsPath, scratch: scratch)
                guard let data = FileManager.default.contents(atPath: output) else {
                    throw EaseMLCIError.unreadableFile(path: output, reason: "the script's predictions cannot be read")
                }
                predictions = data
            }
            let manifest = PredictionsManifest(
                commit: id.hex, testSet: testSet.id, candidate: !relevant.isEmpty, predictions: predictions,
                sandbox: relevant.isEmpty ? nil : protections, trustedScript: trustedScript)
            try predictionsFile.commit(predictions)
            try manifestFile.commit(Data((ReportJSON.text(manifest) + "\n").utf8))
            return Outcome(
                commit: id.hex, testSet: testSet.id, candidate: manifest.candidate, relevantPaths: relevant, predictions: predictionsFile.path,
                manifest: manifestFile.path, predictionsSHA256: manifest.predictionsSHA256, sandbox: manifest.sandbox, trustedScript: trustedScript)
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
    }
}
