import EaseMLLedger
import Foundation

/// Records an engine run in the lineage of the application whose `.easeml.yml` the workspace found
/// (`Ledger.recordLineageRun`): each input and output file with its content hash now, and what the
/// run decided. Outside an application (no configuration) nothing is recorded and `record` returns nil.
///
/// Paths are stored relative to the configuration's folder when inside it (so a clone elsewhere reads
/// the same lineage), absolute otherwise.
public struct LineageRecorder: Sendable {
    public let workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// The folder lineage paths are relative to: the configuration's.
    var root: URL? { workspace.configuration?.folder }

    /// Records one run; `inputs` and `outputs` are (role, path as given on the command line).
    @discardableResult
    public func record(
        step: String, command: String, inputs: [(role: String, path: String)], outputs: [(role: String, path: String)] = [],
        decision: String
    ) throws(EaseMLCIError) -> LineageRunRecord? {
        guard let root else { return nil }
        // A file the application declares is recorded under its role there.
        let declared = Dictionary(
            (workspace.configuration?.config.application?.declared ?? []).map { (Self.resolve($0.path, root: root), $0.role.rawValue) },
            uniquingKeysWith: { first, _ in first })
        func artifacts(_ files: [(role: String, path: String)]) throws(EaseMLCIError) -> [LineageRunRecord.Artifact] {
            var result: [LineageRunRecord.Artifact] = []
            for file in files {
                let absolute = workspace.absolute(file.path)
                result.append(.init(path: Self.stored(absolute, root: root), role: declared[absolute] ?? file.role, hash: try ContentHash.ofPath(absolute)))
            }
            return result
        }
        let inputArtifacts = try artifacts(inputs), outputArtifacts = try artifacts(outputs)
        let ledger = try workspace.openLedger(create: true)
        return try ledgerCall { () throws(LedgerError) in
            try ledger.recordLineageRun(step: step, command: command, inputs: inputArtifacts, outputs: outputArtifacts, decision: decision)
        }
    }

    /// Refuses a file that an `ingest augment` run of this application wrote as augmented data:
    /// synthetic rows never enter validation or test data. Outside an application, or with no ledger
    /// yet, nothing is checked.
    public func refuseAugmented(_ path: String, option: String) throws(EaseMLCIError) {
        guard root != nil, let ledger = try workspace.existingLedger() else { return }
        try Self.refuseAugmented(workspace.absolute(path), shownAs: path, option: option, ledger: ledger)
    }

    /// The same against `ledger`'s lineage, for a workflow that holds the ledger (the AutoML search).
    static func refuseAugmented(_ absolute: String, shownAs path: String, option: String, ledger: Ledger) throws(EaseMLCIError) {
        let runs = try ledgerCall { () throws(LedgerError) in try ledger.lineageRuns() }
        let augmented = runs.filter { $0.step == "augmentation" }.flatMap { run in run.outputs.filter { $0.role == "augmented" }.map { (run.id, $0.hash) } }
        guard !augmented.isEmpty else { return }
        let hash = try ContentHash.ofPath(absolute)
        if let run = augmented.first(where: { $0.1 == hash }) {
            throw .invalidOption(option: option, message: "\(path) is augmented data (synthetic rows from `ingest augment`, lineage run #\(run.0)); augmented rows never enter validation or test data")
        }
    }

    /// `absolute` relative to `root` when inside it (`Workspace.relative`).
    static func stored(_ absolute: String, root: URL) -> String {
        Workspace.relative(URL(fileURLWithPath: absolute), to: root)
    }

    /// A stored path made absolute again.
    static func resolve(_ stored: String, root: URL) -> String {
        stored.hasPrefix("/") ? stored : root.appendingPathComponent(stored).standardizedFileURL.path
    }
}
