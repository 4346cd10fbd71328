import ArgumentParser
import EaseMLCI
import Foundation

@main
struct EaseMLCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easeml-ci",
        abstract: "A statistically rigorous continuous-integration gate for machine-learning models.",
        discussion: """
            easeml-ci decides whether a new model satisfies a condition such as \
            `n - o > 0.02 +/- 0.01` (new accuracy beats old by 2 points, tolerance 1 point) with a \
            stated reliability, and says how many test examples and labels that needs. \
            The settings live in .easeml.yml (found in the current folder or a parent).

            Every command that prints a result takes --json; under --json an error is printed on \
            standard output as {"error": {"kind", "message", "exitCode", "location"?, "detail"?}}.

            \(ExitStatus.helpText)
            """,
        version: EaseMLCIVersion.current,
        subcommands: [
            InitCommand.self, PlanCommand.self, PredictCommand.self, CheckCommand.self, LogCommand.self, HookCommand.self, HooksCommand.self,
            StatusCommand.self, ReportCommand.self, TestSetCommand.self, BaselineCommand.self, AcceptCommand.self, LedgerCommand.self, KeyCommand.self, PickCommand.self,
            FeasibilityCommand.self, ValueCommand.self, AcquireCommand.self, CleanCommand.self, ImproveCommand.self,
            AutoMLCommand.self, IngestCommand.self, NextCommand.self, LineageCommand.self, DebugCommand.self, VersionCommand.self,
        ]
    )

    static func main() {
        AllocatorTuning.apply()
        Foundation.exit(CommandLineEdge.run(Array(CommandLine.arguments.dropFirst())))
    }
}
