import Foundation

/// What `easeml-ci predict --output FILE` writes beside the predictions, as `FILE.easeml.json`:
/// the commit and the test set they were made for, their SHA-256, and the sandbox the script ran
/// in. `check --commit REV --predictions FILE` scores them only when the manifest names that
/// commit and the test set in use and the file is the one it describes (else exit 2).
///
/// The manifest is not signed: the prediction job holds no key. It binds predictions to a commit
/// and a set against mix-ups (another pull request's artifact, a set registered since, an edited
/// file); what a hostile prediction job writes into it is only ever compared, never trusted — the
/// sandbox it reports is recorded as reported.
public struct PredictionsManifest: Sendable, Codable, Equatable {
    public static let formatName = "easeml-ci predictions 1"

    public var format: String
    /// The commit's full id.
    public var commit: String
    /// The test set's full id.
    public var testSet: String
    /// False when the commit changes no registered model path nor `.easeml.yml`: no script ran and
    /// the predictions file is empty (`check` passes such a commit with no charge).
    public var candidate: Bool
    public var predictionsSHA256: String
    public var predictionsBytes: Int
    /// What was in force while the script ran (none when it did not run).
    public var sandbox: Protections?
    /// True when the owner ran `predict --trusted-script` where a key was reachable.
    public var trustedScript: Bool
    public var easemlCIVersion: String

    public init(commit: String, testSet: String, candidate: Bool, predictions: Data, sandbox: Protections?, trustedScript: Bool) {
        format = Self.formatName
        self.commit = commit
        self.testSet = testSet
        self.candidate = candidate
        predictionsSHA256 = ContentHash.ofData(predictions)
        predictionsBytes = predictions.count
        self.sandbox = sandbox
        self.trustedScript = trustedScript
        easemlCIVersion = EaseMLCIVersion.current
    }

    /// The manifest's path for the predictions file `predictions`.
    public static func path(for predictions: String) -> String { predictions + ".easeml.json" }

    /// The manifest beside `predictions`, checked against the commit being judged and the test set
    /// in use, and against the file's bytes; any difference is a `predictionsMismatch` (exit 2).
    public static func verify(predictions: String, commit: String, testSetID: String) throws(EaseMLCIError) -> PredictionsManifest {
        let path = Self.path(for: predictions)
        // An artifact is data: a link in it could make this job read one of its own files.
        for file in [predictions, path] where (try? FileManager.default.destinationOfSymbolicLink(atPath: file)) != nil {
            throw .predictionsMismatch(file: file, message: "\(file) is a symbolic link: the scoring job reads predictions only from plain files")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .predictionsMismatch(
                file: path,
                message: "no manifest \(path) beside the predictions: `check --commit` scores the predictions `easeml-ci predict --commit REV --output FILE` wrote, with their FILE.easeml.json")
        }
        guard let manifest = try? JSONDecoder().decode(Self.self, from: data), manifest.format == formatName else {
            throw .predictionsMismatch(file: path, message: "\(path) is not an easeml-ci predictions manifest (\(formatName))")
        }
        guard manifest.commit == commit else {
            throw .predictionsMismatch(
                file: path,
                message: "the predictions in \(predictions) were made for \(shown(manifest.commit, as: "commit")), not for commit \(commit.prefix(12)): score the artifact of this commit's prediction job, or run `easeml-ci predict --commit \(commit.prefix(12))`")
        }
        guard manifest.testSet == testSetID else {
            throw .predictionsMismatch(
                file: path,
                message: "the predictions in \(predictions) were made for \(shown(manifest.testSet, as: "test set")), but the test set in use is \(testSetID.prefix(12)) (the owner registered or retired a set since): run `easeml-ci predict` again")
        }
        guard try ContentHash.ofFile(predictions) == manifest.predictionsSHA256 else {
            throw .predictionsMismatch(
                file: path,
                message: "\(predictions) is not the file `easeml-ci predict` wrote: its SHA-256 differs from the manifest's (edited or replaced after the prediction job)")
        }
        return manifest
    }

    /// An id read from the manifest, shown only when it is plain lower-case hex: the prediction job
    /// wrote it, and nothing it writes reaches a message verbatim.
    static func shown(_ id: String, as kind: String) -> String {
        let hex = !id.isEmpty && id.count <= 64 && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        return hex ? "\(kind) \(id.prefix(12))" : "a malformed \(kind) id"
    }
}

/// Where the new model's predictions came from, as `check --json` records it with the outcome.
public struct PredictionsProvenance: Sendable, Codable, Equatable {
    /// `script`: the script ran here, under `sandbox`. `predict`: `easeml-ci predict` made the file;
    /// its manifest was verified, and `sandbox` is what the manifest reports (the prediction job
    /// wrote it; it is recorded, not trusted).
    public var source: String
    public var manifest: String?
    public var predictionsSHA256: String?
    public var sandbox: Protections?

    public init(source: String, manifest: String? = nil, predictionsSHA256: String? = nil, sandbox: Protections?) {
        self.source = source
        self.manifest = manifest
        self.predictionsSHA256 = predictionsSHA256
        self.sandbox = sandbox
    }
}
