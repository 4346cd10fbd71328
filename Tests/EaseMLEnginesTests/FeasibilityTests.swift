import Foundation
import Testing
@testable import EaseMLEngines

@Test func digitsVerdictsForTargets090And0999() throws {
    let digits = try readDataset("digits")
    let estimate = FeasibilityEstimate.measure(name: "digits", data: digits, metric: .euclidean)
    #expect(estimate.nearestNeighborError.method == .leaveOneOut)
    #expect(estimate.nearestNeighborError.errors == 21 && estimate.classes == 10)
    #expect(abs(estimate.accuracyCeiling - CoverHartBound.accuracyCeiling(nearestNeighborError: 21.0 / 1797, classes: 10)) < 1e-15)
    #expect(estimate.verdict(target: 0.90) == .feasible)
    #expect(estimate.verdict(target: 0.999) == .infeasible(bestAccuracy: estimate.accuracyCeiling))
    #expect(estimate.verdict(target: 0.999).text == "infeasible: the best achievable accuracy is about 0.9941")
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
    #expect(FeasibilityVerdict.decide(target: 0.9, ceiling: 0.95, optimisticCeiling: 0.97, extrapolatedCeiling: 0.96) == .feasible)
    #expect(FeasibilityVerdict.decide(target: 0.96, ceiling: 0.95, optimisticCeiling: 0.97, extrapolatedCeiling: 0.96).kind == "unclear")
    #expect(FeasibilityVerdict.decide(target: 0.975, ceiling: 0.95, optimisticCeiling: 0.97, extrapolatedCeiling: 0.98).text
            == "unclear: the target 0.9750 is above today's ceiling 0.9500, but the convergence curve extrapolates to 0.9800 with ten times the data")
    #expect(FeasibilityVerdict.decide(target: 0.975, ceiling: 0.95, optimisticCeiling: 0.97, extrapolatedCeiling: nil).kind == "unclear")
    #expect(FeasibilityVerdict.decide(target: 0.99, ceiling: 0.95, optimisticCeiling: 0.97, extrapolatedCeiling: 0.98) == .infeasible(bestAccuracy: 0.95))
}
