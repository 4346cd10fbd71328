import EaseMLGit
import EaseMLLedger
import Foundation

/// `easeml-ci automl propose`: the best arm of a run, written as `easeml-automl.json` (candidate,
/// parameters, command, score, run) in a commit on top of the current `HEAD`, on the branch
/// `easeml/automl/<base>/<run>`. Only objects and the branch ref are written: the index and the
/// working tree stay as they are. The model artifact is referenced by the trial folder, never committed.
public enum AutoMLProposalCommit {
    public static let fileName = "easeml-automl.json"

    /// What was proposed.
    public struct Result: Sendable, Equatable, Codable {
        public var branch: String
        public var commit: String
        public var arm: String
        public var score: Double

        /// What `automl propose` prints.
        public var text: String { "proposed \(arm) (score \(String(format: "%.4f", score))) on \(branch) as \(commit.prefix(12))" }
    }

    public static func propose(ledger: Ledger, run requested: String?, repositoryPath: String) throws(EaseMLCIError) -> Result {
        let board = try AutoMLLeaderboard(ledger: ledger, run: requested)
        guard let best = board.best, let score = best.score else { throw .automl(.invalidSetting("\(board.run.id) has no successful trial to propose")) }
        do {
            let arms = try ledger.automlArms(run: board.run.id)
            guard let arm = arms.first(where: { $0.key == best.arm }) else { throw EaseMLCIError.automl(.invalidSetting("no arm \(best.arm)")) }
            let trial = try ledger.automlTrials(run: board.run.id).first { $0.id == best.trial }
            let repository = try GitRepository.open(containing: repositoryPath)
            let head = try repository.resolveCommit("HEAD")
            let base = repository.currentBranch() ?? head.abbreviated()
            let branch = "easeml/automl/\(base)/\(board.run.id)"
            let object: [String: Any] = [
                "run": board.run.id, "arm": arm.key, "candidate": arm.candidate, "metric": board.run.metric, "score": score,
                "parameters": (try? JSONSerialization.jsonObject(with: Data(arm.parameters.utf8))) ?? [:],
                "command": (try? JSONSerialization.jsonObject(with: Data(arm.command.utf8))) ?? [],
                "trial_output": trial?.logPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? NSNull(),
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) + Data("\n".utf8)
            let message = "automl: propose \(arm.key) (\(board.run.metric) \(String(format: "%.4f", score))) from \(board.run.id)\n"
            let commit = try repository.commitFile(named: fileName, contents: data, onTopOf: head, message: message, ref: "refs/heads/" + branch)
            try ledger.recordAutoMLProposal(run: board.run.id, arm: arm.position, branch: branch, commit: commit.description)
            return Result(branch: branch, commit: commit.description, arm: arm.key, score: score)
        } catch {
            throw .wrapping(error) { .automl(.invalidSetting("\($0)")) }
        }
    }
}
