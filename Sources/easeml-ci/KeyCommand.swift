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
            abstract: "Create a new random 256-bit key (base64) and write it to a file readable only by you.")
        @Option(name: .long, help: ArgumentHelp("Where to write the key.", valueName: "file")) var output: String

        func run() throws {
            try reportingErrors {
                guard !FileManager.default.fileExists(atPath: output) else {
                    throw EaseMLCIError.invalidOption(option: "--output", message: "\(output) exists; refusing to overwrite a key")
                }
                let created = FileManager.default.createFile(
                    atPath: output, contents: Data((SealingKey.generateText() + "\n").utf8), attributes: [.posixPermissions: 0o600])
                guard created else { throw EaseMLCIError.unreadableFile(path: output, reason: "cannot create it") }
                print("Wrote a new key to \(output). Keep it away from developers; use it with EASEML_KEY_FILE=\(output).")
            }
        }
    }
}
