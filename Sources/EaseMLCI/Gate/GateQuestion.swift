import Crypto
import EaseMLCore
import EaseMLLedger
import Foundation

/// The whole question a test set answers, as the integration owner registered it: the condition,
/// the reliability, the mode, the adaptivity, the steps, the variance bound and the model paths.
///
/// The gate decides every check with the registered question, never with the one a commit or a
/// command line states (DESIGN §1): a `.easeml.yml` that states another question is refused with
/// the key that differs, and only the owner can record a new one (`testset amend`). The digest is
/// part of every evaluation's replay key.
public struct GateQuestion: Sendable, Hashable {
    public var condition: Condition
    public var reliability: Double
    public var mode: DecisionMode
    public var adaptivity: Adaptivity
    public var steps: Int
    public var varianceBound: Double?
    /// The model path globs (sorted; their order means nothing).
    public var models: [String]
    /// What a FAIL tells the developer.
    public var reveal: RevealLevel

    public init(settings: GateSettings, models: [String]) {
        condition = settings.condition
        reliability = settings.reliability
        mode = settings.mode
        adaptivity = settings.adaptivity
        steps = settings.steps
        varianceBound = settings.assumedVarianceBound
        self.models = Array(Set(models)).sorted()
        reveal = settings.reveal
    }

    /// The question a configuration states.
    public init(_ config: EaseMLConfig) {
        self.init(settings: GateSettings(config), models: config.modelPaths)
    }

    /// The settings the decision rule uses.
    public var settings: GateSettings { settings(expectedDisagreement: nil) }

    /// The settings, with the disagreement rate a plan assumes for `n - o` without a `d` clause:
    /// it sizes sets (registration, amendment, `status --modes`) and is no part of the question,
    /// which `check` decides without it.
    public func settings(expectedDisagreement: Double?) -> GateSettings {
        var settings = GateSettings(
            condition: condition, reliability: reliability, mode: mode, adaptivity: adaptivity, steps: steps,
            assumedVarianceBound: varianceBound)
        settings.reveal = reveal
        settings.expectedDisagreement = expectedDisagreement
        return settings
    }

    /// Each key as `.easeml.yml` spells it, with its value as text.
    public var fields: [(key: String, value: String)] {
        [
            ("condition", "\(condition)"), ("reliability", Self.number(reliability)), ("mode", mode.rawValue),
            ("adaptivity", adaptivity.rawValue), ("steps", String(steps)),
            ("variance_bound", varianceBound.map(Self.number) ?? "(none)"),
            ("models", models.isEmpty ? "(none)" : models.joined(separator: ", ")), ("reveal", reveal.rawValue),
        ]
    }

    /// The canonical text stored in the ledger: sorted keys, numbers as their shortest exact text.
    public var canonicalText: String {
        var object: [String: CanonicalJSON.Value] = [:]
        for (key, value) in fields { object[key] = .string(value) }
        object["models"] = .array(models.map { .string($0) })
        object["variance_bound"] = varianceBound.map { .string(Self.number($0)) } ?? .null
        object["version"] = .integer(1)
        return CanonicalJSON.encode(object)
    }

    /// SHA-256 of `canonicalText`, in hex.
    public var digest: String {
        SHA256.hash(data: Data(canonicalText.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads a stored question back.
    public init(canonicalText text: String) throws(EaseMLCIError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let condition = object["condition"] as? String, let reliabilityText = object["reliability"] as? String,
            let reliability = Double(reliabilityText), let modeText = object["mode"] as? String, let mode = DecisionMode(rawValue: modeText),
            let adaptivityText = object["adaptivity"] as? String, let adaptivity = Adaptivity(rawValue: adaptivityText),
            let stepsText = object["steps"] as? String, let steps = Int(stepsText), let models = object["models"] as? [String]
        else { throw .ledger(.inconsistent("a registered question is unreadable: \(text)")) }
        var settings = GateSettings(
            condition: try ConfigurationFile.parseCondition(condition), reliability: reliability, mode: mode, adaptivity: adaptivity,
            steps: steps)
        if let bound = object["variance_bound"] as? String { settings.assumedVarianceBound = Double(bound) }
        settings.reveal = (object["reveal"] as? String).flatMap(RevealLevel.init(rawValue:)) ?? .verdict
        self.init(settings: settings, models: models)
    }

    /// The keys whose values differ, with the registered (`self`) and the stated value.
    public func differences(from stated: GateQuestion) -> [(key: String, registered: String, stated: String)] {
        zip(fields, stated.fields).compactMap { registered, other in
            registered.value == other.value ? nil : (registered.key, registered.value, other.value)
        }
    }

    static func number(_ value: Double) -> String { "\(value)" }
}
