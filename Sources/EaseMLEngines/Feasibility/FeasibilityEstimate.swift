/// Everything the feasibility study measures for one representation of a labeled dataset.
///
/// The headline 1-NN error is leave-one-out on all examples when there are at most
/// `leaveOneOutLimit` of them, else the held-out error of the convergence curve's last point. All
/// rates and accuracies are fractions in [0, 1].
public struct FeasibilityEstimate: Sendable, Hashable, Codable {
    public var name: String
    public var metric: DistanceMetric
    public var examples: Int
    public var features: Int
    public var classes: Int
    /// The headline 1-NN error.
    public var nearestNeighborError: NearestNeighborErrorEstimate
    /// Cover–Hart lower bound on the Bayes error at that error.
    public var bayesErrorBound: Double
    /// 1 − `bayesErrorBound`.
    public var accuracyCeiling: Double
    /// The ceiling at the 1-NN error's 95 % lower end.
    public var optimisticCeiling: Double
    public var curve: ConvergenceCurve
    /// The ceiling at the curve's extrapolated error for ten times the data (nil without a fit).
    public var extrapolatedCeiling: Double?

    /// The default size up to which the headline error is leave-one-out.
    public static let defaultLeaveOneOutLimit = 20_000

    /// Measures `data` (at least 2 examples) under `metric`.
    /// - Parameter progress: fraction of the work done, in [0, 1].
    public static func measure(
        name: String, data: LabeledMatrix, metric: DistanceMetric, leaveOneOutLimit: Int = defaultLeaveOneOutLimit,
        seed: UInt64 = 1, progress: ((Double) -> Void)? = nil
    ) -> FeasibilityEstimate {
        let n = data.features.rows
        let loo = n <= leaveOneOutLimit
        // Work units: the curve costs about 2 × 0.8 n × 0.2 n pairs, leave-one-out n² pairs.
        let curveShare = loo ? 0.32 / 1.32 : 1.0
        let curve = ConvergenceCurve.measure(data, metric: metric, seed: seed) { done, total in
            progress?(curveShare * Double(done) / Double(total))
        }
        let estimate = loo
            ? NearestNeighborErrorEstimate.leaveOneOut(data, metric: metric) { done, total in
                progress?(curveShare + (1 - curveShare) * Double(done) / Double(total))
            }
            : curve.points.last!.estimate
        let c = data.classCount
        let bound = CoverHartBound.bayesErrorLowerBound(nearestNeighborError: estimate.rate, classes: c)
        return FeasibilityEstimate(
            name: name, metric: metric, examples: n, features: data.features.columns, classes: c,
            nearestNeighborError: estimate, bayesErrorBound: bound, accuracyCeiling: 1 - bound,
            optimisticCeiling: CoverHartBound.accuracyCeiling(nearestNeighborError: estimate.lower, classes: c),
            curve: curve,
            extrapolatedCeiling: curve.extrapolatedError(factor: 10).map {
                // Never below today's measured ceiling's own error: more data does not make 1-NN worse.
                CoverHartBound.accuracyCeiling(nearestNeighborError: min($0, estimate.rate), classes: c)
            })
    }

    /// The verdict for a target accuracy.
    public func verdict(target: Double) -> FeasibilityVerdict {
        FeasibilityVerdict.decide(target: target, ceiling: accuracyCeiling, optimisticCeiling: optimisticCeiling, extrapolatedCeiling: extrapolatedCeiling)
    }
}
