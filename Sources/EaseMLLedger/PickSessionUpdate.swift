/// One atomic change to a ModelPicker session (`Ledger.updatePickSession`): any of advancing the
/// stream and the certificate's draws, appending queries, receiving labels, and choosing a model.
///
/// `expected…` is what the caller computed the change from; if another process changed the session
/// meanwhile the update is refused (`.invalidRequest`) and nothing is written, so a change is never
/// applied to a state it was not computed for.
public struct PickSessionUpdate: Sendable, Equatable {
    public var expectedStreamPosition: Int
    public var expectedDraws: Int
    public var expectedLabelCount: Int
    /// New stream position and draw count (≥ the expected ones).
    public var streamPosition: Int
    public var draws: Int
    /// Queries made while advancing, rounds in (expected, new] position.
    public var queries: [PickQueryRecord]
    /// New labels (item, class name), in arrival order; items must not be labeled yet.
    public var labels: [(item: Int, label: String)]
    /// When set, the session stops with this model (`name`, file hash) for this reason.
    public var choice: (model: String, fileHash: String, reason: String)?

    public init(
        expectedStreamPosition: Int, expectedDraws: Int, expectedLabelCount: Int, streamPosition: Int? = nil, draws: Int? = nil,
        queries: [PickQueryRecord] = [], labels: [(item: Int, label: String)] = [], choice: (model: String, fileHash: String, reason: String)? = nil
    ) {
        self.expectedStreamPosition = expectedStreamPosition
        self.expectedDraws = expectedDraws
        self.expectedLabelCount = expectedLabelCount
        self.streamPosition = streamPosition ?? expectedStreamPosition
        self.draws = draws ?? expectedDraws
        self.queries = queries
        self.labels = labels
        self.choice = choice
    }

    public static func == (a: PickSessionUpdate, b: PickSessionUpdate) -> Bool {
        a.expectedStreamPosition == b.expectedStreamPosition && a.expectedDraws == b.expectedDraws
            && a.expectedLabelCount == b.expectedLabelCount && a.streamPosition == b.streamPosition && a.draws == b.draws
            && a.queries == b.queries && a.labels.map(\.item) == b.labels.map(\.item) && a.labels.map(\.label) == b.labels.map(\.label)
            && a.choice?.model == b.choice?.model && a.choice?.fileHash == b.choice?.fileHash && a.choice?.reason == b.choice?.reason
    }
}
