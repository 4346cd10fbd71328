import EaseMLCore
import EaseMLGit
import EaseMLLedger
import Foundation

/// The pre-commit hook: fast, needs no key and reads no hidden data. When the staged change
/// touches `.easeml.yml` or a model path it checks that the configuration and condition are valid
/// (blocking the commit if not), compares the plan with the registered test set (warnings), and,
/// when `.easeml.yml` or the configured feasibility data changed, runs the feasibility study
/// (cached by the data's content) and warns — or blocks, with `feasibility_block: true` — when the
/// condition's `n > c` asks for more than the data's accuracy ceiling.
/// A commit that touches nothing relevant is answered after one index diff.
public struct PreCommitCheck {
    public struct Report: Sendable, Codable {
        /// The staged paths that concern the gate (empty: nothing to check).
        public var relevantPaths: [String]
        /// Problems that block the commit (invalid configuration or condition).
        public var errors: [String]
        public var warnings: [String]
        public var blocked: Bool { !errors.isEmpty }
    }

    public init() {}

    /// Checks the change staged in the repository of `workspace` (its ledger option applies; the
    /// configuration is the staged one).
    public func run(in workspace: Workspace) throws(EaseMLCIError) -> Report {
        let directory = workspace.directory.path
        // The index git is committing: a temporary one for `commit -a`, `commit <paths>`, `--only`
        // and `--include` (a relative path is relative to where the hook runs, as git means it).
        let indexFile = workspace.environment["GIT_INDEX_FILE"].flatMap { $0.isEmpty ? nil : workspace.absolute($0) }
        let repository: GitRepository
        let staged: [String]
        let configData: Data?
        do {
            repository = try GitRepository.open(containing: directory)
            staged = try repository.stagedPaths(indexFile: indexFile)
            configData = try repository.stagedContents(of: ".easeml.yml", indexFile: indexFile)
        } catch {
            throw .git(error.description)
        }
        // The installed hook's fast path follows the configuration being committed.
        PreCommitFastPath.refresh(hooksFolder: HookInstaller.folder(of: repository), configuration: configData)
        guard let configData, let workTree = repository.workTree else {
            return Report(relevantPaths: [], errors: [], warnings: [])
        }
        let config: EaseMLConfig
        do {
            config = try ConfigLoader(parseCondition: { try ConditionParser.parse($0) })
                .load(contentsOf: String(decoding: configData, as: UTF8.self), file: ".easeml.yml")
        } catch {
            let configStaged = staged.contains(".easeml.yml")
            return Report(
                relevantPaths: configStaged ? [".easeml.yml"] : [],
                errors: configStaged ? [error.description] : [], warnings: configStaged ? [] : ["the committed .easeml.yml is invalid:\n\(error.description)"])
        }
        let feasibilityData = config.feasibility?.dataPaths ?? []
        let relevant = ModelPathMatcher(patterns: config.modelPaths).relevantPaths(among: staged)
            + staged.filter { feasibilityData.contains($0) && !$0.hasSuffix(".easeml.yml") }
        guard !relevant.isEmpty else { return Report(relevantPaths: [], errors: [], warnings: []) }
        var warnings: [String] = []
        var errors: [String] = []
        if let feasibility = config.feasibility,
            staged.contains(".easeml.yml") || staged.contains(where: feasibilityData.contains),
            case .target(let target) = FeasibilityTarget.resolve(config.condition, oldAccuracy: feasibility.oldAccuracy)
        {
            let request = FeasibilityReport.Request(
                dataPaths: feasibility.dataPaths.map { URL(fileURLWithPath: workTree).appendingPathComponent($0).path },
                labelsColumn: feasibility.labelsColumn ?? "label")
            let cache = FeasibilityCache(folder: URL(fileURLWithPath: repository.gitDirectory).appendingPathComponent("easeml/feasibility-cache"))
            let study = try cache.report(for: request).report
            let best = study.entries[study.best].estimate
            let verdict = study.verdict(for: target.accuracy)
            let message = "feasibility (\(best.name)): \(verdict.text)"
            switch verdict.kind {
            case "infeasible": if feasibility.blocks { errors.append(message) } else { warnings.append(message) }
            case "unclear": warnings.append(message)
            default: break
            }
        }
        let settings = GateSettings(config)
        let plan: SampleSizePlan
        do {
            plan = try settings.planner.plan(reliability: settings.reliability, adaptivity: settings.adaptivity, steps: settings.steps)
        } catch {
            return Report(relevantPaths: relevant, errors: ["\(error)"], warnings: [])
        }
        let needed = plan.chosenPlan.sampleSize
        let labels = plan.chosenPlan.labels.count
        let path = try workspace.ledgerPath(for: Workspace.Configuration(
            config: config, file: URL(fileURLWithPath: workTree).appendingPathComponent(".easeml.yml"), displayPath: ".easeml.yml"))
        // A team ledger on a server is CI's to open (a developer holds none of its roles): the hook
        // neither contacts it nor prints its URL.
        if Ledger.isServerURL(path) {
            warnings.append("the ledger is a team ledger on a server; the test set is checked when `easeml-ci check` runs in CI. The condition needs \(IntegerText.grouped(needed)) test examples (\(IntegerText.grouped(labels)) labels).")
            return Report(relevantPaths: relevant, errors: errors, warnings: warnings)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            warnings.append("no test set is registered yet (no ledger at \(path)); `easeml-ci check` will refuse. The condition needs \(IntegerText.grouped(needed)) test examples (\(IntegerText.grouped(labels)) labels).")
            return Report(relevantPaths: relevant, errors: errors, warnings: warnings)
        }
        let ledger = try LedgerLocation.open(path, create: false)
        guard let testSet = try? GateCheck.selectTestSet(nil, in: ledger) else {
            warnings.append("no usable test set is registered: `easeml-ci check` will refuse until the owner registers one")
            return Report(relevantPaths: relevant, errors: errors, warnings: warnings)
        }
        if testSet.size < needed {
            warnings.append("this condition needs \(IntegerText.grouped(needed)) test examples (\(IntegerText.grouped(labels)) labels); the registered test set \(testSet.id.prefix(12)) has \(IntegerText.grouped(testSet.size))")
        }
        if let registered = try? GateCheck.registeredQuestion(testSet) {
            let differences = registered.differences(from: GateQuestion(config))
            if !differences.isEmpty {
                warnings.append(
                    "this .easeml.yml states another question than the one test set \(testSet.id.prefix(12)) was registered with ("
                        + differences.map { "`\($0.key)`: \($0.stated), registered \($0.registered)" }.joined(separator: "; ")
                        + "): `easeml-ci check` will refuse it until the integration owner registers a new set or records the change with `easeml-ci testset amend`")
            }
        }
        if let budget = try? ledger.budget(testSetID: testSet.id), budget.stepsLeft <= 2 {
            warnings.append("the test set has \(budget.stepsLeft) step\(budget.stepsLeft == 1 ? "" : "s") left; the owner should prepare a new one")
        }
        return Report(relevantPaths: relevant, errors: errors, warnings: warnings)
    }
}
