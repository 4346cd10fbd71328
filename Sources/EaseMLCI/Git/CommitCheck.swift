import EaseMLCore
import EaseMLGit
import EaseMLLedger
import Foundation

/// `easeml-ci check --commit REV`: evaluates a commit as a CI candidate from its own tree.
///
/// The commit is a candidate when it changes a model path (`models:`) or `.easeml.yml`; anything
/// else passes at once with "no model change" and no charge. A candidate's `.easeml.yml` and
/// `script` are taken from the commit (exported to a temporary folder, never the working
/// directory), the old model is the last model *accepted* on the target branch, and the verdict is
/// attached to the commit as a note under `refs/notes/easeml`.
public struct CommitCheck {
    public struct Outcome: Sendable, Codable {
        public var commit: String
        public var summary: String
        public var candidate: Bool
        /// The changed paths that made it a candidate.
        public var relevantPaths: [String]
        /// The gate's answer; `nil` for a non-candidate.
        public var gate: GateCheck.Outcome?

        public var exitStatus: ExitStatus { gate?.exitStatus ?? .success }
    }

    public var revision: String
    /// The target branch (default: the branch HEAD is on).
    public var branch: String?
    /// Old-model predictions to use instead of the last accepted model (to bootstrap a branch).
    public var oldPredictionsPath: String?

    public init(revision: String, branch: String?, oldPredictionsPath: String? = nil) {
        self.revision = revision
        self.branch = branch
        self.oldPredictionsPath = oldPredictionsPath
    }

    /// Evaluates the commit in the repository of `workspace`, with its ledger and key.
    public func run(in workspace: Workspace) throws(EaseMLCIError) -> Outcome {
        let directory = workspace.directory.path
        do {
            let key = try workspace.key()
            let repository = try GitRepository.open(containing: directory)
            guard let workTree = repository.workTree else { throw EaseMLCIError.git("\(directory) is a bare repository") }
            let id = try repository.resolveCommit(revision)
            let commit = try repository.commit(id)
            let snapshot = try CommitSnapshot(id, in: repository)
            let config = snapshot.config
            let changed = try repository.changedPaths(from: commit.parents.first, to: id)
            let relevant = ModelPathMatcher(patterns: config.modelPaths).relevantPaths(among: changed)
            guard !relevant.isEmpty else {
                return Outcome(commit: id.hex, summary: commit.summary, candidate: false, relevantPaths: [], gate: nil)
            }
            let script = try snapshot.script(for: "checking a commit")
            let checkout = try snapshot.export(from: repository)
            defer { try? FileManager.default.removeItem(at: checkout) }
            let file = URL(fileURLWithPath: workTree).appendingPathComponent(".easeml.yml")
            let committed = Workspace.Configuration(config: config, file: file, displayPath: ".easeml.yml")
            let check = GateCheck(
                settings: GateSettings(config), source: .script(PredictionScript(command: script, workingDirectory: checkout.path)),
                oldPredictionsPath: oldPredictionsPath.map(workspace.absolute),
                testSetID: nil, branch: branch ?? repository.currentBranch(), commitID: id.hex)
            let gate = try workspace.charging(for: committed) { (ledger) throws(EaseMLCIError) in try check.run(ledger: ledger, key: key) }
            if gate.answer != .refused {
                let note = VerdictNote(
                    verdict: gate.answer.rawValue, testSetID: gate.testSetID, step: gate.step, stepsLeft: gate.stepsLeft,
                    condition: gate.condition)
                try repository.setNote(note.text, for: id)
            }
            return Outcome(commit: id.hex, summary: commit.summary, candidate: true, relevantPaths: relevant, gate: gate)
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
    }
}
