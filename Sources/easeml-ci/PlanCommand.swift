import ArgumentParser
import EaseMLCI
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compute how many test examples and labels a condition needs.",
        discussion: """
            For every method (the paper's Hoeffding baseline, Bennett's Pattern 1, Chernoff–KL and \
            the exact binomial/trinomial tests) prints the test-set size N and the labels needed, \
            per clause and overall, and marks the tightest one with ▶. All methods give the same \
            guarantee: over the whole life of one test set, every verdict is right outside the \
            tolerance zone with probability at least the reliability. Inside a git repository a \
            solved plan is kept in .git/easeml/plan-cache and answered from there when the same \
            question is asked again by the same binary.

            Examples:
              easeml-ci plan
              easeml-ci plan --condition 'n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01' \\
                             --reliability 0.999 --steps 32 --adaptivity full --compare
              easeml-ci plan --test-size 20000 --json

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var configuration: ConfigOption
    @OptionGroup var settings: GateOptions

    @Option(name: .long, help: ArgumentHelp("Also say how many steps a test set of this many examples supports.", valueName: "N"))
    var testSize: Int?

    @Flag(name: .long, help: "Print our N beside the original ease.ml/ci formula for the same input.")
    var compare = false

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    @Flag(name: .long, help: "Compute afresh: neither read nor write the plan cache (.git/easeml/plan-cache, keyed by the question and the binary).")
    var noCache = false

    func run() throws {
        let workspace = try Workspace.current(Workspace.Options(configPath: configuration.config), configuration: settings.configurationUse(configuration))
        let report = try PlanReport.make(
            try workspace.gateSettings(try settings.overrides()), testSize: testSize,
            cache: noCache ? nil : PlanReport.cache(from: workspace.directory))
        print(json ? report.json() : report.text(compare: compare))
    }
}
