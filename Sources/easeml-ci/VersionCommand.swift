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
        let report = VersionReport.current
        print(json ? ReportJSON.text(report) : report.text)
    }
}
