import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLEngines

/// The score/cost matrix of `Tests/Fixtures/data/automl/sk_matrix.csv`, read once.
private let skMatrixRead = Result<AutoMLScoreMatrix, any Error> {
    let url = try Fixtures.url("data/automl/sk_matrix.csv")
    return try AutoMLScoreMatrix.parse(String(contentsOf: url, encoding: .utf8), file: url.path)
}

/// The score/cost matrix; throws (failing the test that asks) when its fixture is missing or malformed.
var skMatrix: AutoMLScoreMatrix { get throws { try skMatrixRead.get() } }

/// The exact-trace fixture of `automl.md`: eight tenants, the other 24 data sets (file order) the prior.
let fixtureTenants = [
    "iris", "wine", "breast_cancer", "digits", "clf_inf2_sep0.5_flip0.0", "clf_inf2_sep0.5_flip0.1", "clf_inf2_sep1.0_flip0.0",
    "clf_inf2_sep1.0_flip0.1",
]
var fixturePrior: [String] { get throws { try skMatrix.datasets.filter { !fixtureTenants.contains($0) } } }

/// The reference traces of `automl.md`: [tenant, arm, global regret after the pick].
let referenceTraces: [AutoMLPolicy: String] = {
    let warm = "[0,1,.785913] [1,1,.665538] [2,1,.547113] [3,1,.425813] [4,1,.349975] [5,1,.273725] [6,1,.172475] [7,1,.077062] "
    return [
        .roundRobin: warm + """
            [0,0,.077062] [1,0,.072437] [2,0,.070975] [3,0,.07075] [4,8,.07075]
            [5,8,.07075] [6,8,.07075] [7,8,.07075] [0,6,.07075] [1,6,.07075] [2,6,.07075] [3,6,.07075]
            [4,0,.059088] [5,5,.051175] [6,0,.044513] [7,0,.031588]
            """,
        .maxWidth: warm + """
            [4,8,.077062] [5,8,.077062] [6,8,.077062] [7,8,.077062]
            [0,0,.077062] [1,0,.072437] [2,0,.070975] [3,0,.07075] [4,0,.059088] [6,0,.052425] [7,0,.0395]
            [0,6,.0395] [1,6,.0395] [2,6,.0395] [3,6,.0395] [4,5,.037]
            """,
        .maxGap: warm + """
            [4,8,.077062] [5,8,.077062] [7,8,.077062] [6,8,.077062]
            [5,5,.06915] [4,0,.057487] [6,0,.050825] [7,0,.0379] [2,0,.036438] [1,0,.031813] [3,0,.031588]
            [0,0,.031588] [4,5,.029088] [5,0,.027413] [5,4,.026588] [3,6,.026588]
            """,
        .costGap: warm + """
            [4,6,.0629] [5,6,.048737] [7,6,.040812] [6,6,.033312]
            [2,6,.033312] [1,6,.033312] [3,6,.033312] [0,6,.033312] [3,0,.033088] [2,0,.031625] [1,0,.027]
            [0,0,.027] [7,0,.022] [4,8,.022] [4,0,.022] [5,8,.022]
            """,
    ]
}()

func parseTrace(_ text: String) -> [(tenant: Int, arm: Int, regret: Double)] {
    text.split(whereSeparator: { $0 == " " || $0.isNewline }).map { entry in
        let fields = entry.dropFirst().dropLast().split(separator: ",")
        return (Int(fields[0])!, Int(fields[1])!, Double(fields[2])!)
    }
}

struct AutoMLSchedulerTests {
    @Test func theMatrixHas32DataSetsAndNineModels() throws {
        let matrix = try skMatrix
        #expect(matrix.datasets.count == 32)
        #expect(matrix.models == ["logreg", "knn5", "tree", "rf100", "hgb", "svc_rbf", "gnb", "mlp64", "linsvc_poly2"])
        #expect(try fixturePrior.count == 24)
        #expect(matrix.scores[0][0] == 0.9778)
        #expect(matrix.costs[0][0] == 0.0343)
    }

