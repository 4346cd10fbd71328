import ArgumentParser
import EaseMLCI

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version of easeml-ci and of the libraries it is linked against."
    )

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        let libraries = LinkedLibraries.current
        if json {
            print(#"{"easeml_ci":"\#(EaseMLCIVersion.current)","libgit2":"\#(libraries.libgit2)","sqlite":"\#(libraries.sqlite)"}"#)
        } else {
            print("easeml-ci \(EaseMLCIVersion.current)\nlibgit2 \(libraries.libgit2)\nSQLite \(libraries.sqlite)")
        }
    }
}
