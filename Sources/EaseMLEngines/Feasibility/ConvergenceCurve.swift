/// The 1-NN error (and its Cover–Hart bound) as the training data grows, with an extrapolation to
/// more data.
///
/// **Protocol.** The examples are shuffled with `seed`; the first `testFraction` of them (at least one)
/// form a fixed held-out test set, the rest the training pool. Point k uses the first
/// `ceil(fraction_k × pool)` examples of the shuffled pool (nested subsamples, so the curve is not
/// jittered by unrelated draws, and one pass of the search over the pool answers every size) and measures the held-out 1-NN error on the whole test set, with its
/// exact 95 % Clopper–Pearson interval (conditional on the subsample).
///
/// **Extrapolation model.** R(n) = a + b·n^(−c) with a, b ≥ 0 and c ∈ {0.05, 0.10, …, 2.00}: for each c
/// the weighted least-squares (a, b) (weights 1 / p̃(1 − p̃)/m, p̃ = (errors + 1)/(trials + 2)), the c with
/// the smallest weighted residual wins. `a` is the error with unlimited data, `R(10 N)` the error with ten
/// times the pool. The fit needs at least three points with distinct sizes ≥ 2; otherwise `fit` is nil.
public struct ConvergenceCurve: Sendable, Hashable, Codable {
    /// One training size.
    public struct Point: Sendable, Hashable, Codable {
        /// Training examples used.
        public var trainingSize: Int
        public var estimate: NearestNeighborErrorEstimate
        /// Cover–Hart lower bound on the Bayes error at the error rate, and at its interval's ends.
        public var bayesErrorBound: Double
        public var bayesErrorBoundLower: Double
        public var bayesErrorBoundUpper: Double
    }

    /// The fitted R(n) = a + b·n^(−c).
    public struct Fit: Sendable, Hashable, Codable {
        public var a: Double
        public var b: Double
        public var c: Double
        /// Σ wᵢ (Rᵢ − R(nᵢ))² / max(1, points − 3): about 1 when the model fits within the noise.
        public var reducedChiSquare: Double
        /// R(n) for a training size n > 0.
        public func error(at n: Double) -> Double { a + b * pow(n, -c) }
    }

    public var points: [Point]
    public var fit: Fit?
    /// The pool size N (training examples at fraction 1).
    public var poolSize: Int
    public var classes: Int

    /// The default fractions 1/16, 1/8, 1/4, 1/2, 1.
    public static let defaultFractions: [Double] = [1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1]

    /// Measures the curve of `data` (at least 2 examples). `testFraction` in (0, 1).
    public static func measure(
        _ data: LabeledMatrix, metric: DistanceMetric, testFraction: Double = 0.2,
        fractions: [Double] = defaultFractions, seed: UInt64 = 1, progress: ((Int, Int) -> Void)? = nil
    ) -> ConvergenceCurve {
        let n = data.features.rows
        precondition(n >= 2 && testFraction > 0 && testFraction < 1, "need ≥ 2 examples and a test fraction in (0, 1)")
        var order = Array(0..<n)
        var rng = SeededRandomGenerator(seed: seed)
        rng.shuffle(&order)
        let testCount = min(n - 1, max(1, Int((testFraction * Double(n)).rounded())))
        let test = data.selectingRows(Array(order[..<testCount]))
        let pool = Array(order[testCount...])
        let sizes = Array(Set(fractions.map { min(pool.count, max(1, Int((($0 * Double(pool.count)) - 1e-9).rounded(.up)))) })).sorted()
        // One pass over the pool answers every (nested) size.
        let training = data.selectingRows(Array(pool[..<sizes.last!]))
        let estimates = NearestNeighborErrorEstimate.heldOut(training: training, test: test, prefixes: sizes, metric: metric, progress: progress)
        let points = zip(sizes, estimates).map { size, estimate -> Point in
            Point(
                trainingSize: size, estimate: estimate,
                bayesErrorBound: CoverHartBound.bayesErrorLowerBound(nearestNeighborError: estimate.rate, classes: data.classCount),
                bayesErrorBoundLower: CoverHartBound.bayesErrorLowerBound(nearestNeighborError: estimate.lower, classes: data.classCount),
                bayesErrorBoundUpper: CoverHartBound.bayesErrorLowerBound(nearestNeighborError: estimate.upper, classes: data.classCount))
        }
        return ConvergenceCurve(points: points, fit: fitPowerLaw(points), poolSize: pool.count, classes: data.classCount)
    }

    /// The extrapolated 1-NN error with `factor` times the pool (nil without a fit).
    public func extrapolatedError(factor: Double) -> Double? {
        fit.map { min(1, max(0, $0.error(at: factor * Double(poolSize)))) }
    }

    /// The weighted least-squares fit of R(n) = a + b·n^(−c) described above.
    static func fitPowerLaw(_ points: [Point]) -> Fit? {
        let usable = points.filter { $0.trainingSize >= 2 }
        guard Set(usable.map(\.trainingSize)).count >= 3 else { return nil }
        let ys = usable.map(\.estimate.rate)
        let ws = usable.map { point -> Double in
            let m = Double(point.estimate.trials)
            let p = (Double(point.estimate.errors) + 1) / (m + 2)
            return m / (p * (1 - p))
        }
        var best: Fit?
        for step in 1...40 {
            let c = Double(step) * 0.05
            let xs = usable.map { pow(Double($0.trainingSize), -c) }
            var (a, b) = weightedLine(xs, ys, ws)
            if b < 0 {
                b = 0
                a = zip(ys, ws).map(*).reduce(0, +) / ws.reduce(0, +)
            }
            if a < 0 {
                a = 0
                let sxx = zip(xs, ws).map { $0 * $0 * $1 }.reduce(0, +)
                b = max(0, zip(zip(xs, ys), ws).map { $0.0 * $0.1 * $1 }.reduce(0, +) / sxx)
            }
            let residual = (0..<xs.count).map { ws[$0] * pow(ys[$0] - (a + b * xs[$0]), 2) }.reduce(0, +)
            let chi = residual / Double(max(1, xs.count - 3))
            if best == nil || chi < best!.reducedChiSquare { best = Fit(a: a, b: b, c: c, reducedChiSquare: chi) }
        }
        return best
    }

    private static func weightedLine(_ xs: [Double], _ ys: [Double], _ ws: [Double]) -> (a: Double, b: Double) {
        let sw = ws.reduce(0, +)
        let mx = zip(xs, ws).map(*).reduce(0, +) / sw
        let my = zip(ys, ws).map(*).reduce(0, +) / sw
        var sxy = 0.0, sxx = 0.0
        for i in xs.indices {
            sxy += ws[i] * (xs[i] - mx) * (ys[i] - my)
            sxx += ws[i] * (xs[i] - mx) * (xs[i] - mx)
        }
        let b = sxx > 0 ? sxy / sxx : 0
        return (my - b * mx, b)
    }
}

import Foundation
