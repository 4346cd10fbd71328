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
        @OptionGroup var storage: LedgerOptions

        func run() throws {
            try reportingErrors {
                let report = try PreCommitCheck(ledgerPath: storage.ledger).run(in: FileManager.default.currentDirectoryPath)
                for error in report.errors { FileHandle.standardError.write(Data("easeml-ci: \(error)\n".utf8)) }
                for warning in report.warnings { FileHandle.standardError.write(Data("easeml-ci: warning: \(warning)\n".utf8)) }
                if report.blocked { throw ExitCode(ExitStatus.failure.rawValue) }
            }
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

        func run() throws {
            try reportingErrors {
                var input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                // The pre-commit framework passes the range in variables instead of standard input.
                let environment = ProcessInfo.processInfo.environment
                if input.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                    let to = environment["PRE_COMMIT_TO_REF"], let from = environment["PRE_COMMIT_FROM_REF"]
                {
                    input = "HEAD \(to) HEAD \(from)\n"
                }
                let report = try PrePushCheck(ledgerPath: storage.ledger)
                    .run(in: FileManager.default.currentDirectoryPath, updates: input, key: try storage.key())
                for outcome in report.checked {
                    let line = outcome.gate.map(CheckSummary.line) ?? "PASS  no model change"
                    FileHandle.standardError.write(Data("easeml-ci: \(outcome.commit.prefix(7)) \(line)\n".utf8))
                }
                for (commit, verdict) in report.alreadyJudged.sorted(by: { $0.key < $1.key }) {
                    FileHandle.standardError.write(Data("easeml-ci: \(commit.prefix(7)) \(verdict.uppercased()) (already judged)\n".utf8))
                }
                if report.blocked {
                    FileHandle.standardError.write(Data("easeml-ci: push blocked: a model commit does not pass the gate\n".utf8))
                    throw ExitCode(ExitStatus.failure.rawValue)
                }
            }
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
            abstract: "Install the pre-commit and pre-push hooks (respects core.hooksPath; existing hooks are chained, not overwritten).")

        func run() throws {
            try reportingErrors {
                let executable = URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/")).standardizedFileURL.path
                let report = try HookInstaller(executable: executable).install(in: FileManager.default.currentDirectoryPath)
                for path in report.installed { print("installed \(path)") }
                for (name, path) in report.chained.sorted(by: { $0.key < $1.key }) {
                    print("kept the existing \(name) hook as \(path); it runs first")
                }
            }
        }
    }
}
