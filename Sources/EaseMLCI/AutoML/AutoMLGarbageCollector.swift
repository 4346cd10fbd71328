import EaseMLLedger
import Foundation

/// `easeml-ci automl gc`: removes trial folders nobody needs any more from `<root>/<run>/arm-<n>`
/// (`.easeml/automl` by default): every folder of a finished run but its best arm's (which
/// `automl propose` reads; with `all`, that one too), and folders of runs the ledger does not know.
/// Unfinished runs are kept whole: `--resume` needs them.
public struct AutoMLGarbageCollector: Sendable {
    /// What was (or, on a dry run, would be) removed and kept.
    public struct Report: Sendable, Equatable, Codable {
        public var root: String
        public var removed: [String]
        public var kept: [String]
        public var bytes: Int64
        public var dryRun: Bool

        public var text: String {
            let verb = dryRun ? "would remove" : "removed"
            var lines = removed.map { "\(verb) \($0)" }
            lines.append("\(verb) \(removed.count) trial folder(s), \(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)); kept \(kept.count) under \(root)")
            return lines.joined(separator: "\n")
        }
    }

    public var root: String
    public var all: Bool
    public var dryRun: Bool

    public init(root: String, all: Bool, dryRun: Bool) {
        self.root = root
        self.all = all
        self.dryRun = dryRun
    }

    public func collect(ledger: Ledger) throws(EaseMLCIError) -> Report {
        var report = Report(root: root, removed: [], kept: [], bytes: 0, dryRun: dryRun)
        let runs = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted()
        for run in runs {
            let runFolder = root + "/" + run
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: runFolder, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let record = try AutoMLFailure.typed { try ledger.automlRun(id: run) }
            let folders = ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? []).sorted()
            if let record, record.status == "running" {
                report.kept += folders.map { runFolder + "/" + $0 }
                continue
            }
            var keep: String?
            if let record, !all {
                let board = try AutoMLLeaderboard(ledger: ledger, run: record.id)
                let arms = try AutoMLFailure.typed { try ledger.automlArms(run: record.id) }
                if let best = board.best, let position = arms.first(where: { $0.key == best.arm })?.position { keep = "arm-\(position)" }
            }
            for folder in folders {
                let path = runFolder + "/" + folder
                if folder == keep {
                    report.kept.append(path)
                    continue
                }
                report.bytes += Self.size(of: path)
                report.removed.append(path)
                if !dryRun { try remove(path) }
            }
            if !dryRun, keep == nil || record == nil, ((try? FileManager.default.contentsOfDirectory(atPath: runFolder)) ?? []).isEmpty {
                try remove(runFolder)
            }
        }
        return report
    }

    private func remove(_ path: String) throws(EaseMLCIError) {
        do { try FileManager.default.removeItem(atPath: path) } catch { throw .unwritableFile(path: path, reason: error.localizedDescription) }
    }

    /// The bytes of the regular files below `path`.
    static func size(of path: String) -> Int64 {
        var total: Int64 = 0
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let item = enumerator?.nextObject() as? String {
            if let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + item),
                attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? NSNumber
            {
                total += size.int64Value
            }
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular,
            let size = attributes[.size] as? NSNumber
        {
            total += size.int64Value
        }
        return total
    }
}
