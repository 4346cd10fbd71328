import EaseMLCore

/// A measured 1-nearest-neighbour error rate: `errors` misclassified out of `trials` queries, with an
/// exact two-sided 95 % Clopper–Pearson interval (2.5 % each side).
///
/// For leave-one-out the trials are not independent, so the interval is a guide rather than a
/// guarantee; for a held-out split (queries disjoint from the references) it is exact, conditional on
/// the references.
public struct NearestNeighborErrorEstimate: Sendable, Hashable, Codable {
    /// How the queries and references were chosen.
    public enum Method: String, Sendable, Hashable, Codable {
        /// Every example queried against all the others.
        case leaveOneOut = "leave-one-out"
        /// Test examples queried against disjoint training examples.
        case heldOut = "held-out"
    }

    public var method: Method
    /// Examples the queries were matched against (training size; n − 1 for leave-one-out).
    public var references: Int
    /// Queries whose nearest neighbour has a different label.
    public var errors: Int
    /// Queries made.
    public var trials: Int

    public init(method: Method, references: Int, errors: Int, trials: Int) {
        precondition(trials > 0 && errors >= 0 && errors <= trials, "need 0 ≤ errors ≤ trials, trials > 0")
        self.method = method
        self.references = references
        self.errors = errors
        self.trials = trials
    }

    /// errors / trials.
    public var rate: Double { Double(errors) / Double(trials) }
    /// The lower end of the 95 % interval on the error rate.
    public var lower: Double { ClopperPearson.lowerBound(successes: errors, trials: trials, logAlpha: Self.logSideAlpha) }
    /// The upper end of the 95 % interval on the error rate.
    public var upper: Double { ClopperPearson.upperBound(successes: errors, trials: trials, logAlpha: Self.logSideAlpha) }

    private enum CodingKeys: String, CodingKey { case method, references, errors, trials, rate, lower, upper }

    /// Encodes the counts and, for readers, the rate and its interval (ignored when decoding).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
        try container.encode(references, forKey: .references)
        try container.encode(errors, forKey: .errors)
        try container.encode(trials, forKey: .trials)
        try container.encode(rate, forKey: .rate)
        try container.encode(lower, forKey: .lower)
        try container.encode(upper, forKey: .upper)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            method: try container.decode(Method.self, forKey: .method), references: try container.decode(Int.self, forKey: .references),
            errors: try container.decode(Int.self, forKey: .errors), trials: try container.decode(Int.self, forKey: .trials))
    }

    /// ln 0.025, the error probability of each side of the interval.
    static let logSideAlpha = -3.6888794541139363

    /// Leave-one-out 1-NN error of `data` (at least two examples).
    public static func leaveOneOut(
        _ data: LabeledMatrix, metric: DistanceMetric, progress: ((Int, Int) -> Void)? = nil
    ) -> NearestNeighborErrorEstimate {
        let neighbours = NearestNeighborSearch.leaveOneOut(data.features, metric: metric, progress: progress)
        var errors = 0
        for (i, neighbour) in neighbours.enumerated() where data.labels[neighbour.index] != data.labels[i] { errors += 1 }
        return NearestNeighborErrorEstimate(method: .leaveOneOut, references: data.features.rows - 1, errors: errors, trials: data.features.rows)
    }

    /// 1-NN error of `test` classified by its nearest example among the first `prefix` examples
    /// of `training`, for every size in `prefixes` (ascending), in one search.
    public static func heldOut(
        training: LabeledMatrix, test: LabeledMatrix, prefixes: [Int], metric: DistanceMetric, progress: ((Int, Int) -> Void)? = nil
    ) -> [NearestNeighborErrorEstimate] {
        let found = NearestNeighborSearch(references: training.features, metric: metric)
            .nearest(to: test.features, inPrefixes: prefixes, progress: progress)
        return zip(prefixes, found).map { prefix, neighbours in
            var errors = 0
            for (i, neighbour) in neighbours.enumerated() where training.labels[neighbour.index] != test.labels[i] { errors += 1 }
            return NearestNeighborErrorEstimate(method: .heldOut, references: prefix, errors: errors, trials: test.features.rows)
        }
    }

    /// 1-NN error of `test` classified by its nearest example in `training` (the whole of it).
    public static func heldOut(
        training: LabeledMatrix, test: LabeledMatrix, metric: DistanceMetric, progress: ((Int, Int) -> Void)? = nil
    ) -> NearestNeighborErrorEstimate {
        heldOut(training: training, test: test, prefixes: [training.features.rows], metric: metric, progress: progress)[0]
    }
}
