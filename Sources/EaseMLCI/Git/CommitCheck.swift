import EaseMLCore
import EaseMLGit
import EaseMLLedger
import Foundation

/// `easeml-ci check --commit REV`: evaluates a commit as a CI candidate from its own tree.
///
/// What the commit is judged by belongs to the integration owner, not to the commit: the ledger is
/// the workspace's (`--ledger`, the working `.easeml.yml`'s `ledger:`, else the default; never the
/// commit's own `ledger:` or `ledger_remote:`), and the question — condition, mode, steps, and the
/// model paths that make a commit a candidate — is the one the test set was registered with. A
/// commit is a candidate when it changes a registered model path or `.easeml.yml`; anything else
/// passes at once with "no model change" and no charge. A candidate whose `.easeml.yml` states
/// another question is refused (exit 2). Its predictions are the file `easeml-ci predict` made for
/// it (`predictionsPath`, its manifest verified: no repository code runs here), or else its
/// `script`, taken from the commit (exported to a temporary folder, never the working directory)
/// and run in a `ScriptSandbox`; the old model is the last model *accepted* on
/// the target branch, and the verdict is attached to the commit as a note under `refs/notes/easeml`.
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
    /// The target branch (default: `GITHUB_BASE_REF`, `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`, else
    /// the branch HEAD is on).
    public var branch: String?
    /// False to only say whether the commit is a candidate, charging nothing.
    public var judge: Bool
    /// The predictions `easeml-ci predict` made for this commit (checked against their manifest);
    /// `nil` runs the commit's script here (the owner's single-command flow, trusting the script).
    public var predictionsPath: String?
    /// How the commit's script runs when it runs here.
    public var sandbox: ScriptSandbox

    public init(revision: String, branch: String?, judge: Bool = true, predictionsPath: String? = nil, sandbox: ScriptSandbox = ScriptSandbox()) {
        self.revision = revision
        self.branch = branch
        self.judge = judge
        self.predictionsPath = predictionsPath
        self.sandbox = sandbox
    }

    /// The changed paths that make a commit a candidate: registered model paths and `.easeml.yml`.
    static func relevantPaths(among changed: [String], registered: GateQuestion) -> [String] {
        ModelPathMatcher(patterns: registered.models).relevantPaths(among: changed) + (changed.contains(".easeml.yml") ? [".easeml.yml"] : [])
    }

    /// Evaluates the commit in the repository of `workspace`, with its ledger and key.
    public func run(in workspace: Workspace) throws(EaseMLCIError) -> Outcome {
        let directory = workspace.directory.path
        do {
            let key = try workspace.key()
            let repository = try GitRepository.open(containing: directory)
            let id = try repository.resolveCommit(revision)
            let commit = try repository.commit(id)
            // History from before the gate (no .easeml.yml) is not judged.
            guard try repository.contents(of: ".easeml.yml", at: id) != nil else {
                return Outcome(commit: id.hex, summary: commit.summary, candidate: false, relevantPaths: [], gate: nil)
            }
            let snapshot = try CommitSnapshot(id, in: repository)
            let changed = try repository.changedPaths(from: commit.parents.first, to: id)
            let lineage = try BaselineLineage.ofCommit(
                commit, in: repository,
                branch: BaselineLineage.targetBranch(explicit: branch, environment: workspace.environment, repository: repository))
            let outcome = try workspace.charging { (ledger) throws(EaseMLCIError) -> (result: Outcome, charged: Bool) in
                guard let key else { throw .sealing(.missingKey(purpose: "checking a commit on the sealed test set")) }
                ledger.authenticate(with: key.ledgerKey)
                let testSet = try GateCheck.selectTestSet(nil, in: ledger)
                let registered = try GateCheck.registeredQuestion(testSet)
                let manifest = try predictionsPath.map { (path) throws(EaseMLCIError) in
                    try PredictionsManifest.verify(predictions: path, commit: id.hex, testSetID: testSet.id)
                }
                let relevant = Self.relevantPaths(among: changed, registered: registered)
                guard !relevant.isEmpty else {
                    return (Outcome(commit: id.hex, summary: commit.summary, candidate: false, relevantPaths: [], gate: nil), false)
                }
                guard judge else {
                    return (Outcome(commit: id.hex, summary: commit.summary, candidate: true, relevantPaths: relevant, gate: nil), false)
                }
                // The model the owner set as the baseline at this very commit is accepted: nothing to judge.
                let accepted: [AcceptedModel]
                do { accepted = try ledger.acceptedModels(testSetID: testSet.id, withPredictions: false) } catch let error as LedgerError { throw .ledger(error) } catch { throw .wrapping(error) { .git("\($0)") } }
                if accepted.contains(where: { $0.commitID == id.hex && $0.source == .owner }) {
                    let budget: BudgetState
                    do { budget = try ledger.budget(testSetID: testSet.id) } catch let error as LedgerError { throw .ledger(error) } catch { throw .wrapping(error) { .git("\($0)") } }
                    let gate = GateCheck.Outcome(
                        answer: .pass, replay: false, testSetID: testSet.id, condition: "\(registered.condition)", step: nil,
                        stepsUsed: budget.stepsUsed, stepsLeft: budget.stepsLeft, bitsLeft: budget.bitsLeft, retired: budget.retired,
                        message: "the integration owner's baseline (`baseline set --commit`): accepted without a test-set use")
                    return (Outcome(commit: id.hex, summary: commit.summary, candidate: true, relevantPaths: relevant, gate: gate), false)
                }
                let (source, provenance, checkout) = try newModel(snapshot, in: repository, manifest: manifest, workspace: workspace)
                defer { checkout.map { try? FileManager.default.removeItem(at: $0) } }
                let check = GateCheck(
                    source: source, testSetID: nil,
                    lineage: lineage, commitID: id.hex,
                    stated: [.init(GateQuestion(snapshot.config), source: "the .easeml.yml of commit \(id.abbreviated())")])
                var gate = try check.run(ledger: ledger, key: key)
                gate.provenance = provenance
                let outcome = Outcome(commit: id.hex, summary: commit.summary, candidate: true, relevantPaths: relevant, gate: gate)
                return (outcome, gate.answer != .refused && !gate.replay)
            }
            if let gate = outcome.gate, gate.answer != .refused, gate.step != nil, let key {
                let note = VerdictNote(
                    verdict: gate.answer.rawValue, testSetID: gate.testSetID, step: gate.step, stepsLeft: gate.stepsLeft,
                    condition: gate.condition, commit: id.hex, ledgerEvent: gate.ledgerEvent, ledgerHead: gate.ledgerHead)
                try repository.setNote(note.signed(with: key).text, for: id)
            }
            return outcome
        } catch {
            throw .wrapping(error) { .git("\($0)") }
        }
    }
}
