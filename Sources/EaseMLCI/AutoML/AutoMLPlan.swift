import EaseMLCore
import EaseMLEngines
import EaseMLLedger
import Foundation

/// `easeml-ci automl plan`: what `automl run` would do, without running anything: the arms with
/// their prior mean and sd and expected cost, the budget, the per-trial limits, the workers, the
/// policy actually applied (with where its prior and costs come from) and the data check.
public struct AutoMLPlan: Sendable, Codable {
    /// One arm of the search space.
    public struct Arm: Sendable, Codable, Equatable {
        public var key: String
        public var candidate: String
        /// Parameter name → value, in grid order.
        public var parameters: [[String]]
        /// The GP prior's mean and standard deviation of its score.
        public var priorMean: Double
        public var priorSD: Double
        /// ĉ in seconds, nil when no cost is known.
        public var expectedSeconds: Double?
    }

    public var arms: [Arm]
    public var train: String
    public var valid: String
    public var metric: String
    public var budgetTrials: Int?
    public var budgetSeconds: Double?
    public var timeoutSeconds: Double?
    public var memoryMiB: Int?
    public var workers: Int
    /// The configured policy and the one applied (`cost_gap` without costs runs as `max_gap`).
    public var policy: String
    public var effectivePolicy: String
    /// Whether the prior is learned from the ledger's earlier runs (false: independent arms).
    public var priorLearned: Bool
    /// The earlier runs with scores the prior was learned from.
    public var historyRuns: Int
    public var costsKnown: Bool
    /// True when the trial inputs pass the data discipline check.
    public var dataCheckPassed: Bool
    /// The check's result in words (the refusal when it failed).
    public var dataCheck: String
    /// The files the search depends on, absolute: the configuration, train, valid and the trial
    /// programs and scripts named in the commands (words that are existing files). A change to
    /// any of them is a reason to search again (the CI templates' AutoML job).
    public var watchedPaths: [String]

    /// The plan of `settings` (paths relative to `baseDirectory`) against the ledger's history and
    /// test sets, as a new run would see them; `ledger` nil when there is none yet (no history, no
    /// registered test set). Reads only.
    /// The plan of the workspace's `automl:` section; reads the ledger when it exists, creates none.
    public static func make(in workspace: Workspace) throws(EaseMLCIError) -> AutoMLPlan {
        let (settings, base) = try workspace.automlSettings()
        return try make(
            settings: settings, baseDirectory: base, configPath: workspace.configuration?.file.standardizedFileURL.path,
            ledger: try workspace.existingLedger())
    }

    public static func make(settings: AutoMLSettings, baseDirectory: String, configPath: String?, ledger: Ledger?) throws(EaseMLCIError) -> AutoMLPlan {
        let arms = settings.arms
        guard !arms.isEmpty else { throw .automl(.noArms) }
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : baseDirectory + "/" + path }
        let history: AutoMLHistory
        if let ledger {
            do { history = try AutoMLHistory.load(ledger: ledger, armKeys: arms.map(\.key), before: nil) } catch { throw .ledger(error) }
        } else {
            history = AutoMLHistory(runs: [], scores: [], costs: [])
        }
        let prior: AutoMLArmPrior
        let costs: [Double]?
        do {
            prior = try history.prior(armCount: arms.count)
            costs = try history.expectedCosts(armCount: arms.count)
        } catch {
            throw .automl(error)
        }
        var passed = true
        var check = "ok: train and valid are neither a registered test set's inputs nor its labels"
        do {
            if let ledger { try AutoMLDataDiscipline.check(inputs: [resolve(settings.train), resolve(settings.valid)], ledger: ledger) }
        } catch {
            guard case .automl = error else { throw error }
            passed = false
            check = "\(error)"
        }
        var watched = Set([resolve(settings.train), resolve(settings.valid)] + (configPath.map { [$0] } ?? []))
        for word in Set(arms.flatMap(\.command)) where !word.contains("{") && FileManager.default.fileExists(atPath: resolve(word)) {
            watched.insert(resolve(word))
        }
        let configured = AutoMLPolicy(rawValue: settings.policy) ?? .costGap
        let k = arms.count
        return AutoMLPlan(
            arms: arms.enumerated().map { index, arm in
                Arm(
                    key: arm.key, candidate: arm.candidate, parameters: arm.parameters.map { [$0.name, $0.value] }, priorMean: prior.mean[index],
                    priorSD: prior.covariance[index * k + index].squareRoot(), expectedSeconds: costs?[index])
            },
            train: settings.train, valid: settings.valid, metric: settings.metric, budgetTrials: settings.budgetTrials,
            budgetSeconds: settings.budgetSeconds, timeoutSeconds: settings.timeoutSeconds, memoryMiB: settings.memoryMiB,
            workers: settings.workers, policy: settings.policy,
            effectivePolicy: (configured == .costGap && costs == nil ? AutoMLPolicy.maxGap : configured).rawValue,
            priorLearned: prior.learned, historyRuns: history.scoredRuns, costsKnown: costs != nil, dataCheckPassed: passed, dataCheck: check,
            watchedPaths: watched.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.sorted())
    }

    /// The plan for people.
    public func text() -> String {
        var table = TextTable(header: ["#", "arm", "candidate", "parameters", "prior mean", "prior sd", "expected s"], leftColumns: 0, alsoLeft: [1, 2, 3])
        table.rows = arms.enumerated().map { index, arm in
            [String(index), arm.key, arm.candidate, arm.parameters.map { "\($0[0])=\($0[1])" }.joined(separator: " "),
             String(format: "%.3f", arm.priorMean), String(format: "%.3f", arm.priorSD), arm.expectedSeconds.map { String(format: "%.2f", $0) } ?? "-"]
        }
        let budget = [budgetTrials.map { "\($0) trials" }, budgetSeconds.map { "\(compact($0)) s" }].compactMap { $0 }
        let limits = [timeoutSeconds.map { "timeout \(compact($0)) s" }, memoryMiB.map { "memory \($0) MiB" }].compactMap { $0 }
        let runs = historyRuns == 1 ? "1 earlier run" : "\(historyRuns) earlier runs"
        let policyLine = policy == effectivePolicy ? policy : "\(effectivePolicy) (\(policy) needs expected costs)"
        return """
            automl plan: \(arms.count) arms, nothing is run
            \(table.render())
            data:      train \(train), valid \(valid); maximise \(metric)
            budget:    \(budget.isEmpty ? "none (until every arm has run)" : budget.joined(separator: ", "))
            per trial: \(limits.isEmpty ? "no limits" : limits.joined(separator: ", "))
            workers:   \(workers)
            policy:    \(policyLine)
            prior:     \(priorLearned ? "learned from \(runs)" : "independent arms (\(runs) with scores: too little history)")
            costs:     \(costsKnown ? "expected from past trials" : "unknown")
            data check: \(dataCheck)
            """
    }
}
