import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A folder for an `automl run`: an executable script (`trial.sh` unless named), small `train.csv`
/// and `valid.csv`, and `.easeml.yml` with a gate condition and the given `automl:` section body.
public enum AutoMLWorkspace {
    public static func make(script: String, named scriptName: String = "trial.sh", automl: String) throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let trial = folder.appendingPathComponent(scriptName)
        try Data(script.utf8).write(to: trial)
        chmod(trial.path, 0o755)
        try Data("x,label\n1,a\n".utf8).write(to: folder.appendingPathComponent("train.csv"))
        try Data("x,label\n2,b\n".utf8).write(to: folder.appendingPathComponent("valid.csv"))
        let indented = automl.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        try Data("condition: n > 0.8 +/- 0.05\nreliability: 0.99\nautoml:\n\(indented)\n".utf8).write(to: folder.appendingPathComponent(".easeml.yml"))
        return folder
    }
}
