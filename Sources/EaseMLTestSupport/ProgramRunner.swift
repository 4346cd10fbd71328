import Foundation

extension CommandLineRunner {
    /// Runs any program (a CI template's script, `script(1)`) in `directory` with `easeml-ci` first
    /// on PATH, the test process's environment changed by `environment` (nil removes a variable),
    /// and waits for it.
    public static func runProgram(_ program: URL, _ arguments: [String] = [], in directory: URL, environment: [String: String?] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = program
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment
        merged["PATH"] = executable.deletingLastPathComponent().path + ":" + (merged["PATH"] ?? "/usr/bin:/bin")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }
}
