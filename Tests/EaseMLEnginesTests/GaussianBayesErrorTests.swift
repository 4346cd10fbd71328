import Foundation
import Testing
@testable import EaseMLEngines

/// Two Gaussian classes in 10 dimensions, unit covariance, means Δ apart along one axis: the
/// Bayes error is Φ(−Δ/2). The Cover–Hart bound at the low end of its stated 95 % interval must
/// never exceed it, and the point bound must approach it as the data grows.
@Test(arguments: [1.0, 2.0, 3.0])
func coverHartBoundRespectsAKnownBayesError(_ delta: Double) {
    let bayesError = 0.5 * erfc(delta / 2 / 2.0.squareRoot())
    var generator = SeededRandomGenerator(seed: UInt64(delta * 1000))
    func gaussian() -> Double {
        // Box–Muller from two uniforms in (0, 1].
        let u1 = 1 - generator.uniform()
        let u2 = generator.uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
    var gaps: [Double] = []
    for n in [500, 4000] {
        var values: [Double] = []
        var labels: [String] = []
        for _ in 0..<n {
            let label = generator.below(2)
            for d in 0..<10 { values.append(gaussian() + (d == 0 && label == 1 ? delta : 0)) }
            labels.append(String(label))
        }
        let data = LabeledMatrix(features: Matrix(rows: n, columns: 10, values: values), labelTexts: labels)
        let error = NearestNeighborErrorEstimate.leaveOneOut(data, metric: .euclidean)
        let bound = CoverHartBound.bayesErrorLowerBound(nearestNeighborError: error.rate, classes: 2)
        let boundAtLowEnd = CoverHartBound.bayesErrorLowerBound(nearestNeighborError: error.lower, classes: 2)
        #expect(boundAtLowEnd <= bayesError, "Δ=\(delta) n=\(n): \(boundAtLowEnd) > \(bayesError)")
        gaps.append(abs(bound - bayesError))
    }
    // With 4,000 examples the bound is within 0.03 of the true Bayes error.
    #expect(gaps[1] < 0.03, "Δ=\(delta): gap \(gaps[1])")
}
