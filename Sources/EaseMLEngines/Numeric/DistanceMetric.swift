/// How far apart two feature vectors are, for nearest-neighbour search.
public enum DistanceMetric: String, Sendable, Hashable, Codable, CaseIterable {
    /// ‖a − b‖₂ (reported unsquared; the search ranks by the square, which orders the same).
    case euclidean
    /// 1 − a·b / (‖a‖ ‖b‖), in [0, 2]. A zero vector has cosine 0 with everything (distance 1).
    case cosine
}