    @Test(arguments: [AutoMLPolicy.roundRobin, .maxWidth, .maxGap, .costGap])
    func theFirst24PicksAreTheReferenceTrace(policy: AutoMLPolicy) throws {
        let simulation = try AutoMLSimulation(
            matrix: skMatrix, tenants: fixtureTenants, prior: fixturePrior, policy: policy, clock: policy == .costGap ? .cost : .evaluations)
        let trace = simulation.run(maxTrials: 24)
        let expected = parseTrace(referenceTraces[policy]!)
        #expect(expected.count == 24)
        #expect(trace.steps.count == 24)
        for (index, (step, reference)) in zip(trace.steps, expected).enumerated() {
            #expect(step.tenant == reference.tenant && step.arm == reference.arm, "pick \(index + 1) of \(policy.rawValue)")
            #expect(abs(step.regret - reference.regret) <= 1e-6 + 1e-12, "regret after pick \(index + 1) of \(policy.rawValue): \(step.regret)")
        }
    }

    @Test func theLearnedPriorIsTheSampleCovariancePlusJitter() throws {
        let prior = try AutoMLArmPrior.fromHistory([[0.5, 0.7], [0.7, 0.7], [0.9, 1.0]], armCount: 2)
        #expect(prior.learned)
        #expect(abs(prior.mean[0] - 0.7) < 1e-15 && abs(prior.mean[1] - 0.8) < 1e-15)
        // var(x) = ((−.2)² + 0 + .2²)/2 = 0.04; cov = (−.2·−.1 + 0 + .2·.2)/2 = 0.03; var(y) = (.01+.01+.04)/2 = 0.03.
        #expect(abs(prior.covariance[0] - 0.0401) < 1e-12)
        #expect(abs(prior.covariance[1] - 0.03) < 1e-12 && abs(prior.covariance[2] - 0.03) < 1e-12)
        #expect(abs(prior.covariance[3] - 0.0301) < 1e-12)
    }

