import ArgumentParser
import EaseMLCI

/// The gate's settings given on the command line, over the configuration's.
struct GateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The condition (e.g. 'n - o > 0.02 +/- 0.01'). Without --config, no file is read and defaults apply.", valueName: "text"))
    var condition: String?

    @Option(name: .long, help: "1 − δ over the whole life of one test set, in (0, 1) (default 0.999 without a file).")
    var reliability: Double?

    @Option(name: .long, help: "fp-free (Unknown fails) or fn-free (Unknown passes) (default fp-free).")
    var mode: String?

    @Option(name: .long, help: "none, full, firstChange (hybrid) sparse:B (every verdict shown, the B-th pass retires the set) or 'ladder:η floor:F' (a pass also needs accuracy η above the best accepted model) (default full).")
    var adaptivity: String?

    @Option(name: .long, help: "H: evaluations one test set supports (default 1 without a file).")
    var steps: Int?

    @Option(name: .long, help: ArgumentHelp("Assume P(models disagree) ≤ p, in (0, 1] (printed as an assumption).", valueName: "p"))
    var varianceBound: Double?

    @Option(name: .long, help: ArgumentHelp(
        "For `n - o` without a `d` clause: the share of examples on which you expect the new model and the baseline to differ in correctness, in (0, 1]. Sizes the test set only; verdicts keep their guarantee at any rate.",
        valueName: "p"))
    var expectedDisagreement: Double?

    /// True when no setting is given.
    var isEmpty: Bool { condition == nil && reliability == nil && mode == nil && adaptivity == nil && steps == nil && varianceBound == nil && expectedDisagreement == nil }

    func overrides() throws(EaseMLCIError) -> GateOverrides {
        try GateOverrides(
            condition: condition, reliability: reliability, mode: mode, adaptivity: adaptivity, steps: steps, varianceBound: varianceBound,
            expectedDisagreement: expectedDisagreement)
    }

    /// Whether `.easeml.yml` is read: not when the condition is given without `--config`.
    func configurationUse(_ config: ConfigOption) -> Workspace.ConfigurationUse {
        condition != nil && config.config == nil ? .ignored : .required
    }
}
