import ArgumentParser
import EaseMLCI
import Foundation

/// The one place where a command's outcome becomes output and an exit code (DESIGN §8): errors
/// are rendered once, as text on standard error or, when the command line asks for JSON, as
/// `{"error": {...}}` on standard output; every usage error (unknown flag, missing or invalid
/// value, failed validation) exits 2, like a bad configuration.
enum CommandLineEdge {
    /// Parses and runs `arguments` (without the program name); returns the exit code.
    static func run(_ arguments: [String]) -> Int32 {
        let json = wantsJSON(arguments)
        do {
            if arguments == ["hook", "pre-commit"] {
                // What the installed hook runs on every commit: no flags to parse.
                let blocked = try HookCommand.PreCommit.respond(in: try Workspace.current(Workspace.Options(), configuration: .ignored), json: false)
                return (blocked ? ExitStatus.failure : ExitStatus.success).rawValue
            }
            var command = try parse(arguments)
            try command.run()
            return ExitStatus.success.rawValue
        } catch let error as EaseMLCIError {
            emit(ErrorReport(error), json: json)
            return error.exitStatus.rawValue
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            if EaseMLCICommand.exitCode(for: error) == .success {
                // --help, --version, --experimental-dump-help: ArgumentParser prints them.
                EaseMLCICommand.exit(withError: error)
            }
            let message = EaseMLCICommand.message(for: error)
            var report = ErrorReport.usage(message)
            if !json {
                // The rest of ArgumentParser's text: the usage line and where to find help.
                let full = EaseMLCICommand.fullMessage(for: error)
                if let range = full.range(of: message) {
                    let rest = full[range.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines)
                    if !rest.isEmpty { report.detail = rest }
                }
            }
            emit(report, json: json)
            return report.exitCode
        }
    }

    /// The command `arguments` name. A top-level command without subcommands (`log`, `check`,
    /// `status`, `plan` …) is parsed on its own first: building ArgumentParser's tree of all 60-odd
    /// commands costs a third of a short command's start-up. Only a command line that parses and
    /// validates is taken from that; anything else (`--help`, `--version`, a usage error) is
    /// parsed again from the root, so help, usage lines and error messages are the root's own.
    static func parse(_ arguments: [String]) throws -> ParsableCommand {
        if let name = arguments.first, !name.hasPrefix("-"),
            let leaf = EaseMLCICommand.configuration.subcommands.first(where: { $0.configuration.commandName == name }),
            leaf.configuration.subcommands.isEmpty,
            let command = try? leaf.parseAsRoot(Array(arguments.dropFirst()))
        {
            return command
        }
        return try EaseMLCICommand.parseAsRoot(arguments)
    }

    /// True when the command line asks for JSON: `--json`, or `--format json` where a command
    /// also offers other formats.
    static func wantsJSON(_ arguments: [String]) -> Bool {
        for (index, argument) in arguments.enumerated() {
            if argument == "--" { return false }
            if argument == "--json" || argument == "--format=json" { return true }
            if argument == "--format", index + 1 < arguments.count, arguments[index + 1] == "json" { return true }
        }
        return false
    }

    private static func emit(_ report: ErrorReport, json: Bool) {
        if json {
            FileHandle.standardOutput.write(Data((report.json + "\n").utf8))
        } else {
            FileHandle.standardError.write(Data((report.text + "\n").utf8))
        }
    }
}
