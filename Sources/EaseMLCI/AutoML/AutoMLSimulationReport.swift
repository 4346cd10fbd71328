import EaseMLCore
import EaseMLEngines
import Foundation

/// `easeml-ci automl simulate`: replays a score/cost matrix offline over tenant/prior splits
/// (`AutoMLSimulationTable`) and reports the mean clock time until the global regret reaches each ε;
/// or, with explicit tenants, one run's trace.
public struct AutoMLSimulationReport: Sendable, Codable {
    /// What to simulate.
    public struct Request: Sendable {
        /// CSV `dataset,model,val_accuracy,fit_seconds`.
        public var matrixPath: String
        /// JSON with `splits: [{tenants: […], prior: […]}]`; nil with `tenants` set.
        public var splitsPath: String?
        /// One split given by name (prior: every other data set, in file order), for a trace.
        public var tenants: [String]
        /// Use only the first n splits.
        public var splitLimit: Int?
        /// (clock, policy) rows; empty: the reference rows.
        public var rows: [(AutoMLSimulation.Clock, AutoMLPolicy)]
        public var epsilons: [Double]
        public var workers: Int
        public var seed: UInt64
        public var betaMultiplier: Double
        /// Trials shown in a trace.
        public var traceLength: Int

        public init(
            matrixPath: String, splitsPath: String? = nil, tenants: [String] = [], splitLimit: Int? = nil,
            rows: [(AutoMLSimulation.Clock, AutoMLPolicy)] = [], epsilons: [Double] = AutoMLSimulationTable.referenceEpsilons,
            workers: Int = 1, seed: UInt64 = 1, betaMultiplier: Double = 1, traceLength: Int = 24
        ) {
            self.matrixPath = matrixPath
            self.splitsPath = splitsPath
            self.tenants = tenants
            self.splitLimit = splitLimit
            self.rows = rows
            self.epsilons = epsilons.isEmpty ? AutoMLSimulationTable.referenceEpsilons : epsilons
            self.workers = workers
            self.seed = seed
            self.betaMultiplier = betaMultiplier
            self.traceLength = traceLength
        }
    }

    /// One simulated run's first trials, for `--tenants`.
    public struct Trace: Sendable, Codable {
        public var clock: AutoMLSimulation.Clock
        public var policy: AutoMLPolicy
        public var tenants: [String]
        public var steps: [AutoMLSimulationTrace.Step]
    }

    public var models: [String]
    public var datasets: Int
    public var table: AutoMLSimulationTable?
    public var traces: [Trace]
    /// Wall-clock seconds of the simulations.
    public var seconds: Double

    /// The `splits.json` layout.
    struct SplitsFile: Decodable {
        var splits: [AutoMLSimulationTable.Split]
    }

