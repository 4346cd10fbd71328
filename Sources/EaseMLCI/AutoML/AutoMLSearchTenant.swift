import Crypto
import EaseMLCore
import EaseMLLedger
import Foundation

/// One tenant of `AutoMLSearchLoop`: its run in the ledger, its arms, its data and trial limits.
/// `automl run` has one (this repository's `automl:` section); `automl serve` one per tenant of its
/// file.
struct AutoMLSearchTenant: Sendable {
    /// One arm as searched: its command with relative program paths resolved.
    struct Arm: Sendable, Equatable {
        var key: String
        var candidate: String
        var parameters: [AutoMLArm.Parameter]
        var command: [String]

        /// `arm` with a relative program path (`./trial.sh`, `scripts/t.sh`) resolved against
        /// `base`; a bare name is left to PATH.
        init(_ arm: AutoMLArm, base: String) {
            key = arm.key
            candidate = arm.candidate
            parameters = arm.parameters
            command = AutoMLSearchTenant.resolveProgram(arm.command, base: base)
        }

        /// An arm as a run stored it (its command already resolved).
        init(_ stored: AutoMLArmRecord) {
            key = stored.key
            candidate = stored.candidate
            let values = (try? JSONSerialization.jsonObject(with: Data(stored.parameters.utf8))) as? [String: String] ?? [:]
            parameters = values.keys.sorted().map { AutoMLArm.Parameter(name: $0, value: values[$0] ?? "") }
            command = (try? JSONSerialization.jsonObject(with: Data(stored.command.utf8))) as? [String] ?? []
        }

        var parameterValues: [String: String] { Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a }) }

        /// The arm as a run stores it, with `command` (default: the resolved one; `automl run`
        /// stores the configuration's words, which a proposal commits as they were written).
        func record(position: Int, command stored: [String]? = nil) -> AutoMLArmRecord {
            AutoMLArmRecord(
                position: position, key: key, candidate: candidate, parameters: CanonicalJSON.encode(.object(parameterValues.mapValues { .string($0) })),
                command: CanonicalJSON.encode(.array((stored ?? command).map { .string($0) })))
        }
    }

    var name: String
    /// Absolute paths.
    var train: String
    var valid: String
    var metric: String
    var timeoutSeconds: Double?
    var memoryMiB: Int?
    var arms: [Arm]
    /// Where its trials run.
    var backend: AutoMLBackend
    /// The command of its long-lived trial worker (`worker:`), or nil for a process per trial.
    var worker: [String]? = nil
    /// The start of its report lines: `automl: ` (`automl run`) or `automl serve: <name>: `.
    var label: String
    /// Its run in the ledger (its trials' names derive from it); set once the run exists.
    var record: AutoMLRunRecord?

    var run: String { record?.id ?? "" }

    /// The trial of `arm` with ledger id `trial`, ready for its executor; its folder is
    /// `<outputRoot>/<run>/arm-<position>`.
    func makeTrial(trial: Int64, arm: Int, outputRoot: String, seed: UInt64) -> AutoMLTrial {
        let chosen = arms[arm]
        return AutoMLTrial(
            name: record.map { Self.trialName($0, trial: trial) } ?? "easeml-\(run)-\(trial)", template: chosen.command, trainPath: train,
            validPath: valid, outDirectory: outputRoot + "/" + run + "/arm-\(arm)", seed: seed, parameters: chosen.parameterValues,
            timeoutSeconds: timeoutSeconds, memoryMiB: memoryMiB, worker: worker)
    }

    /// `command` with a relative program path resolved against `base`, as for an arm.
    static func resolveProgram(_ command: [String], base: String) -> [String] {
        let program = command.first ?? ""
        return program.contains("/") && !program.hasPrefix("/") ? [base + "/" + program] + command.dropFirst() : command
    }

    /// `easeml-<10 hex digits>-<run>-<trial>`: the hex digits hash the tenant, the run's id and its
    /// creation time, so names differ across repositories and ledgers sharing one cluster.
    static func trialName(_ run: AutoMLRunRecord, trial: Int64) -> String {
        let digest = SHA256.hash(data: Data("\(run.tenant)\n\(run.id)\n\(run.createdAt)".utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
        let runPart = String(run.id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
        return "easeml-\(digest)-\(runPart)-\(trial)"
    }
}
