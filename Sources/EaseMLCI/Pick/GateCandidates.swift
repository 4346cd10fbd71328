import EaseMLGit
import EaseMLLedger
import Foundation

/// The candidates of a ModelPicker session taken from the gate: every commit whose model the gate
/// accepted on a test set. Their predictions on the *production* pool do not exist yet, so each
/// commit's own `script` (from its own tree, as `check --commit` runs it) is run on the pool inputs.
public struct GateCandidates {
    public var testSetID: String?
    /// The pool's inputs, handed to each script as `$EASEML_INPUTS`.
    public var poolInputs: String
    /// A folder inside the repository.
    public var directory: String
    /// Where each commit's script runs (the command line's `--isolation`, `--sandbox-read`, …).
    public var sandbox: ScriptSandbox

    public init(testSetID: String?, poolInputs: String, directory: String, sandbox: ScriptSandbox = ScriptSandbox()) {
        self.testSetID = testSetID
        self.poolInputs = poolInputs
        self.directory = directory
        self.sandbox = sandbox
    }

    /// The commits whose models were accepted (by the gate or the owner), oldest first, each at most once.
    public static func acceptedCommits(testSetID: String?, in ledger: Ledger) throws(EaseMLCIError) -> [String] {
        let testSet = try GateCheck.selectTestSetIncludingRetired(testSetID, in: ledger)
        let accepted: [AcceptedModel]
        do { accepted = try ledger.acceptedModels(testSetID: testSet.id, withPredictions: false) } catch { throw .ledger(error) }
        var seen = Set<String>()
        return accepted.compactMap(\.commitID).filter { seen.insert($0).inserted }
    }

    /// Writes one predictions file per accepted commit into `folder`, named by the commit's short
    /// id, and returns their paths (oldest commit first). `others` candidates come from elsewhere
    /// (`--models`, e.g. the deployed model's predictions); together there must be two.
    public func predictionFiles(ledger: Ledger, into folder: URL, others: Int = 0) throws(EaseMLCIError) -> [String] {
        let commits = try Self.acceptedCommits(testSetID: testSetID, in: ledger)
        guard commits.count + others >= 2 else {
            throw .invalidOption(
                option: "--from-gate",
                message: "the gate has accepted \(commits.count) model commit(s) on this test set; ModelPicker needs at least two candidates"
                    + (others == 0 ? " (add another, e.g. the deployed model's predictions on the pool, with --models)" : ""))
        }
        let repository: GitRepository
        do { repository = try GitRepository.open(containing: directory) } catch { throw .git(error.description) }
        let inputs = URL(fileURLWithPath: poolInputs, relativeTo: URL(fileURLWithPath: directory + "/")).standardizedFileURL.path
        var paths: [String] = []
        for hex in commits {
            guard let id = GitObjectID(hex: hex) else { continue }
            let snapshot = try CommitSnapshot(id, in: repository)
            let script = try snapshot.script(for: "predicting the pool for ModelPicker")
            let checkout = try snapshot.export(from: repository)
            defer { try? FileManager.default.removeItem(at: checkout) }
            let scratch = folder.appendingPathComponent(".run-\(id.abbreviated())")
            do { try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true) } catch {
                throw .unwritableFile(path: scratch.path, reason: error.localizedDescription)
            }
            defer { try? FileManager.default.removeItem(at: scratch) }
            let produced = try PredictionScript(command: script, workingDirectory: checkout.path, sandbox: sandbox).run(inputs: inputs, scratch: scratch)
            let target = folder.appendingPathComponent("\(id.abbreviated()).csv")
            do { try FileManager.default.moveItem(atPath: produced, toPath: target.path) } catch {
                throw .unwritableFile(path: target.path, reason: error.localizedDescription)
            }
            paths.append(target.path)
        }
        return paths
    }
}
