import EaseMLCore

/// Settings given on the command line (`--condition`, `--reliability`, …) on top of the
/// configuration's. Each value is checked when the overrides are made, so a bad flag is a usage
/// error before anything is read.
public struct GateOverrides: Sendable, Hashable {
    public var condition: Condition?
    public var reliability: Double?
    public var mode: DecisionMode?
    public var adaptivity: Adaptivity?
    public var steps: Int?
    public var varianceBound: Double?
    public var expectedDisagreement: Double?

    public init() {}

    /// Parses and checks the flags' texts; `nil` means not given.
    public init(
        condition: String?, reliability: Double?, mode: String?, adaptivity: String?, steps: Int?, varianceBound: Double?,
        expectedDisagreement: Double? = nil
    ) throws(EaseMLCIError) {
        if let condition { self.condition = try ConfigurationFile.parseCondition(condition) }
        if let reliability {
            guard reliability > 0, reliability < 1 else {
                throw .invalidOption(option: "--reliability", message: "must be in the open interval (0, 1), got \(reliability)")
            }
            self.reliability = reliability
        }
        if let mode {
            guard let value = DecisionMode(rawValue: mode) else {
                throw .invalidOption(option: "--mode", message: "expected fp-free or fn-free, got '\(mode)'")
            }
            self.mode = value
        }
        if let adaptivity { self.adaptivity = try Self.adaptivity(adaptivity) }
        if let steps {
            guard steps >= 1 else { throw .invalidOption(option: "--steps", message: "must be at least 1, got \(steps)") }
            self.steps = steps
        }
        if let varianceBound {
            guard varianceBound > 0, varianceBound <= 1 else {
                throw .invalidOption(option: "--variance-bound", message: "must be in (0, 1], got \(varianceBound)")
            }
            self.varianceBound = varianceBound
        }
        if let expectedDisagreement {
            guard expectedDisagreement > 0, expectedDisagreement <= 1 else {
                throw .invalidOption(option: "--expected-disagreement", message: "must be in (0, 1], got \(expectedDisagreement)")
            }
            self.expectedDisagreement = expectedDisagreement
        }
    }

    /// `none`, `full`, `firstChange` or its synonym `hybrid`, or `sparse:B`.
    public static func adaptivity(_ text: String) throws(EaseMLCIError) -> Adaptivity {
        guard let value = Adaptivity(rawValue: text == "hybrid" ? "firstChange" : text) else {
            throw .invalidOption(option: "--adaptivity", message: "expected none, full, firstChange (hybrid) sparse:B (B from 1 to 1,000,000) or 'ladder:η floor:F', got '\(text)'")
        }
        return value
    }

    /// True when no flag was given.
    public var isEmpty: Bool { self == GateOverrides() }

    func apply(to settings: inout GateSettings) {
        if let condition { settings.condition = condition }
        if let reliability { settings.reliability = reliability }
        if let mode { settings.mode = mode }
        if let adaptivity { settings.adaptivity = adaptivity }
        if let steps { settings.steps = steps }
        if let varianceBound { settings.assumedVarianceBound = varianceBound }
        if let expectedDisagreement { settings.expectedDisagreement = expectedDisagreement }
    }
}
