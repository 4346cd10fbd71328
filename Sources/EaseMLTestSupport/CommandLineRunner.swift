import Foundation

/// Runs the built `easeml-ci` executable as a real subprocess.
public struct CommandLineRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The `easeml-ci` binary next to the test bundle in the build folder (where `swift build`
    /// puts it); `run` and `start` throw `MissingExecutable` when it is not there.
    public static let executable: URL = {
        let start = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var directory = start
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("easeml-ci")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return start.appendingPathComponent("easeml-ci")
    }()

    /// The `easeml-ci` binary is not built where the tests look for it.
    public struct MissingExecutable: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "easeml-ci executable not found at \(path) (nor up to 3 folders above): run `swift build` first" }
    }

    /// Runs `easeml-ci arguments…` in `directory` and waits for it.
    public static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment)
        return process.finish()
    }

    /// A started process whose output is being collected.
    public struct Running {
        public var process: Process
        public var out: Pipe
        public var err: Pipe

        public func finish() -> Result {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// Starts `easeml-ci arguments…` without waiting for it.
    public static func start(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Running {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else { throw MissingExecutable(path: executable.path) }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "EASEML_KEY")
        merged.removeValue(forKey: "EASEML_KEY_FILE")
        merged.merge(environment) { $1 }
        process.environment = merged
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        // Never the test runner's own input: a command that reads standard input (the pre-push
        // hook) sees an empty one.
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// A fresh temporary folder, removed by the caller.
    public static func temporaryDirectory() throws -> URL {
        try TemporaryDirectory.make(prefix: "easeml-ci-test")
    }
}
