import ArgumentParser
import EaseMLCI
import Foundation

/// `easeml-ci hook …`: what the installed git hooks run.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Run a git hook's check (called by the hooks that `easeml-ci hooks install` writes).",
        subcommands: [PreCommit.self, PrePush.self])

    struct PreCommit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-commit",
            abstract: "Fast, keyless check of a staged change: valid .easeml.yml and condition, plan vs registered test set.",
            discussion: "Blocks (exit 1) only on an invalid configuration; prints warnings otherwise.\n\n\(ExitStatus.helpText)")
        @OptionGroup var place: WorkspaceOptions
        @Flag(name: .long, help: "Print the report as JSON on standard output instead of messages on standard error.") var json = false

        func validate() throws {
            if place.configuration.config != nil { throw ValidationError("the pre-commit hook checks the staged .easeml.yml; --config does not apply") }
        }

        func run() throws {
            if try Self.respond(in: try place.workspace(.ignored), json: json) { throw ExitCode(ExitStatus.failure.rawValue) }
        }

        /// Runs the check and prints its report; true when the commit is blocked. The installed
        /// hook's exact command line (`hook pre-commit`, nothing else) comes here straight from
        /// `CommandLineEdge` without ArgumentParser's command tree: it runs on every commit.
        static func respond(in workspace: Workspace, json: Bool) throws(EaseMLCIError) -> Bool {
            let report = try PreCommitCheck().run(in: workspace)
            if json {
                print(ReportJSON.text(report))
            } else {
                for error in report.errors { FileHandle.standardError.write(Data("easeml-ci: \(error)\n".utf8)) }
                for warning in report.warnings { FileHandle.standardError.write(Data("easeml-ci: warning: \(warning)\n".utf8)) }
            }
            return report.blocked
        }
    }

    struct PrePush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pre-push",
            abstract: "The real check of every candidate commit being pushed (reads git's pre-push lines on stdin).",
            discussion: "Blocks the push (exit 1) when a candidate commit fails or the test set refuses.\n\n\(ExitStatus.helpText)")
        @OptionGroup var storage: LedgerOptions
        @Argument(help: "The remote's name (passed by git).") var remote: String?
        @Argument(help: "The remote's URL (passed by git).") var url: String?
        @Flag(name: .long, help: "Print the report as JSON on standard output instead of messages on standard error.") var json = false

        func validate() throws {
            if storage.place.configuration.config != nil { throw ValidationError("the pre-push hook reads each commit's own .easeml.yml; --config does not apply") }
        }

        func run() throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let updates = PrePushCheck.updates(standardInput: input, environment: ProcessInfo.processInfo.environment)
            let report = try PrePushCheck().run(in: try storage.workspace(.ignored), updates: updates)
            if json {
                print(ReportJSON.text(report))
            } else {
                for line in PrePushCheck.lines(report) { FileHandle.standardError.write(Data("easeml-ci: \(line)\n".utf8)) }
            }
            if report.blocked { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }
}

/// `easeml-ci hooks install`.
struct HooksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks",
        abstract: "Install easeml-ci's git hooks.",
        subcommands: [Install.self])

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Install the pre-commit and pre-push hooks (respects core.hooksPath; existing hooks are chained, not overwritten).")
        @Flag(name: .long, help: "Print machine-readable JSON.") var json = false

        func run() throws {
            let report = try HookInstaller(executable: ownExecutablePath()).install(in: FileManager.default.currentDirectoryPath)
            print(json ? ReportJSON.text(report) : report.text)
        }
    }
}

/// This program's absolute path, for the hooks to call it back (the real file, also when it was
/// started through PATH).
func ownExecutablePath() -> String {
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
    return URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/"))
        .standardizedFileURL.path
}
