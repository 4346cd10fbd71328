import EaseMLCore
import Foundation
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
    /// 1 − `bayesErrorBound`: the point **estimate** of the accuracy ceiling. At a few hundred
    /// examples per class it is no bound: the 1-NN error measured there is usually above its
    /// large-sample limit, which the Cover–Hart inequality is about.
    public var accuracyCeiling: Double
    /// The upper end of the ceiling's interval: the ceiling at the lowest 1-NN error the data allows
    /// — the error's one-sided lower confidence bound at `errorProbability`, or the convergence
    /// curve's fitted asymptote (what unlimited data would give), whichever is lower. "Infeasible" is
    /// said only above it.
    public var optimisticCeiling: Double
    /// The ceiling at the curve's fitted asymptote: the error with unlimited data (nil without a fit).
    public var asymptoticCeiling: Double?
    public var curve: ConvergenceCurve
    /// The ceiling at the curve's extrapolated error for ten times the data, between the measured
    /// ceiling and the asymptotic one (nil without a fit).
    public var extrapolatedCeiling: Double?
    /// The one-sided error probability of `optimisticCeiling` (0.05 divided by the representations
    /// compared, so that choosing the best of them keeps the claim's confidence).
    public var errorProbability: Double

    /// The default size up to which the headline error is leave-one-out.
    public static let defaultLeaveOneOutLimit = 20_000

    /// Measures `data` (at least 2 examples) under `metric`.
    /// - Parameter progress: fraction of the work done, in [0, 1].
    /// - Parameter errorProbability: the one-sided error probability of the ceiling's upper end.
    public static func measure(
        name: String, data: LabeledMatrix, metric: DistanceMetric, leaveOneOutLimit: Int = defaultLeaveOneOutLimit,
        seed: UInt64 = 1, errorProbability: Double = 0.05, progress: ((Double) -> Void)? = nil
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
        let logAlpha = log(errorProbability)
        let asymptotic = curve.fit.map { min($0.a, estimate.rate) }
        let lower = ClopperPearson.lowerBound(successes: estimate.errors, trials: estimate.trials, logAlpha: logAlpha)
        let lowest = min(lower, asymptotic ?? lower)
        return FeasibilityEstimate(
            name: name, metric: metric, examples: n, features: data.features.columns, classes: c,
            nearestNeighborError: estimate, bayesErrorBound: bound, accuracyCeiling: 1 - bound,
            optimisticCeiling: CoverHartBound.accuracyCeiling(nearestNeighborError: max(0, lowest), classes: c),
            asymptoticCeiling: asymptotic.map { CoverHartBound.accuracyCeiling(nearestNeighborError: $0, classes: c) },
            curve: curve,
            extrapolatedCeiling: curve.extrapolatedError(factor: 10).map {
                // Between today's error (more data does not make 1-NN worse) and the asymptote.
                CoverHartBound.accuracyCeiling(nearestNeighborError: min(max($0, asymptotic ?? 0), estimate.rate), classes: c)
            }, errorProbability: errorProbability)
    }

    /// The verdict for a target accuracy.
    public func verdict(target: Double) -> FeasibilityVerdict {
        FeasibilityVerdict.decide(
            target: target, ceiling: accuracyCeiling, optimisticCeiling: optimisticCeiling, asymptoticCeiling: asymptoticCeiling,
            confidence: 1 - errorProbability)
    }
}
