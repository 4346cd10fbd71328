import Yams

/// The shared model zoo of `easeml-ci automl serve`: candidates every tenant searches, in the
/// shape of `automl.candidates`. `serve` re-reads the file between scheduling rounds, so adding a
/// candidate gives every tenant new arms.
///
/// ```yaml
/// candidates:
///   - name: rf
///     command: '{python} zoo/rf.py --train {train} --valid {valid} --trees {trees}'
///     grid: {trees: [100, 300]}
/// ```
public enum AutoMLZoo {
    /// The zoo's candidates (command paths as written; relative ones are relative to the file's folder).
    public static func load(contentsOf text: String, file: String?) throws(ConfigError) -> [AutoMLCandidate] {
        try ConfigReader(source: SourceText(text), file: file, parseCondition: { _ in throw NoConditionHere() }).zooCandidates()
    }
}

extension ConfigReader {
    func zooCandidates() throws(ConfigError) -> [AutoMLCandidate] {
        var found: (Node, Node)?
        for (keyNode, value) in try rootMapping("zoo file") {
            let name = try keyName(keyNode)
            guard name == "candidates" else { throw unknownKey(name, at: keyNode, among: ["candidates"], in: "the zoo file") }
            found = (keyNode, value)
        }
        guard let found else { throw error(.missingKey, at: source.location(line: 1, column: 1), "the zoo file needs `candidates:`") }
        return try candidates(found)
    }
}
