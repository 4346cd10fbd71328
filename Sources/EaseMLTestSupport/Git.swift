import Foundation

/// Runs the `git` command line in `directory` (to build test repositories) and returns its trimmed
/// output; throws `GitCommandError` when git fails.
@discardableResult
public func runGit(_ directory: URL, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw GitCommandError(arguments: arguments) }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

public struct GitCommandError: Error, CustomStringConvertible {
    public var arguments: [String]
    public var description: String { "git \(arguments.joined(separator: " ")) failed" }
}
