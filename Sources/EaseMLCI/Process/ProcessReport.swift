import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci next`: where the application stands in the eight steps of the Ease.ML process
/// (Day 0: ingestion, feasibility, cleaning, acquisition; Day 1: AutoML; Day 2: continuous
/// integration, model picking, debugging), each with the evidence for its state, and the one step to
/// take now with the exact command and why — following the paper's transitions: data first; then
/// feasibility; "not feasible" → clean or acquire (the `improve` bandit chooses between them when
/// there is a pool); "feasible" → AutoML; models → the gate; accepted models and production data →
/// model picking.
public struct ProcessReport: Sendable, Encodable, Equatable {
    public enum State: String, Sendable, Encodable, Equatable {
        case notStarted = "not started", done, stale, blocked
        case notApplicable = "not applicable"
    }

    public struct Step: Sendable, Encodable, Equatable {
        public var number: Int
        public var name: String
        public var phase: String
        public var state: State
        /// What the state rests on, for a person to check.
        public var evidence: String
    }

    public struct Recommendation: Sendable, Encodable, Equatable {
        public var step: Int
        public var name: String
        /// The command to run (or the edit to make).
        public var command: String
        public var why: String
    }

    public var steps: [Step]
    /// The step to take now; nil when every applicable step is done and current.
    public var recommendation: Recommendation?

    public static let stepNames = [
        "ingestion", "feasibility", "cleaning", "acquisition", "automl", "integration", "picking", "debugging",
    ]

    /// Reads the application's state from its configuration, data files, lineage and ledger.
    public static func make(_ workspace: Workspace) throws(EaseMLCIError) -> ProcessReport {
        let configuration = try workspace.requireConfiguration()
        let config = configuration.config
        let lineage = try LineageReport.make(workspace)
        let ledger = try workspace.existingLedger()
        var steps: [Step] = []
        func add(_ number: Int, _ state: State, _ evidence: String) {
            let phase = number <= 4 ? "Day 0" : number == 5 ? "Day 1" : "Day 2"
            steps.append(Step(number: number, name: stepNames[number - 1], phase: phase, state: state, evidence: evidence))
        }
        /// A step whose evidence is its newest lineage run: done, or stale and why.
        func add(_ number: Int, run: LineageReport.Run, namingDecisionWhenStale: Bool = false) {
            let stale = "run #\(run.id)" + (namingDecisionWhenStale ? " (\(run.decision))" : "") + " is stale: " + run.staleBecause.joined(separator: "; ")
            add(number, run.stale ? .stale : .done, run.stale ? stale : "run #\(run.id): \(run.decision)")
        }
        let application = config.application
        func path(_ role: ApplicationSettings.Role) -> String? { application?.paths[role] }

        // 1. Ingestion: the declared data sets are there, machine-readable.
        let missing = lineage.dataSets.filter { $0.hash == nil }.map(\.path)
        if application == nil {
            add(1, .blocked, "no `application:` section in \(configuration.displayPath)")
        } else if !missing.isEmpty {
            add(1, .blocked, "missing: " + missing.joined(separator: ", "))
        } else {
            add(1, .done, lineage.dataSets.map { "\($0.role) \($0.path) (sha256:\($0.hash!.prefix(12)))" }.joined(separator: "; "))
        }

        // 2. Feasibility: the newest run on the current training data.
        let feasibility = lineage.latest("feasibility")
        let infeasible = feasibility.map { $0.decision.hasPrefix("infeasible") } ?? false
        if application?.target == nil {
            add(2, .blocked, "no target accuracy: add `target:` under `application:`")
        } else if let feasibility {
            add(2, run: feasibility, namingDecisionWhenStale: true)
        } else {
            add(2, .notStarted, "no feasibility run recorded")
        }

        // 3–4. Cleaning and acquisition: sessions in the ledger, acquisition runs in the lineage.
        var sessions: [CleaningSessionRecord] = []
        if let ledger {
            for kind in CleaningSessionRecord.Kind.allCases {
                for id in try ledgerCall({ () throws(LedgerError) in try ledger.cleaningSessionIDs(kind: kind) }) {
                    if let session = try ledgerCall({ () throws(LedgerError) in try ledger.cleaningSession(id: id) }) { sessions.append(session) }
                }
            }
        }
        let cleaned = sessions.reduce(0) { $0 + $1.cleaned.count }
        let labelled = sessions.reduce(0) { $0 + $1.labels.count }
        let rounds = sessions.filter { $0.kind == .improve }.reduce(0) { $0 + $1.rounds.count }
        add(3, cleaned > 0 ? .done : .notStarted,
            cleaned > 0 ? "\(cleaned) training rows cleaned in \(sessions.count) session(s)" : "no rows cleaned yet")
        if path(.pool) == nil {
            add(4, .notApplicable, "no `pool:` declared under `application:` (nothing to acquire from)")
        } else if labelled > 0 || lineage.latest("acquire") != nil {
            add(4, .done, "\(labelled) pool rows labelled" + (rounds > 0 ? " over \(rounds) improve round(s)" : "")
                + (lineage.latest("acquire").map { "; acquisition ranking run #\($0.id)" } ?? ""))
        } else {
            add(4, .notStarted, "no pool rows labelled yet")
        }

        // 5. AutoML.
        let automl = lineage.latest("automl")
        let automlRuns = try ledger.map { ledger throws(EaseMLCIError) in try ledgerCall { () throws(LedgerError) in try ledger.automlRunIDs() } } ?? []
        if config.automl == nil {
            add(5, .notStarted, "no `automl:` section (write one with `easeml-ci automl init`)")
        } else if let automl {
            add(5, run: automl)
        } else if !automlRuns.isEmpty {
            add(5, .done, "\(automlRuns.count) search(es) in the ledger, newest \(automlRuns.last!)")
        } else {
            add(5, .notStarted, "no search run yet")
        }

        // 6. Continuous integration: a registered test set and checked models.
        let testSets = try ledger.map { ledger throws(EaseMLCIError) in try ledgerCall { () throws(LedgerError) in try ledger.testSets() } } ?? []
        let active = testSets.filter { !$0.isRetired }
        var evaluations = 0, accepted = 0
        if let ledger {
            for set in testSets {
                evaluations += try ledgerCall { () throws(LedgerError) in try ledger.evaluationCount(testSetID: set.id) }
                accepted += try ledgerCall { () throws(LedgerError) in try ledger.acceptedModels(testSetID: set.id, withPredictions: false).count }
            }
        }
        if active.isEmpty {
            add(6, .notStarted, testSets.isEmpty ? "no test set registered" : "every test set is retired")
        } else if evaluations == 0 {
            add(6, .notStarted, "test set \(active[0].name) registered (\(active[0].size) examples); no model checked yet")
        } else {
            add(6, .done, "\(evaluations) evaluation(s), \(accepted) model(s) accepted")
        }

        // 7. Model picking on production data: the commits the gate accepted on the newest test set
        // (what `pick start --from-gate` runs) and the deployed model compete.
        let picks = try ledger.map { ledger throws(EaseMLCIError) in try ledgerCall { () throws(LedgerError) in try ledger.pickSessionNames() } } ?? []
        var gateCommits = 0
        if let ledger, !testSets.isEmpty { gateCommits = try GateCandidates.acceptedCommits(testSetID: nil, in: ledger).count }
        let candidates = "\(gateCommits) model commit(s) the gate accepted" + (path(.deployed).map { " and the deployed model (\($0))" } ?? "")
        if path(.production) == nil {
            add(7, .notApplicable, "no `production:` declared under `application:`")
        } else if !picks.isEmpty {
            add(7, .done, "\(picks.count) pick session(s), newest \(picks.last!)")
        } else if gateCommits == 0 || gateCommits + (path(.deployed) == nil ? 0 : 1) < 2 {
            add(7, .blocked, "needs two candidate models, one of them accepted by the gate: \(candidates)"
                + (path(.deployed) == nil ? "; `deployed:` under `application:` adds the model in production" : ""))
        } else {
            add(7, .notStarted, "no pick session yet; candidates: \(candidates)")
        }

        // 8. Debugging in production: the newest `debug` run.
        let debug = lineage.latest("debug")
        if let debug {
            add(8, run: debug)
        } else if path(.production) == nil {
            add(8, .notApplicable, "no `production:` declared under `application:`")
        } else {
            add(8, .notStarted, "no debugging run yet (it needs production items whose true class is known)")
        }

        let unclear = feasibility.map { $0.decision.hasPrefix("unclear") } ?? false
        let debugAction = debug.flatMap { run in run.stale ? nil : ["relabel", "clean", "acquire"].first { run.decision.hasPrefix($0) } }
        // The newest AutoML proposal on the current data, for the gate to judge.
        let proposal = lineage.latest("propose").flatMap { $0.stale ? nil : AutoMLProposalCommit.proposedBranch(in: $0.decision) }
        return ProcessReport(steps: steps, recommendation: recommend(
            steps, config: config, infeasible: infeasible, unclear: unclear, debugAction: debugAction, proposal: proposal,
            configPath: configuration.displayPath))
    }

    /// The paper's transitions, first match wins.
    static func recommend(
        _ steps: [Step], config: EaseMLConfig, infeasible: Bool, unclear: Bool, debugAction: String?, proposal: String? = nil,
        configPath: String
    ) -> Recommendation? {
        func state(_ number: Int) -> State { steps[number - 1].state }
        let application = config.application
        func path(_ role: ApplicationSettings.Role) -> String { application?.paths[role] ?? "<\(role.rawValue).csv>" }
        if application == nil {
            return Recommendation(step: 1, name: "ingestion", command: "add an `application:` section to \(configPath)",
                                  why: "the process needs the application's data declared once: training, validation (and pool, production, target)")
        }
        if state(1) == .blocked {
            return Recommendation(step: 1, name: "ingestion", command: "put the missing data files in place", why: steps[0].evidence)
        }
        if state(2) == .blocked {
            return Recommendation(step: 2, name: "feasibility", command: "add `target: <accuracy>` under `application:` in \(configPath)",
                                  why: "feasibility asks whether the data can reach a target accuracy")
        }
        let target = application!.target!
        let feasibilityCommand = "easeml-ci feasibility --data \(path(.training)) --target \(target)"
        if state(2) == .notStarted || state(2) == .stale {
            return Recommendation(step: 2, name: "feasibility", command: feasibilityCommand,
                                  why: state(2) == .stale ? "the training data changed since the last estimate: " + steps[1].evidence
                                      : "before any training, check that this data can reach \(target) at all (Bayes-error estimate)")
        }
        // Production mistakes explained by the training data send the process back to Day 0.
        if let debugAction {
            let why = "`easeml-ci debug` traced the production mistakes: " + steps[7].evidence
            switch debugAction {
            case "relabel":
                return Recommendation(step: 3, name: "cleaning", command: "easeml-ci value --train \(path(.training)) --valid \(path(.validation)) --flag auto",
                                      why: why + "; review the labels of the training rows it lists (and those `value` flags)")
            case "clean":
                return Recommendation(step: 3, name: "cleaning", command: "easeml-ci clean next --train \(path(.training)) --valid \(path(.validation))", why: why)
            default:
                if application!.paths[.pool] != nil {
                    return Recommendation(step: 4, name: "acquisition",
                                          command: "easeml-ci acquire --labeled \(path(.training)) --pool \(path(.pool)) --valid \(path(.validation))", why: why)
                }
                return Recommendation(step: 4, name: "acquisition", command: "label more data like the production rows `easeml-ci debug` lists, and add it to \(path(.training))", why: why)
            }
        }
        if infeasible {
            if application!.paths[.pool] != nil {
                return Recommendation(
                    step: 4, name: "acquisition",
                    command: "easeml-ci improve next --train \(path(.training)) --pool \(path(.pool)) --valid \(path(.validation))",
                    why: "feasibility said the target is out of reach with this data; the improve bandit picks, round by round, whether cleaning training rows or labelling pool rows raises the estimate more")
            }
            return Recommendation(step: 3, name: "cleaning",
                                  command: "easeml-ci clean next --train \(path(.training)) --valid \(path(.validation))",
                                  why: "feasibility said the target is out of reach with this data and there is no pool to acquire from: clean the training rows that matter most")
        }
        if state(5) == .notStarted || state(5) == .stale {
            let reason = unclear
                ? "feasibility could not rule the target out (more data would sharpen the estimate): search for a model"
                : "the data can reach the target: search for a model"
            if config.automl == nil {
                return Recommendation(step: 5, name: "automl", command: "easeml-ci automl init --preset sklearn --train \(path(.training)) --valid \(path(.validation))",
                                      why: reason + " (write the `automl:` section first: the scikit-learn preset searches seven model families; add --python with an interpreter that has scikit-learn)")
            }
            return Recommendation(step: 5, name: "automl", command: "easeml-ci automl run",
                                  why: state(5) == .stale ? "the data changed since the last search: " + steps[4].evidence : reason)
        }
        if state(6) == .notStarted {
            if steps[5].evidence.hasPrefix("no test set") || steps[5].evidence.hasPrefix("every test set") {
                return Recommendation(step: 6, name: "integration", command: "easeml-ci testset add --labels <hidden test labels>",
                                      why: "models exist: register a hidden test set so the gate can judge each new model with a guarantee")
            }
            if let proposal {
                return Recommendation(step: 6, name: "integration", command: "easeml-ci check --commit \(proposal)",
                                      why: "AutoML proposed a model on \(proposal): the gate judges it on the hidden test set (the hooks and CI run the same check on every commit that changes a model)")
            }
            if state(5) == .done && config.automl != nil {
                return Recommendation(step: 6, name: "integration", command: "easeml-ci automl propose",
                                      why: "a test set is registered and the search has a best model: commit it on a branch for the gate to judge")
            }
            return Recommendation(step: 6, name: "integration", command: "commit a model: the pre-commit hook and CI run `easeml-ci check`",
                                  why: "a test set is registered but no model has been checked against it")
        }
        if state(7) == .notStarted {
            let deployed = application!.paths[.deployed].map { " --models \($0)" } ?? ""
            return Recommendation(step: 7, name: "picking", command: "easeml-ci pick start --name production --from-gate --pool-inputs \(path(.production))" + deployed,
                                  why: "the candidates compete on the production items, and ModelPicker asks for few labels to tell which serves best (" + steps[6].evidence + ")")
        }
        if state(8) == .notStarted || state(8) == .stale {
            let production = application!.paths[.production] ?? "<production items with their true class>"
            let predictions = application!.paths[.deployed] ?? "<the deployed model's predictions>"
            return Recommendation(step: 8, name: "debugging",
                                  command: "easeml-ci debug --production \(production) --predictions \(predictions)",
                                  why: state(8) == .stale ? "the data changed since the last debugging run" : "a model is deployed: find where its production mistakes come from")
        }
        return nil
    }

    /// The human-readable report.
    public func text() -> String {
        var lines = ["The Ease.ML process", ""]
        var phase = ""
        for step in steps {
            if step.phase != phase {
                phase = step.phase
                lines.append(phase)
            }
            lines.append("  \(step.number). \(step.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(step.state.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(step.evidence)")
        }
        lines.append("")
        if let recommendation {
            lines.append("Next: step \(recommendation.step) (\(recommendation.name))")
            lines.append("  \(recommendation.command)")
            lines.append("  why: \(recommendation.why)")
        } else {
            lines.append("Next: nothing pressing — every applicable step is done and current.")
        }
        return lines.joined(separator: "\n")
    }
}
