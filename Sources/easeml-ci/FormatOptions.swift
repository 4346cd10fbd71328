import ArgumentParser
import EaseMLCI

/// `--format table|csv|json` of the commands that print a table, and `--json`, the same as
/// `--format json` (every command takes `--json`).
struct FormatOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Option(name: .long, help: "table, csv or json.")
    var format: Format = .table

    @Flag(name: .long, help: "Print machine-readable JSON (the same as --format json).")
    var json = false

    var chosen: Format { json ? .json : format }

    func validate() throws {
        if json && format == .csv { throw ValidationError("--json and --format csv ask for different outputs; give one") }
    }
}

extension DistanceMetric: ExpressibleByArgument {}
extension FeatureScaling: ExpressibleByArgument {}
