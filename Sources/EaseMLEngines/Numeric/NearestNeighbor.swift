/// The nearest reference row found for one query row.
public struct NearestNeighbor: Sendable, Hashable, Codable {
    /// The reference row's index; among rows at exactly the same distance, the lowest index.
    public var index: Int
    /// The distance under the search's metric (Euclidean: unsquared), recomputed directly from the rows.
    public var distance: Double

    public init(index: Int, distance: Double) {
        self.index = index
        self.distance = distance
    }
}
