/// One AutoML run as stored (schema version 3).
public struct AutoMLRunRecord: Sendable, Equatable {
    public var id: String
    public var createdAt: String
    public var tenant: String
    public var policy: String
    public var seed: UInt64
    public var metric: String
    /// SHA-256 of the search space's canonical text: `--resume` refuses a changed space.
    public var spaceHash: String
    public var budgetTrials: Int?
    public var budgetSeconds: Double?
    /// Wall seconds spent by earlier invocations of `run` (the seconds budget spans resumes).
    public var elapsedSeconds: Double
    /// `running` or `done`.
    public var status: String
}

/// One arm of a run as stored: its key (`knn[k=3]`), candidate, and JSON texts of its parameters
/// (an object) and command (an array).
public struct AutoMLArmRecord: Sendable, Equatable {
    public var position: Int
    public var key: String
    public var candidate: String
    public var parameters: String
    public var command: String

    public init(position: Int, key: String, candidate: String, parameters: String, command: String) {
        self.position = position
        self.key = key
        self.candidate = candidate
        self.parameters = parameters
        self.command = command
    }
}

/// One trial of a run: at most one per arm.
public struct AutoMLTrialRecord: Sendable, Equatable {
    /// The trial states as stored.
    public enum State: String, Sendable, CaseIterable {
        case queued, running, ok, failed
        case timedOut = "timed-out"
        /// Whether the trial has ended (its row is final).
        public var isFinal: Bool { self == .ok || self == .failed || self == .timedOut }
    }

    public var id: Int64
    public var run: String
    public var arm: Int
    public var state: State
    /// How many times it was started (more than 1 only after a crash).
    public var attempts: Int
    public var score: Double?
    public var seconds: Double?
    public var reason: String?
    public var logPath: String?
}

/// What a new run stores.
public struct NewAutoMLRun: Sendable, Equatable {
    public var id: String
    public var tenant: String
    public var policy: String
    public var seed: UInt64
    public var metric: String
    public var spaceHash: String
    public var budgetTrials: Int?
    public var budgetSeconds: Double?
    public var arms: [AutoMLArmRecord]

    public init(
        id: String, tenant: String, policy: String, seed: UInt64, metric: String, spaceHash: String, budgetTrials: Int?, budgetSeconds: Double?,
        arms: [AutoMLArmRecord]
    ) {
        self.id = id
        self.tenant = tenant
        self.policy = policy
        self.seed = seed
        self.metric = metric
        self.spaceHash = spaceHash
        self.budgetTrials = budgetTrials
        self.budgetSeconds = budgetSeconds
        self.arms = arms
    }
}
