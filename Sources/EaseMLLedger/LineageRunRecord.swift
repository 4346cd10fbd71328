/// One engine run of the Ease.ML process, as the lineage records it (schema version 7).
public struct LineageRunRecord: Sendable, Hashable, Codable {
    /// One input or output file: where it was, what it is for, and its content hash then.
    public struct Artifact: Sendable, Hashable, Codable {
        /// The path as given (relative to the repository root when inside it).
        public var path: String
        /// What the file is to the run (`training`, `validation`, `pool`, `production`, `predictions`,
        /// `report`, …).
        public var role: String
        /// `sha256:<hex>` of the content when the run happened.
        public var hash: String

        public init(path: String, role: String, hash: String) {
            self.path = path
            self.role = role
            self.hash = hash
        }
    }

    /// The order of recording, from 1.
    public var id: Int64
    /// The process step (`feasibility`, `value`, `acquire`, `clean`, `improve`, `automl`, `pick`, `check`).
    public var step: String
    /// The command line's subcommand and the options that matter, for people (`feasibility --target 0.85`).
    public var command: String
    public var inputs: [Artifact]
    public var outputs: [Artifact]
    /// What the run decided, in one line a person can read (`feasible: yes (estimate 0.91 ≥ 0.85)`).
    public var decision: String
    /// When, ISO 8601 UTC.
    public var recordedAt: String

    public init(id: Int64, step: String, command: String, inputs: [Artifact], outputs: [Artifact], decision: String, recordedAt: String) {
        self.id = id
        self.step = step
        self.command = command
        self.inputs = inputs
        self.outputs = outputs
        self.decision = decision
        self.recordedAt = recordedAt
    }
}