    /// Reads the files and runs the simulations.
    public static func make(_ request: Request) throws(EaseMLCIError) -> AutoMLSimulationReport {
        let matrix = try loadMatrix(request.matrixPath)
        guard request.workers >= 1 else { throw .invalidOption(option: "--workers", message: "must be at least 1") }
        guard request.betaMultiplier.isFinite, request.betaMultiplier >= 0 else {
            throw .invalidOption(option: "--beta-multiplier", message: "must be finite and ≥ 0")
        }
        let rows = request.rows.isEmpty ? AutoMLSimulationTable.referenceRows : request.rows
        let start = ContinuousClock.now
        do {
            var table: AutoMLSimulationTable?
            var traces: [Trace] = []
            if !request.tenants.isEmpty {
                for name in request.tenants { _ = try matrix.index(of: name) }
                let prior = matrix.datasets.filter { !request.tenants.contains($0) }
                for (clock, policy) in rows {
                    let run = try AutoMLSimulation(
                        matrix: matrix, tenants: request.tenants, prior: prior, policy: policy, clock: clock, workers: request.workers,
                        seed: request.seed, betaMultiplier: request.betaMultiplier
                    ).run(maxTrials: request.traceLength)
                    traces.append(Trace(clock: clock, policy: policy, tenants: request.tenants, steps: run.steps))
                }
            } else {
                guard let splitsPath = request.splitsPath else {
                    throw EaseMLCIError.invalidOption(option: "--splits", message: "give a splits file, or --tenants for one trace")
                }
                var splits = try loadSplits(splitsPath)
                if let limit = request.splitLimit {
                    guard limit >= 1 else { throw EaseMLCIError.invalidOption(option: "--first", message: "must be at least 1") }
                    splits = Array(splits.prefix(limit))
                }
                table = try AutoMLSimulationTable.run(
                    matrix: matrix, splits: splits, rows: rows, epsilons: request.epsilons, workers: request.workers, seed: request.seed,
                    betaMultiplier: request.betaMultiplier)
            }
            let elapsed = ContinuousClock.now - start
            return AutoMLSimulationReport(
                models: matrix.models, datasets: matrix.datasets.count, table: table, traces: traces,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        } catch {
            throw .wrapping(error) { .invalidOption(option: "--splits", message: "\($0)") }
        }
    }

    static func loadMatrix(_ path: String) throws(EaseMLCIError) -> AutoMLScoreMatrix {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw .unreadableFile(path: path, reason: error.localizedDescription) }
        do { return try AutoMLScoreMatrix.parse(text, file: path) } catch { throw .automl(error) }
    }

    static func loadSplits(_ path: String) throws(EaseMLCIError) -> [AutoMLSimulationTable.Split] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .unreadableFile(path: path, reason: error.localizedDescription) }
        do {
            return try JSONDecoder().decode(SplitsFile.self, from: data).splits
        } catch {
            throw .unreadableFile(path: path, reason: "expected JSON {\"splits\": [{\"tenants\": [...], \"prior\": [...]}]}: \(error)")
        }
    }

    /// Parses `clock:policy` (clock `evaluations` or `cost`, alias `seconds`).
    public static func parseRow(_ text: String) throws(EaseMLCIError) -> (AutoMLSimulation.Clock, AutoMLPolicy) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let clock = parts.count == 2 ? (parts[0] == "seconds" ? AutoMLSimulation.Clock.cost : AutoMLSimulation.Clock(rawValue: parts[0])) : nil
        guard parts.count == 2, let clock, let policy = AutoMLPolicy(rawValue: parts[1]) else {
            let policies = AutoMLPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidOption(option: "--row", message: "expected CLOCK:POLICY with clock evaluations or seconds and policy one of \(policies), got `\(text)`")
        }
        return (clock, policy)
    }

    /// The human-readable report.
    public func text() -> String {
        var lines: [String] = []
        lines.append("Score matrix: \(datasets) data sets × \(models.count) models (\(models.joined(separator: ", "))).")
        if let table {
            lines.append("Mean time until the global regret ≤ ε over \(table.splitCount) splits (\(table.workers) worker\(table.workers == 1 ? "" : "s"), seed \(table.seed)):")
            lines.append("")
            var text = TextTable(header: ["clock", "policy"] + table.epsilons.map { "ε=\(compact($0))" }, leftColumns: 2)
            for row in table.rows {
                let clock = row.clock == .evaluations ? "evaluations" : "fit seconds"
                text.rows.append([clock, row.policy.rawValue] + row.meanTimes.map { $0.map { String(format: "%.2f", $0) } ?? "-" })
            }
            lines.append(text.render())
        }
        for trace in traces {
            lines.append("\(trace.policy.rawValue) (\(trace.clock == .evaluations ? "unit cost" : "true costs")): [tenant, arm, global regret]")
            let entries = trace.steps.map { "[\($0.tenant),\($0.arm),\(String(format: "%.6f", $0.regret))]" }
            for start in stride(from: 0, to: entries.count, by: 8) {
                lines.append("  " + entries[start..<min(start + 8, entries.count)].joined(separator: " "))
            }
        }
        lines.append(String(format: "Time: %.2f s", seconds))
        return lines.joined(separator: "\n")
    }
}
