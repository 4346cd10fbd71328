import Testing
@testable import EaseMLEngines

@Test func coverHartBoundOnHandComputedValues() {
    // Two classes, R = 0.32: (1/2)(1 − sqrt(1 − 0.64)) = (1/2)(1 − 0.6) = 0.2.
    #expect(abs(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0.32, classes: 2) - 0.2) < 1e-15)
    // Three classes, R = 0.6: (2/3)(1 − sqrt(1 − 0.9)) = (2/3)(1 − 0.316227766…) = 0.455848155…
    #expect(abs(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0.6, classes: 3) - 0.4558481560) < 1e-9)
    // Ten classes, R = 0.19: (9/10)(1 − sqrt(1 − 0.2111…)) = 0.9 (1 − 0.888194…) = 0.1006249…
    #expect(abs(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0.19, classes: 10) - 0.9 * (1 - (1 - 1.9 / 9).squareRoot())) < 1e-15)
    // Past (C−1)/C the argument is clamped: the bound is that of guessing.
    #expect(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0.9, classes: 2) == 0.5)
    #expect(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0, classes: 4) == 0)
    #expect(CoverHartBound.bayesErrorLowerBound(nearestNeighborError: 0.3, classes: 1) == 0)
    #expect(abs(CoverHartBound.accuracyCeiling(nearestNeighborError: 0.32, classes: 2) - 0.8) < 1e-15)
    // The bound lies between R/2 and R for two classes.
    for r in stride(from: 0.01, through: 0.5, by: 0.01) {
        let b = CoverHartBound.bayesErrorLowerBound(nearestNeighborError: r, classes: 2)
        #expect(b >= r / 2 && b <= r)
    }
}
