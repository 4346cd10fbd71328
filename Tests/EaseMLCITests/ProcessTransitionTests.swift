import EaseMLCore
@testable import EaseMLCI
import Foundation
import Testing

/// `next`'s transitions (the paper's process, §2.4) for every state of a small application, on
/// constructed step states: each state recommends the step the paper prescribes.
struct ProcessTransitionTests {
    typealias State = ProcessReport.State

    /// The eight steps with the given states (missing: not started) and evidence.
    func steps(_ states: [Int: State], evidence: [Int: String] = [:]) -> [ProcessReport.Step] {
        (1...8).map { number in
            ProcessReport.Step(
                number: number, name: ProcessReport.stepNames[number - 1], phase: number <= 4 ? "Day 0" : number == 5 ? "Day 1" : "Day 2",
                state: states[number] ?? .notStarted, evidence: evidence[number] ?? "")
        }
    }

    func config(
        pool: Bool = true, production: Bool = true, deployed: Bool = false, target: Double? = 0.9, automl: Bool = true, application: Bool = true
    ) throws -> EaseMLConfig {
        var text = "condition: n > 0.8 +/- 0.05\nreliability: 0.99\n"
        if application {
            text += "application:\n  training: t.csv\n  validation: v.csv\n"
            if pool { text += "  pool: p.csv\n" }
            if production { text += "  production: prod.csv\n" }
            if deployed { text += "  deployed: dep.csv\n" }
            if let target { text += "  target: \(target)\n" }
        }
        if automl { text += "automl:\n  train: t.csv\n  valid: v.csv\n  candidates:\n    - name: knn\n      command: python knn.py\n" }
        return try ConfigLoader(parseCondition: { try ConditionParser.parse($0) }).load(contentsOf: text, file: ".easeml.yml")
    }

    func recommend(
        _ states: [Int: State], evidence: [Int: String] = [:], config: EaseMLConfig, infeasible: Bool = false, unclear: Bool = false,
        debug: String? = nil, proposal: String? = nil
    ) -> ProcessReport.Recommendation? {
        ProcessReport.recommend(
            steps(states, evidence: evidence), config: config, infeasible: infeasible, unclear: unclear, debugAction: debug, proposal: proposal,
            configPath: ".easeml.yml")
    }

    @Test func day0() throws {
        #expect(recommend([:], config: try config(application: false))?.step == 1)
        #expect(recommend([1: .blocked], evidence: [1: "missing: t.csv"], config: try config())?.why == "missing: t.csv")
        #expect(recommend([1: .done, 2: .blocked], config: try config(target: nil))?.command.contains("target:") == true)
        let feasibility = try #require(recommend([1: .done], config: try config()))
        #expect(feasibility.step == 2 && feasibility.command == "easeml-ci feasibility --data t.csv --target 0.9")
        #expect(recommend([1: .done, 2: .stale], evidence: [2: "t.csv changed"], config: try config())?.why.contains("t.csv changed") == true)
        // "No" → clean or acquire: the bandit with a pool, cleaning without.
        let improve = try #require(recommend([1: .done, 2: .done], config: try config(), infeasible: true))
        #expect(improve.step == 4 && improve.command == "easeml-ci improve next --train t.csv --pool p.csv --valid v.csv")
        let clean = try #require(recommend([1: .done, 2: .done, 4: .notApplicable], config: try config(pool: false), infeasible: true))
        #expect(clean.step == 3 && clean.command == "easeml-ci clean next --train t.csv --valid v.csv")
    }

    @Test func day1AndDay2() throws {
        // "Yes" (or "unclear") → AutoML; without its section, `automl init` first.
        #expect(recommend([1: .done, 2: .done], config: try config())?.command == "easeml-ci automl run")
        #expect(recommend([1: .done, 2: .done], config: try config(automl: false))?.command == "easeml-ci automl init --preset sklearn --train t.csv --valid v.csv")
        #expect(recommend([1: .done, 2: .done], config: try config(), unclear: true)?.why.contains("could not rule the target out") == true)
        #expect(recommend([1: .done, 2: .done, 5: .stale], config: try config())?.step == 5)
        // Models → the gate: a test set first, then a checked model.
        let register = try #require(recommend([1: .done, 2: .done, 5: .done], evidence: [6: "no test set registered"], config: try config()))
        #expect(register.step == 6 && register.command.hasPrefix("easeml-ci testset add"))
        // A test set and a search: its best model is proposed, then the proposal judged.
        let registered: [Int: String] = [6: "test set s registered (500 examples); no model checked yet"]
        let propose = try #require(recommend([1: .done, 2: .done, 5: .done], evidence: registered, config: try config()))
        #expect(propose.step == 6 && propose.command == "easeml-ci automl propose")
        let judge = try #require(recommend([1: .done, 2: .done, 5: .done], evidence: registered, config: try config(), proposal: "easeml/automl/main/run-1"))
        #expect(judge.step == 6 && judge.command == "easeml-ci check --commit easeml/automl/main/run-1")
        // No search (models committed by hand): the hooks and CI check the commits.
        let checked = try #require(recommend([1: .done, 2: .done, 5: .notApplicable], evidence: registered, config: try config(automl: false)))
        #expect(checked.step == 6 && checked.command.contains("easeml-ci check"))
        // Accepted models and production data → picking (the deployed model competing when declared); then debugging.
        let pick = try #require(recommend([1: .done, 2: .done, 5: .done, 6: .done], config: try config()))
        #expect(pick.step == 7 && pick.command == "easeml-ci pick start --name production --from-gate --pool-inputs prod.csv")
        let pickDeployed = try #require(recommend([1: .done, 2: .done, 5: .done, 6: .done], config: try config(deployed: true)))
        #expect(pickDeployed.command == "easeml-ci pick start --name production --from-gate --pool-inputs prod.csv --models dep.csv")
        let debug = try #require(recommend([1: .done, 2: .done, 5: .done, 6: .done, 7: .done], config: try config()))
        #expect(debug.step == 8 && debug.command == "easeml-ci debug --production prod.csv --predictions <the deployed model's predictions>")
        let debugDeployed = try #require(recommend([1: .done, 2: .done, 5: .done, 6: .done, 7: .blocked], config: try config(deployed: true)))
        #expect(debugDeployed.step == 8 && debugDeployed.command == "easeml-ci debug --production prod.csv --predictions dep.csv")
        #expect(recommend([1: .done, 2: .done, 5: .done, 6: .done, 7: .notApplicable, 8: .notApplicable], config: try config(production: false)) == nil)
        #expect(recommend([1: .done, 2: .done, 5: .done, 6: .done, 7: .done, 8: .done], config: try config()) == nil)
    }

    /// Step 8's finding sends the process back to Day 0: relabel and clean to cleaning, acquire to
    /// acquisition (the pool ranked when there is one).
    @Test func debuggingFeedsDay0() throws {
        let done: [Int: State] = [1: .done, 2: .done, 5: .done, 6: .done, 7: .done, 8: .done]
        #expect(recommend(done, config: try config(), debug: "relabel")?.command == "easeml-ci value --train t.csv --valid v.csv --flag auto")
        #expect(recommend(done, config: try config(), debug: "clean")?.command == "easeml-ci clean next --train t.csv --valid v.csv")
        #expect(recommend(done, config: try config(), debug: "acquire")?.command == "easeml-ci acquire --labeled t.csv --pool p.csv --valid v.csv")
        #expect(recommend(done, config: try config(pool: false), debug: "acquire")?.command.hasPrefix("label more data like the production rows") == true)
    }
}
