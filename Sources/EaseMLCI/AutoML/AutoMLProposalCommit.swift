import EaseMLGit
import EaseMLLedger
import Foundation

/// `easeml-ci automl propose`: the best arm of a run, committed so that the gate can judge it — on
/// top of the current `HEAD`, on the branch `easeml/automl/<base>/<run>`:
///
/// - the best trial's model artifact (the `model` of its `EASEML_RESULT`, relative to its trial
///   folder, else `model.pkl` there) at `modelPath(models:)`, below the configuration's `models:`,
///   so the commit is a candidate and the configuration's `script:` finds it;
/// - `easeml-automl.json`: run, arm, candidate, parameters, command, score, and the trial folder
///   and model path relative to the repository (no absolute path of this machine).
///
/// Only objects and the branch ref are written: the index and the working tree stay as they are.
public enum AutoMLProposalCommit {
    public static let fileName = "easeml-automl.json"

    /// What was proposed.
    public struct Result: Sendable, Equatable, Codable {
        public var branch: String
        public var commit: String
        public var arm: String
        public var score: Double
        /// The model's path in the commit (nil when the trial left no artifact).
        public var model: String?

        /// What `automl propose` prints.
        public var text: String {
            "proposed \(arm) (score \(String(format: "%.4f", score))) on \(branch) as \(commit.prefix(12))"
                + (model.map { "\nthe model is \($0); `easeml-ci check --commit \(branch)` judges it" }
                    ?? "\nthe trial left no model artifact (no `model` in its result, no model.pkl): only \(fileName) is committed")
        }
    }

    /// The lineage's record of a proposal: the branch first (a ref name has no `:`), so that
    /// `easeml-ci next` can name the commit the gate should judge (`proposedBranch(in:)`).
    public static func lineageDecision(_ result: Result) -> String {
        "\(result.branch): proposed \(result.arm) (validation score \(String(format: "%.4f", result.score))) as \(result.commit.prefix(12))"
    }

    /// The branch of a proposal's lineage decision.
    public static func proposedBranch(in decision: String) -> String? {
        guard let colon = decision.range(of: ": proposed ") else { return nil }
        return String(decision[..<colon.lowerBound])
    }

    /// Where a proposal puts the model, relative to the configuration's folder: `automl-model.pkl`
    /// in the first folder of `models:` (an entry ending in `/`), else the first entry without
    /// wildcards itself, else `model/automl-model.pkl`.
    public static func modelPath(models: [String]) -> String {
        if let folder = models.first(where: { $0.hasSuffix("/") && !$0.contains("*") }) { return folder + AutoMLPreset.modelFileName }
        if let file = models.first(where: { !$0.contains("*") && !$0.contains("?") && !$0.contains("[") }) { return file }
        return "model/" + AutoMLPreset.modelFileName
    }

    public static func propose(ledger: Ledger, run requested: String?, in workspace: Workspace) throws(EaseMLCIError) -> Result {
        let board = try AutoMLLeaderboard(ledger: ledger, run: requested)
        guard let best = board.best, let score = best.score else { throw .automl(.invalidSetting("\(board.run.id) has no successful trial to propose")) }
        do {
            let arms = try ledger.automlArms(run: board.run.id)
            guard let arm = arms.first(where: { $0.key == best.arm }) else { throw EaseMLCIError.automl(.invalidSetting("no arm \(best.arm)")) }
            let trial = try ledger.automlTrials(run: board.run.id).first { $0.id == best.trial }
            let repository = try GitRepository.open(containing: workspace.directory.path)
            guard let workTree = repository.workTree.map({ URL(fileURLWithPath: $0).standardizedFileURL.path }) else {
                throw EaseMLCIError.git("`automl propose` needs a repository with a working tree")
            }
            func inRepository(_ path: String) -> String? {
                let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
                return absolute.hasPrefix(workTree + "/") ? String(absolute.dropFirst(workTree.count + 1)) : nil
            }
            let head = try repository.resolveCommit("HEAD")
            let base = repository.currentBranch() ?? head.abbreviated()
            let branch = "easeml/automl/\(base)/\(board.run.id)"
            let trialFolder = trial?.logPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
            var files: [(path: String, contents: Data)] = []
            var modelInCommit: String?
            if let trialFolder, let artifact = artifact(trialFolder: trialFolder) {
                let configFolder = workspace.configuration.flatMap { inRepository($0.folder.path) }
                let relative = modelPath(models: workspace.configuration?.config.modelPaths ?? ProjectInitializer.defaultModels)
                let path = [configFolder, relative].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: "/")
                guard let contents = FileManager.default.contents(atPath: artifact) else {
                    throw EaseMLCIError.unreadableFile(path: artifact, reason: "the best trial's model cannot be read")
                }
                files.append((path, contents))
                modelInCommit = path
            }
            var object: [String: Any] = [
                "run": board.run.id, "arm": arm.key, "candidate": arm.candidate, "metric": board.run.metric, "score": score,
                "parameters": (try? JSONSerialization.jsonObject(with: Data(arm.parameters.utf8))) ?? [:],
                "command": (try? JSONSerialization.jsonObject(with: Data(arm.command.utf8))) ?? [],
            ]
            if let folder = trialFolder.flatMap(inRepository) { object["trial_output"] = folder }
            if let modelInCommit { object["model"] = modelInCommit }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) + Data("\n".utf8)
            files.append((fileName, data))
            let message = "automl: propose \(arm.key) (\(board.run.metric) \(String(format: "%.4f", score))) from \(board.run.id)\n"
            let commit = try repository.commitFiles(files, onTopOf: head, message: message, ref: "refs/heads/" + branch)
            try ledger.recordAutoMLProposal(run: board.run.id, arm: arm.position, branch: branch, commit: commit.description)
            return Result(branch: branch, commit: commit.description, arm: arm.key, score: score, model: modelInCommit)
        } catch {
            throw .wrapping(error) { .automl(.invalidSetting("\($0)")) }
        }
    }

    /// The model file a trial left in `trialFolder`: the `model` of the last `EASEML_RESULT` line
    /// of its log (relative to the folder, or absolute), else `model.pkl`; nil when neither exists.
    static func artifact(trialFolder: String) -> String? {
        let log = FileManager.default.contents(atPath: trialFolder + "/" + AutoMLTrial.logName).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if case .ok(_, let result) = AutoMLTrial.parseResult(log),
            let object = try? JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any],
            let model = object["model"] as? String, !model.isEmpty
        {
            let path = model.hasPrefix("/") ? model : trialFolder + "/" + model
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        let fallback = trialFolder + "/model.pkl"
        return FileManager.default.fileExists(atPath: fallback) ? fallback : nil
    }
}
