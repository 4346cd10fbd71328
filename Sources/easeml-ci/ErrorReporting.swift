import ArgumentParser
import EaseMLCI
import Foundation

/// Runs `body`; an `EaseMLCIError` is printed once to standard error and becomes its exit code.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as EaseMLCIError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(error.exitStatus.rawValue)
    }
}
