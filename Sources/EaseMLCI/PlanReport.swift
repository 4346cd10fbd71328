import EaseMLCore
import Foundation

/// The result of `easeml-ci plan`: the plan for every method, and optionally how many steps a
/// given test set supports and a comparison with the original ease.ml/ci.
public struct PlanReport: Sendable, Codable {
    public var plan: SampleSizePlan
    /// The test-set size asked about with `--test-size`.
    public var testSize: Int?
    /// Steps that test set supports with the chosen method, and with the paper's Hoeffding.
    public var supportedSteps: StepSupport?
    public var supportedStepsHoeffding: StepSupport?
    /// Steps that test set supports under each adaptivity mode, side by side (chosen method).
    public var stepsByMode: [StepSupport]?
    /// The smallest tolerance each clause can be tested at with that set, at the configured
    /// reliability, adaptivity and steps.
    public var smallestTolerances: [ClauseTolerance]?

    /// Plans `settings`; with `testSize`, also answers the inverse question: the steps per mode
    /// and, unless `tolerances` is false, the smallest tolerance per clause. With `cache`, a plan
    /// already solved for the same question by the same binary is read from it.
    public static func make(
        _ settings: GateSettings, testSize: Int? = nil, tolerances: Bool = true, cache: ResultCache? = nil
    ) throws(EaseMLCIError) -> PlanReport {
        guard let cache else { return try compute(settings, testSize: testSize, tolerances: tolerances) }
        // Plans are pure functions of the question (and of the binary, part of every cache key).
        let key = [
            "easeml-plan", "\(settings.condition)", "\(settings.reliability)", settings.mode.rawValue,
            settings.adaptivity.rawValue, "\(settings.steps)", "\(settings.assumedVarianceBound.map { "\($0)" } ?? "-")",
            "\(settings.expectedDisagreement.map { "\($0)" } ?? "-")", settings.reveal.rawValue,
            "\(testSize.map { "\($0)" } ?? "-")", "\(tolerances)",
        ].joined(separator: "\n")
        return try cache.value(forKey: key) { () throws(EaseMLCIError) in
            try compute(settings, testSize: testSize, tolerances: tolerances)
        }.value
    }

    /// Where `plan` keeps solved plans: `.git/easeml/plan-cache` of the repository
    /// enclosing `directory`; `nil` outside a repository (nothing is cached there).
    public static func cache(from directory: URL) -> ResultCache? {
        LedgerLocation.gitDirectory(from: directory).map { ResultCache(folder: $0.appendingPathComponent("easeml/plan-cache")) }
    }

