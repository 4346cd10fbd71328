import EaseMLEngines
import Foundation

/// Feasibility reports cached by the content of their data, so the pre-commit hook only repeats
/// the study when the data (or how it is read) changed. Reports are stored without a target;
/// verdicts are derived per target from the stored estimates.
public struct FeasibilityCache: Sendable {
    /// Where reports are kept, e.g. `.git/easeml/feasibility-cache`.
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    /// The report for `request` (its target ignored), from the cache when the data is unchanged.
    public func report(for request: FeasibilityReport.Request) throws(EaseMLCIError) -> (report: FeasibilityReport, cached: Bool) {
        var keyed = request
        keyed.target = nil
        keyed.targetSource = nil
        var key = "easeml-feasibility-v2\n\(keyed.labelsColumn)\n\(keyed.labelsPath ?? "")\n\(keyed.metric.rawValue)\n\(keyed.seed)\n\(keyed.leaveOneOutLimit)\n"
        key += keyed.scalings.map(\.rawValue).joined(separator: ",") + "\n"
        for path in keyed.dataPaths { key += try ContentHash.ofFile(path) + "\n" }
        if let labels = keyed.labelsPath { key += try ContentHash.ofFile(labels) + "\n" }
        let (report, cached) = try ResultCache(folder: folder).value(forKey: key) { () throws(EaseMLCIError) in
            try FeasibilityReport.make(keyed)
        }
        return (report, cached)
    }
}
