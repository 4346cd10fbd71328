import ArgumentParser
import EaseMLCI

@main
struct EaseMLCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "easeml-ci",
        abstract: "A statistically rigorous continuous-integration gate for machine-learning models.",
        subcommands: []
    )
}
