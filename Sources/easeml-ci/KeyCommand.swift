import ArgumentParser
import EaseMLCI
import Foundation

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage the owner's sealing key.",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Create a new random 256-bit key (base64) and write it to a file readable only by you.",
            discussion: "The key itself is never printed, not even under --json.\n\n\(ExitStatus.helpText)")
        @Option(name: .long, help: ArgumentHelp("Where to write the key.", valueName: "file")) var output: String
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            try SealingKey.writeNewKey(to: output)
            let report = ActionReport(
                action: "key generate",
                messages: ["Wrote a new key to \(output). Keep it away from developers; use it with EASEML_KEY_FILE=\(output)."], paths: [output])
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}