    @Test func tooLittleHistoryGivesIndependentArms() throws {
        let prior = try AutoMLArmPrior.fromHistory([[0.6, 0.8, 0.7]], armCount: 3)
        #expect(!prior.learned)
        #expect(prior.mean == [0.6, 0.8, 0.7])
        #expect(prior.covariance == [0.25, 0, 0, 0, 0.25, 0, 0, 0, 0.25])
        // Independent arms: observing one arm leaves the others' posterior untouched.
        var search = try AutoMLTenantSearch(prior: prior)
        let first = try #require(search.proposal(tenant: 0, costAware: false))
        #expect(first.arm == 1)
        try search.start(arm: 1)
        try search.observe(arm: 1, score: 0.2)
        #expect(search.process.mean[0] == 0.6 && search.process.variance[2] == 0.25)
        #expect(search.process.variance[1] < 1e-3)
        #expect(search.best == 0.2)
        #expect(search.proposal(tenant: 0, costAware: false)?.arm == 2)
        let empty = try AutoMLArmPrior.fromHistory([], armCount: 2)
        #expect(empty.mean == [0.5, 0.5] && !empty.learned)
        #expect(throws: AutoMLError.armCount(what: "a history row", expected: 3, found: 2)) { () throws(AutoMLError) in
            try AutoMLArmPrior.fromHistory([[0.1, 0.2]], armCount: 3)
        }
    }

    @Test func thePosteriorMatchesTheClosedFormForTwoArms() throws {
        // Σ = [[a, c], [c, b]], observe arm 0 = y: mean1 = μ1 + c/(a+σ²)(y − μ0); var1 = b − c²/(a+σ²).
        let prior = try AutoMLArmPrior(mean: [0.5, 0.6], covariance: [0.04, 0.03, 0.03, 0.05])
        var process = try ArmGaussianProcess(prior: prior)
        try process.observe(arm: 0, score: 0.9)
        let s = 0.04 + 1e-4
        #expect(abs(process.mean[1] - (0.6 + 0.03 / s * 0.4)) < 1e-14)
        #expect(abs(process.variance[1] - (0.05 - 0.03 * 0.03 / s)) < 1e-14)
        #expect(abs(process.mean[0] - (0.5 + 0.04 / s * 0.4)) < 1e-14)
        #expect(abs(process.variance[0] - (0.04 - 0.04 * 0.04 / s)) < 1e-14)
    }

    @Test func aNearlySingularCovarianceStaysFinite() throws {
        // Two perfectly correlated arms and no noise: the Cholesky pivot is 0 without jitter.
        let prior = try AutoMLArmPrior(mean: [0.5, 0.5, 0.5], covariance: [1, 1, 0, 1, 1, 0, 0, 0, 1])
        var process = try ArmGaussianProcess(prior: prior, noiseSD: 0)
        try process.observe(arm: 0, score: 0.8)
        try process.observe(arm: 1, score: 0.8)
        #expect(process.mean.allSatisfy { $0.isFinite })
        #expect(process.variance.allSatisfy { $0.isFinite && $0 >= ArmGaussianProcess.varianceFloor })
        #expect(abs(process.mean[1] - 0.8) < 1e-6)
        #expect(process.variance[2] == 1)
    }

    @Test func betaFollowsTheReferenceAndItsMultiplier() throws {
        let prior = try AutoMLArmPrior.independent(armCount: 9)
        let plain = try AutoMLTenantSearch(prior: prior)
        #expect(abs(plain.beta - log(9 / 0.1)) < 1e-12)
        let doubled = try AutoMLTenantSearch(prior: prior, betaMultiplier: 2)
        #expect(abs(doubled.beta - 2 * log(9 / 0.1)) < 1e-12)
        var searched = plain
        try searched.start(arm: 0)
        try searched.observe(arm: 0, score: 0.5)
        #expect(abs(searched.beta - log(9 * 4 / 0.1)) < 1e-12)
        // A zero multiplier is pure exploitation: the highest mean first.
        let greedy = try AutoMLTenantSearch(prior: AutoMLArmPrior(mean: [0.1, 0.9], covariance: [1, 0, 0, 0.001]), betaMultiplier: 0)
        #expect(greedy.proposal(tenant: 0, costAware: false)?.arm == 1)
        let exploring = try AutoMLTenantSearch(prior: AutoMLArmPrior(mean: [0.1, 0.9], covariance: [1, 0, 0, 0.001]))
        #expect(exploring.proposal(tenant: 0, costAware: false)?.arm == 0)
    }

    @Test func costGapChoosesTheCheapArmOnlyAfterAnEvaluation() throws {
        let prior = try AutoMLArmPrior.independent(armCount: 3, mean: 0.5, variance: 0.01)
        var search = try AutoMLTenantSearch(prior: prior, expectedCosts: [10, 10, 1])
        #expect(search.proposal(tenant: 0, costAware: true)?.arm == 0)
        try search.start(arm: 0)
        try search.observe(arm: 0, score: 0.3)
        #expect(search.proposal(tenant: 0, costAware: true)?.arm == 2)
        #expect(search.proposal(tenant: 0, costAware: false)?.arm == 1)
    }

    @Test func costGapWithoutCostsRunsAsMaxGap() throws {
        let prior = try AutoMLArmPrior.independent(armCount: 2)
        let scheduler = AutoMLScheduler(tenants: [try AutoMLTenantSearch(prior: prior)], policy: .costGap)
        #expect(scheduler.effectivePolicy == .maxGap)
        let costed = AutoMLScheduler(tenants: [try AutoMLTenantSearch(prior: prior, expectedCosts: [1, 2])], policy: .costGap)
        #expect(costed.effectivePolicy == .costGap)
    }

    @Test func severalWorkersNeverShareAnArm() throws {
        let prior = try AutoMLArmPrior.fromHistory(fixturePrior.map { try skMatrix.scores[skMatrix.index(of: $0)] }, armCount: 9)
        var scheduler = AutoMLScheduler(
            tenants: try (0..<2).map { _ in try AutoMLTenantSearch(prior: prior) }, policy: .maxGap)
        var running: [AutoMLProposal] = []
        for _ in 0..<6 {
            let next = scheduler.next()
            running.append(try #require(next))
        }
        let pairs = Set(running.map { [$0.tenant, $0.arm] })
        #expect(pairs.count == 6)
        // The fantasy shrinks the variance of the running arm's correlated neighbours, not the mean.
        let tenant = running[2].tenant
        let search = scheduler.tenants[tenant]
        let fresh = try ArmGaussianProcess(prior: prior)
        #expect(search.process.mean == fresh.mean)
        #expect(zip(search.process.variance, fresh.variance).allSatisfy { $0 <= $1 })
        #expect(zip(search.process.variance, fresh.variance).contains { $0 < $1 })
        // Run every remaining arm with two trials always in flight: 18 distinct picks, then nothing.
        var seen = pairs
        while !running.isEmpty {
            let done = running.removeFirst()
            try scheduler.observe(tenant: done.tenant, arm: done.arm, score: 0.5)
            if let next = scheduler.next() {
                #expect(seen.insert([next.tenant, next.arm]).inserted)
                running.append(next)
            }
        }
        #expect(seen.count == 18)
        #expect(scheduler.next() == nil)
    }

    @Test func aFailedArmIsNeverProposedAgain() throws {
        let prior = try AutoMLArmPrior.independent(armCount: 2)
        var scheduler = AutoMLScheduler(tenants: [try AutoMLTenantSearch(prior: prior)], policy: .roundRobin)
        let firstPick = scheduler.next()
        let first = try #require(firstPick)
        try scheduler.fail(tenant: 0, arm: first.arm)
        #expect(throws: AutoMLError.notPending(tenant: 0, arm: first.arm)) { try scheduler.observe(tenant: 0, arm: first.arm, score: 1) }
        let secondPick = scheduler.next()
        let second = try #require(secondPick)
        #expect(second.arm != first.arm)
        #expect(scheduler.next() == nil)
        #expect(scheduler.tenants[0].bestScore == nil)
    }

    @Test func randomIsSeededAndReproducible() throws {
        func picks(seed: UInt64) throws -> [Int] {
            try AutoMLSimulation(matrix: skMatrix, tenants: fixtureTenants, prior: fixturePrior, policy: .random, clock: .evaluations, seed: seed)
                .run(maxTrials: 40).steps.map { $0.tenant * 9 + $0.arm }
        }
        #expect(try picks(seed: 7) == picks(seed: 7))
        #expect(try picks(seed: 7) != picks(seed: 8))
        #expect(try picks(seed: 7).prefix(8) == [1, 10, 19, 28, 37, 46, 55, 64])
    }

    @Test func aFullRunEvaluatesEveryArmOnceAndEndsAtZeroRegret() throws {
        let simulation = try AutoMLSimulation(
            matrix: skMatrix, tenants: fixtureTenants, prior: fixturePrior, policy: .costGap, clock: .cost, workers: 3)
        let trace = simulation.run()
        #expect(trace.steps.count == 72)
        #expect(Set(trace.steps.map { $0.tenant * 9 + $0.arm }).count == 72)
        #expect(trace.steps.last?.regret == 0)
        #expect(trace.timeToRegret(0) != nil)
        #expect(trace.timeToRegret(1) == 0)
        // Three workers: the clock is below the sum of all costs.
        let total = try fixtureTenants.reduce(0.0) { try $0 + skMatrix.costs[skMatrix.index(of: $1)].reduce(0, +) }
        #expect(trace.steps.map(\.finish).max()! < total)
        #expect(trace.steps.map(\.finish) == trace.steps.map(\.finish).sorted())
    }

    @Test func matrixErrorsNameTheLine() {
        #expect(throws: AutoMLError.matrix(file: "m.csv", line: 3, message: "the score `x` is not a finite number")) {
            try AutoMLScoreMatrix.parse("dataset,model,val_accuracy,fit_seconds\na,m,0.5,1\na,n,x,1\n", file: "m.csv")
        }
        #expect(throws: AutoMLError.matrix(file: "m.csv", line: 0, message: "no row for b/n")) {
            try AutoMLScoreMatrix.parse("dataset,model,val_accuracy,fit_seconds\na,m,0.5,1\na,n,0.4,1\nb,m,0.5,1\n", file: "m.csv")
        }
        #expect(throws: AutoMLError.matrix(file: "m.csv", line: 3, message: "a/m again (first on line 2)")) {
            try AutoMLScoreMatrix.parse("dataset,model,val_accuracy,fit_seconds\na,m,0.5,1\na,m,0.4,1\n", file: "m.csv")
        }
    }
}