    static func compute(_ settings: GateSettings, testSize: Int?, tolerances: Bool) throws(EaseMLCIError) -> PlanReport {
        let planner = settings.planner
        do {
            let plan = try planner.plan(
                reliability: settings.reliability, adaptivity: settings.adaptivity, steps: settings.steps)
            var report = PlanReport(plan: plan, testSize: testSize)
            if let testSize {
                guard testSize > 0 else {
                    throw EaseMLCIError.invalidOption(option: "--test-size", message: "must be a positive number of examples")
                }
                var modes = SampleSizePlanner.comparedModes
                if !modes.contains(settings.adaptivity) { modes.insert(settings.adaptivity, at: modes.count - 1) }
                let byMode = try planner.supportedStepsByMode(
                    testSize: testSize, method: plan.chosen, reliability: settings.reliability, modes: modes)
                report.stepsByMode = byMode
                report.supportedSteps = byMode.first { $0.adaptivity == settings.adaptivity }
                report.supportedStepsHoeffding = try planner.supportedSteps(
                    testSize: testSize, method: .hoeffding, reliability: settings.reliability,
                    adaptivity: settings.adaptivity)
                if tolerances { report.smallestTolerances = try planner.smallestTolerances(
                    testSize: testSize, reliability: settings.reliability, adaptivity: settings.adaptivity, steps: settings.steps) }
            }
            return report
        } catch {
            throw .wrapping(error) { preconditionFailure("unexpected error \($0)") }
        }
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// The human-readable report; `compare` adds the side-by-side with the original tool.
    public func text(compare: Bool) -> String {
        let budget = plan.budget
        var lines: [String] = []
        lines.append("Condition    \(plan.condition)")
        let transcripts = switch budget.adaptivity {
        case .full where budget.bitsPerAnswer > 1:
            "2^\(budget.steps * budget.bitsPerAnswer) transcripts: \(budget.bitsPerAnswer) bits per answer, the failing clauses are revealed"
        case .full: "2^\(budget.steps) transcripts"
        case .none, .firstChange: "\(budget.steps) transcripts"
        case .sparse(let b): "Σ_{i≤\(b)} C(\(budget.steps), i) = 2^\(String(format: "%.4g", budget.leakageBits)) transcripts, pass \(b) retires the set"
        case .ladder(let gain, let floor): "at most \(budget.adaptivity.passLimit) passes (each ≥ \(compact(gain)) above the best accepted, from \(compact(floor))): 2^\(String(format: "%.4g", budget.leakageBits)) transcripts"
        }
        lines.append(
            "Guarantee    reliability \(budget.reliability) over \(budget.steps) step\(budget.steps == 1 ? "" : "s"), "
                + "adaptivity \(budget.adaptivity.rawValue) (\(transcripts)), \(plan.mode.rawValue)")
        lines.append(
            "Per clause   δ′ = \(compact(exp(plan.logDeltaPerClause))) (ln δ′ = \(String(format: "%.2f", plan.logDeltaPerClause)), "
                + "\(budget.clauses) clause\(budget.clauses == 1 ? "" : "s"))")
        if let bound = plan.varianceBound {
            lines.append("Variance     p = \(compact(bound.value)): \(bound.reason)")
        }
        if let rate = plan.expectedDisagreement {
            lines.append("Assumes      the models differ in correctness on \(compact(rate)) of the examples (expected_disagreement): sets N only; every verdict keeps its guarantee at any rate")
        }
        lines.append("")
        let clauseCount = budget.clauses
        var table = TextTable(
            header: ["", "method", "N", "labels"] + (clauseCount > 1 ? (1...clauseCount).map { "clause \($0)" } : []),
            leftColumns: 2)
        for method in plan.methods {
            let marker = method.method == plan.chosen ? "▶" : method.applies ? " " : "-"
            var row = [marker, method.method.title, grouped(method.sampleSize), labelText(method.labels)]
            if clauseCount > 1 {
                row += method.clauses.map { clause in
                    grouped(clause.sampleSize) + (clause.method == method.method ? "" : " (\(clause.method.rawValue))")
                }
            }
            table.rows.append(row)
        }
        lines.append(table.render())
        lines.append("")
        lines.append("Chosen: \(plan.chosen.title) — \(plan.reason).")
        let notes = Set(plan.methods.flatMap { $0.clauses.compactMap(\.note) }).sorted()
        if !notes.isEmpty {
            lines.append("Notes: " + notes.joined(separator: "; ") + ".")
        }
        if let testSize, let steps = supportedSteps {
            lines.append("")
            lines.append(stepsSentence(testSize: testSize, steps, method: plan.chosen))
            if let baseline = supportedStepsHoeffding, plan.chosen != .hoeffding {
                lines.append(stepsSentence(testSize: testSize, baseline, method: .hoeffding))
            }
            if let stepsByMode {
                lines.append("")
                lines.append("Steps this set supports, by adaptivity (\(plan.chosen.rawValue), reliability \(budget.reliability)):")
                var modes = TextTable(header: ["adaptivity", "steps", "leakage", "what the developer sees"], leftColumns: 1)
                for support in stepsByMode {
                    modes.rows.append([
                        support.adaptivity.rawValue + (support.adaptivity == budget.adaptivity ? " (yours)" : ""),
                        (support.reachedLimit ? "≥ " : "") + grouped(support.steps),
                        support.adaptivity == .none ? "0 bits" : String(format: "%.4g bits", support.bits),
                        Self.modeSummary(support.adaptivity),
                    ])
                }
                lines.append(modes.render())
            }
            if let smallestTolerances {
                lines.append("")
                lines.append("Smallest tolerance this set can test, at \(budget.steps) step\(budget.steps == 1 ? "" : "s") (\(budget.adaptivity.rawValue)):")
                for answer in smallestTolerances {
                    let smallest = answer.smallest.map { "+/- \(compact($0))" } ?? "none up to +/- 0.5"
                    lines.append("  clause \(answer.clauseIndex + 1)  \(answer.clause):  \(smallest) (written: +/- \(compact(answer.tolerance)))")
                }
            }
        }
        if compare {
            lines.append("")
            lines.append(comparisonText())
        }
        return lines.joined(separator: "\n")
    }

    /// One phrase per mode for the side-by-side table.
    static func modeSummary(_ mode: Adaptivity) -> String {
        switch mode {
        case .none: "nothing (verdicts go to the owner)"
        case .firstChange: "every verdict; the first pass retires the set"
        case .sparse(let b): "every verdict; pass \(b) retires the set"
        case .ladder(let gain, _): "every verdict; a pass needs +\(compact(gain)) accuracy over the best accepted"
        case .full: "every verdict"
        }
    }

    private func labelText(_ labels: LabelRequirement) -> String {
        switch labels {
        case .none: "0"
        case .all(let n): grouped(n)
        case .disagreementsOnly(let n): "≈ \(grouped(n))"
        case .disagreementsOnlyUnbounded(let n): "≤ \(grouped(n))"
        }
    }

    private func stepsSentence(testSize: Int, _ support: StepSupport, method: PlanningMethod) -> String {
        let size = grouped(testSize)
        if support.steps == 0 {
            return "A test set of \(size) examples is too small for even one evaluation with \(method.rawValue)."
        }
        let atLeast = support.reachedLimit ? "at least " : ""
        let bits = support.adaptivity == .none
            ? "the developer learns nothing (adaptivity none)"
            : String(format: "%.4g bits of leakage", support.bits)
        return "A test set of \(size) examples supports \(atLeast)\(grouped(support.steps)) steps with \(method.rawValue) (\(bits))."
    }

    private func comparisonText() -> String {
        let original = plan.plan(for: .hoeffding)!
        let ours = plan.chosenPlan
        var table = TextTable(header: ["", "original ease.ml/ci (Hoeffding)", "easeml-ci (\(ours.method.rawValue))", "ratio"])
        table.rows.append([
            "test examples N", grouped(original.sampleSize), grouped(ours.sampleSize),
            String(format: "%.1f×", Double(original.sampleSize) / Double(ours.sampleSize)),
        ])
        let originalLabels = original.sampleSize * (ours.labels == .none ? 0 : 1)
        let ratio = ours.labels.count > 0 ? String(format: "%.1f×", Double(originalLabels) / Double(ours.labels.count)) : "—"
        table.rows.append(["labels", grouped(originalLabels), labelText(ours.labels), ratio])
        return "Compared with the original ease.ml/ci formula (same input; it labels every example):\n" + table.render()
    }
}
