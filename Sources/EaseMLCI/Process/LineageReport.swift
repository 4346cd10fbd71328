import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci lineage`: the application's data sets and every recorded engine run, with what each
/// read and wrote, and which results are **stale** — computed on data that has changed since (an input
/// whose content hash differs now, or a data set of the application that is gone) or downstream of a
/// stale run (a run that read a file another run wrote).
public struct LineageReport: Sendable, Encodable, Equatable {
    /// One file as recorded, and as it is now.
    public struct FileState: Sendable, Encodable, Equatable {
        public var path: String
        public var role: String
        /// The content hash when the run happened.
        public var recordedHash: String
        /// The content hash now; nil when the file is gone.
        public var currentHash: String?
        public var changed: Bool { currentHash != recordedHash }

        enum CodingKeys: String, CodingKey { case path, role, recordedHash, currentHash, changed }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(role, forKey: .role)
            try container.encode(recordedHash, forKey: .recordedHash)
            try container.encode(currentHash, forKey: .currentHash)
            try container.encode(changed, forKey: .changed)
        }
    }

    /// One recorded run.
    public struct Run: Sendable, Encodable, Equatable {
        public var id: Int64
        public var step: String
        public var command: String
        public var decision: String
        public var recordedAt: String
        public var inputs: [FileState]
        public var outputs: [FileState]
        /// Runs whose outputs this run read (by path and hash).
        public var upstream: [Int64]
        public var stale: Bool
        /// Why, for people: the changed inputs and the stale runs upstream.
        public var staleBecause: [String]
    }

    /// One data set of the `application:` section.
    public struct DataSet: Sendable, Encodable, Equatable {
        public var role: String
        public var path: String
        /// The content hash now; nil (JSON null) when the file is missing.
        public var hash: String?

        enum CodingKeys: String, CodingKey { case role, path, hash }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(role, forKey: .role)
            try container.encode(path, forKey: .path)
            try container.encode(hash, forKey: .hash)
        }
    }

    public var dataSets: [DataSet]
    public var runs: [Run]

    /// Reads the lineage of the workspace's application (empty without a ledger).
    public static func make(_ workspace: Workspace) throws(EaseMLCIError) -> LineageReport {
        let configuration = try workspace.requireConfiguration()
        let root = configuration.folder
        var hashes: [String: String?] = [:]
        func currentHash(_ stored: String) -> String? {
            if let known = hashes[stored] { return known }
            let path = LineageRecorder.resolve(stored, root: root)
            let hash = FileManager.default.fileExists(atPath: path) ? try? ContentHash.ofPath(path) : nil
            hashes[stored] = .some(hash)
            return hash
        }
        let dataSets = (configuration.config.application?.declared ?? []).map {
            DataSet(role: $0.role.rawValue, path: $0.path, hash: currentHash(LineageRecorder.stored(LineageRecorder.resolve($0.path, root: root), root: root)))
        }
        let records: [LineageRunRecord]
        if let ledger = try workspace.existingLedger() {
            records = try ledgerCall { () throws(LedgerError) in try ledger.lineageRuns() }
        } else {
            records = []
        }
        var runs: [Run] = []
        var staleByID: [Int64: Bool] = [:]
        let dataRoles = Set(ApplicationSettings.Role.allCases.map(\.rawValue))
        for record in records {
            let inputs = record.inputs.map { FileState(path: $0.path, role: $0.role, recordedHash: $0.hash, currentHash: currentHash($0.path)) }
            let outputs = record.outputs.map { FileState(path: $0.path, role: $0.role, recordedHash: $0.hash, currentHash: currentHash($0.path)) }
            // The newest earlier run that wrote exactly what this run read.
            var upstream: [Int64] = []
            for input in record.inputs {
                if let producer = runs.last(where: { run in run.outputs.contains { $0.path == input.path && $0.recordedHash == input.hash } }) {
                    if !upstream.contains(producer.id) { upstream.append(producer.id) }
                }
            }
            // A changed input makes the run stale; a vanished one only when it is one of the application's
            // data sets (a scratch file, e.g. predictions handed over from Python, is meant to go).
            var because = inputs.filter { $0.changed && ($0.currentHash != nil || dataRoles.contains($0.role)) }
                .map { $0.currentHash == nil ? "\($0.path) is gone" : "\($0.path) changed" }
            because += upstream.filter { staleByID[$0] == true }.map { "run \($0) upstream is stale" }
            staleByID[record.id] = !because.isEmpty
            runs.append(Run(
                id: record.id, step: record.step, command: record.command, decision: record.decision, recordedAt: record.recordedAt,
                inputs: inputs, outputs: outputs, upstream: upstream, stale: !because.isEmpty, staleBecause: because))
        }
        return LineageReport(dataSets: dataSets, runs: runs)
    }

    /// The newest run of `step`, if any.
    public func latest(_ step: String) -> Run? { runs.last { $0.step == step } }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        if dataSets.isEmpty {
            lines.append("Data: no `application:` section in .easeml.yml (declare training, validation, pool, production, target).")
        } else {
            lines.append("Data")
            for set in dataSets {
                lines.append("  \(set.role.padding(toLength: 11, withPad: " ", startingAt: 0)) \(set.path)  " + (set.hash.map { "sha256:" + $0.prefix(12) } ?? "MISSING"))
            }
        }
        lines.append("")
        guard !runs.isEmpty else {
            lines.append("Runs: none recorded yet (engine commands record their runs when run inside the application).")
            return lines.joined(separator: "\n")
        }
        lines.append("Runs (oldest first)")
        for run in runs {
            lines.append("  #\(run.id) \(run.step)  \(run.recordedAt)  " + (run.stale ? "STALE" : "current"))
            lines.append("      command:  easeml-ci \(run.command)")
            lines.append("      decided:  \(run.decision)")
            for input in run.inputs { lines.append("      read:     \(input.path) (\(input.role))" + (input.changed ? (input.currentHash == nil ? " — gone" : " — changed since") : "")) }
            for output in run.outputs { lines.append("      wrote:    \(output.path) (\(output.role))") }
            if !run.upstream.isEmpty { lines.append("      after:    " + run.upstream.map { "#\($0)" }.joined(separator: ", ")) }
            if run.stale { lines.append("      stale:    " + run.staleBecause.joined(separator: "; ")) }
        }
        return lines.joined(separator: "\n")
    }

    /// The graph in Graphviz's DOT language: data sets and files as boxes, runs as ellipses (stale
    /// ones dashed and red), edges from what a run read to it and from it to what it wrote.
    public func dot() -> String {
        var lines = ["digraph lineage {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"]
        var files: [String: String] = [:]
        func fileNode(_ path: String, label: String) -> String {
            if let id = files[path] { return id }
            let id = "f\(files.count)"
            files[path] = id
            lines.append("  \(id) [shape=box, label=\(Self.quoted(label))];")
            return id
        }
        for set in dataSets { _ = fileNode(set.path, label: "\(set.role)\\n\(set.path)") }
        for run in runs {
            let style = run.stale ? ", style=dashed, color=red" : ""
            lines.append("  r\(run.id) [shape=ellipse, label=\(Self.quoted("#\(run.id) \(run.step)\\n\(run.decision)"))\(style)];")
            for input in run.inputs {
                lines.append("  \(fileNode(input.path, label: input.path)) -> r\(run.id)" + (input.changed ? " [color=red, label=\"changed\"]" : "") + ";")
            }
            for output in run.outputs { lines.append("  r\(run.id) -> \(fileNode(output.path, label: output.path));") }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A DOT string literal (quotes and backslashes escaped, except the `\n` line breaks we put in).
    static func quoted(_ text: String) -> String {
        var escaped = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, characters[index + 1] == "n" {
                escaped += "\\n"
                index += 2
                continue
            }
            if character == "\"" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
            index += 1
        }
        return "\"" + escaped + "\""
    }
}
