import Foundation
import Testing
import EaseMLCore
@testable import EaseMLEngines

@Test func digitsVerdictsForTargets090And0999() throws {
    let digits = try readDataset("digits")
    let estimate = FeasibilityEstimate.measure(name: "digits", data: digits, metric: .euclidean)
    #expect(estimate.nearestNeighborError.method == .leaveOneOut)
    #expect(estimate.nearestNeighborError.errors == 21 && estimate.classes == 10)
    #expect(abs(estimate.accuracyCeiling - CoverHartBound.accuracyCeiling(nearestNeighborError: 21.0 / 1797, classes: 10)) < 1e-15)
    #expect(estimate.verdict(target: 0.90) == .feasible)
    // The upper end: the ceiling at the lower of the error's 95 % lower bound and the curve's asymptote.
    let lower = ClopperPearson.lowerBound(successes: 21, trials: 1797, logAlpha: log(0.05))
    let asymptote = try #require(estimate.curve.fit).a
    #expect(estimate.optimisticCeiling == CoverHartBound.accuracyCeiling(nearestNeighborError: min(lower, asymptote), classes: 10))
    #expect(estimate.optimisticCeiling > estimate.accuracyCeiling && estimate.optimisticCeiling < 0.999)
    #expect(estimate.verdict(target: 0.999) == .infeasible(estimate: estimate.accuracyCeiling, upper: estimate.optimisticCeiling, confidence: 0.95))
    #expect(estimate.verdict(target: 0.999).text.hasPrefix("infeasible: the accuracy ceiling is estimated at 0.9941, and at most 0.99"))
    // Just above the point ceiling but inside the sampling uncertainty: unclear.
    #expect(estimate.verdict(target: estimate.accuracyCeiling + 0.0005).kind == "unclear")
}

@Test func convergenceCurveFallsWithDataAndIsSeeded() throws {
    let digits = try readDataset("digits")
    let curve = ConvergenceCurve.measure(digits, metric: .euclidean, seed: 7)
    #expect(curve.points.map(\.trainingSize) == [90, 180, 360, 719, 1438])
    #expect(curve.points.allSatisfy { $0.estimate.trials == 359 })
    #expect(curve.points.first!.estimate.rate > curve.points.last!.estimate.rate)
    for point in curve.points {
        #expect(point.estimate.lower <= point.estimate.rate && point.estimate.rate <= point.estimate.upper)
        #expect(point.bayesErrorBoundLower <= point.bayesErrorBound && point.bayesErrorBound <= point.bayesErrorBoundUpper)
    }
    let fit = try #require(curve.fit)
    #expect(fit.b > 0 && fit.a >= 0)
    // The extrapolation continues the fall but stays non-negative.
    let tenfold = try #require(curve.extrapolatedError(factor: 10))
    #expect(tenfold < curve.points.last!.estimate.rate && tenfold >= 0)
    #expect(ConvergenceCurve.measure(digits, metric: .euclidean, seed: 7) == curve)
    #expect(ConvergenceCurve.measure(digits, metric: .euclidean, seed: 8) != curve)
}

@Test func powerLawFitRecoversAKnownCurve() {
    // Exact R(n) = 0.05 + 2 n^(-0.5) at five sizes, with large trial counts: the grid contains c = 0.5.
    let points = [100, 200, 400, 800, 1600].map { n -> ConvergenceCurve.Point in
        let rate = 0.05 + 2 / Double(n).squareRoot()
        let trials = 1_000_000
        return .init(trainingSize: n, estimate: .init(method: .heldOut, references: n, errors: Int((rate * Double(trials)).rounded()), trials: trials),
                     bayesErrorBound: 0, bayesErrorBoundLower: 0, bayesErrorBoundUpper: 0)
    }
    let fit = ConvergenceCurve.fitPowerLaw(points)!
    #expect(abs(fit.c - 0.5) < 1e-9)
    #expect(abs(fit.a - 0.05) < 1e-4 && abs(fit.b - 2) < 1e-2)
    #expect(ConvergenceCurve.fitPowerLaw(Array(points.prefix(2))) == nil)
}

@Test func successiveHalvingKeepsIrisOverIrisWithNoise() throws {
    let iris = try readDataset("iris")
    // Raw iris, then iris with 4 and with 12 uniform noise columns of scale 10 (which swamp distances).
    var rng = SeededRandomGenerator(seed: 5)
    func noisy(_ extra: Int) -> LabeledMatrix {
        let noise = Matrix(rows: 150, columns: extra, values: (0..<(150 * extra)).map { _ in rng.uniform() * 10 })
        return LabeledMatrix(features: iris.features.appendingColumns(of: noise), labels: iris.labels, classNames: iris.classNames)
    }
    let candidates = [("noise4", noisy(4)), ("raw", iris), ("noise12", noisy(12)), ("noise8", noisy(8))]
    let halving = SuccessiveHalving(representations: candidates.map { .init(name: $0.0, data: $0.1) }, metric: .euclidean)
    var fractions: [Double] = []
    let result = halving.run(initialSize: 40) { fractions.append($0) }
    #expect(halving.representations[result.best].name == "raw")
    #expect(fractions.count > 7 && fractions.last == 1 && fractions.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 }, "progress never goes back")
    #expect(result.rounds.map(\.sliceSize) == [40, 80, 150])
    #expect(result.rounds.map(\.evaluated.count) == [4, 2, 1])
    #expect(result.bestEstimate.errors == 6) // iris LOO: 0.0400 × 150
    // A budget that covers only the first round stops there, still naming the best so far.
    let cheap = halving.run(initialSize: 40, budget: 40 * 40 * (8 + 4 + 16 + 12))
    #expect(cheap.rounds.count == 1 && cheap.cost <= 40 * 40 * 40)
}

@Test func verdictRules() {
    func decide(_ target: Double, asymptotic: Double? = 0.96) -> FeasibilityVerdict {
        FeasibilityVerdict.decide(target: target, ceiling: 0.95, optimisticCeiling: 0.97, asymptoticCeiling: asymptotic, confidence: 0.95)
    }
    #expect(decide(0.9) == .feasible)
    #expect(decide(0.95) == .feasible)
    // Above the estimate, within what unlimited data gives: more data may get there.
    #expect(decide(0.955).text == "unclear: the target 0.9550 is above today's estimated ceiling 0.9500, but the convergence curve reaches 0.9600 with unlimited data: more data may get there")
    // Above the asymptote but below the upper end: within the estimate's uncertainty.
    #expect(decide(0.965).text == "unclear: the target 0.9650 is above the estimated ceiling 0.9500 but within its uncertainty (up to 0.9700 at 95 % confidence)")
    #expect(decide(0.965, asymptotic: nil).kind == "unclear")
    #expect(decide(0.97).kind == "unclear", "at the upper end itself the data does not rule the target out")
    #expect(decide(0.99) == .infeasible(estimate: 0.95, upper: 0.97, confidence: 0.95))
    #expect(decide(0.99).text == "infeasible: the accuracy ceiling is estimated at 0.9500, and at most 0.9700 at 95 % confidence (more data included)")
    #expect(FeasibilityVerdict.decide(target: 0.99, ceiling: 0.95, optimisticCeiling: 0.97, asymptoticCeiling: nil, confidence: 1 - 0.05 / 3).text.contains("at 98.3 % confidence"))
}
