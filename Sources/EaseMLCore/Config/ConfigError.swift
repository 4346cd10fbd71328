/// A problem with a `.easeml.yml` file, pointing at the offending text.
///
/// `description` is the rendered diagnostic: `file:line:column: error: message`, the source
/// line with a caret under the problem, and a hint such as `did you mean 'reliability'?`.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, for callers that react differently to different problems (and for
    /// tests). The message in `diagnostic` says it for people.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The file is empty or holds only comments.
        case emptyDocument
        /// The text is not valid YAML (the position is the one the YAML parser reports).
        case malformedYAML
        /// The top level is not a mapping of keys to values.
        case notAMapping
        /// A key that `.easeml.yml` does not define; the hint names the closest known key.
        case unknownKey
        /// A key given a second time; the position is that of the second occurrence.
        case duplicateKey
        /// A required key (`condition`, `reliability`) is absent.
        case missingKey
        /// A key is present but has no value (`email:` followed by nothing, or `~`).
        case missingValue
        /// A value of the wrong shape: a list or mapping where a single value is expected,
        /// an entry under `ml:` that is not a `key: value` pair, a key that is not a name.
        case wrongType
        /// The condition does not parse; the position is inside the condition text.
        case invalidCondition
        /// `reliability` is not a number strictly between 0 and 1.
        case invalidReliability
        /// `steps` is not a whole number from 1 to 1,000,000.
        case invalidSteps
        /// `mode` is neither `fp-free` nor `fn-free`.
        case invalidMode
        /// `adaptivity` is not `none`, `full`, `firstChange` (or `hybrid`), or misuses `->`.
        case invalidAdaptivity
        /// `variance_bound` is not a number in (0, 1].
        case invalidVarianceBound
        /// Any other bad value: an empty path, an e-mail address without `@`.
        case invalidValue
    }

    /// What went wrong.
    public var kind: Kind
    /// Where and why, with the file name, position, source line and an optional hint.
    public var diagnostic: Diagnostic

    /// Creates an error of `kind` described by `diagnostic`.
    public init(kind: Kind, diagnostic: Diagnostic) {
        self.kind = kind
        self.diagnostic = diagnostic
    }

    /// The rendered diagnostic (`file:line:column: error: …`, caret line, hint).
    public var description: String { diagnostic.description }
}

extension ConfigError: DiagnosticProviding {}
