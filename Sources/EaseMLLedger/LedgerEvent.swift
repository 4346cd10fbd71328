/// One entry of the hash-chained event log. Payloads hold only ids, hashes, verdicts and steps:
/// never labels, predictions or metrics.
public struct LedgerEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, CaseIterable {
        case register, charge, replay, accept, retire, release
        /// ModelPicker sessions (schema version 2): created, stream advanced, labels received,
        /// model chosen. Payloads hold the session name, counts and SHA-256 digests, never labels.
        case pickStart = "pick-start", pickAdvance = "pick-advance", pickLabel = "pick-label", pickChoose = "pick-choose"
        /// AutoML searches (schema version 3): run started, trial started, trial ended, running
        /// trials re-queued on resume, run finished, best arm proposed. Payloads hold run ids, arm
        /// keys, trial ids and states, never scores.
        case automlStart = "automl-start", automlTrialStart = "automl-trial-start", automlTrialEnd = "automl-trial-end"
        case automlRequeue = "automl-requeue", automlFinish = "automl-finish", automlPropose = "automl-propose"
        /// Cleaning sessions and improvement loops (schema version 4): session started, cleaned
        /// rows recorded, round opened (arm and batch), round applied (answers and outcome).
        /// Payloads hold the session id, round numbers, counts and SHA-256 digests, never values or labels.
        case cleanStart = "clean-start", cleanRows = "clean-rows", improveOpen = "improve-open", improveApply = "improve-apply"
        /// Arms added to a running search (`automl serve`: a candidate joined the shared zoo).
        case automlArms = "automl-arms"
        /// The owner recorded a new question for a test set (schema version 5).
        case amend
        /// The owner set a baseline model (schema version 5).
        case baseline
        /// The rows that existed when the file was migrated to schema version 5, vouched for at once.
        case adopt
        /// An engine run of the process recorded in the lineage (schema version 7).
        case lineage

        /// Whether only the owner's key may write it: every event that decides what the gate says.
        public var needsKey: Bool {
            switch self {
            case .register, .charge, .replay, .accept, .retire, .release, .amend, .baseline: true
            default: false
            }
        }
    }

    /// Position in the log, from 1, without gaps.
    public var seq: Int64
    /// When, as stored (ISO 8601 UTC); hashed as this exact text.
    public var at: String
    /// The kind as stored (a `Kind` raw value in files written by this code).
    public var kind: String
    /// Canonical JSON (sorted keys, no whitespace).
    public var payload: String
    public var prevHash: String
    public var hash: String
    /// HMAC of `hash` under the owner's chain key (`LedgerKey`); '' when written without it.
    public var mac: String

    /// The hash this event should have, given its `prevHash`.
    public var expectedHash: String {
        EventChain.hash(prevHash: prevHash, seq: seq, at: at, kind: kind, payload: payload)
    }
}
