/// Why an AutoML scheduler, prior or simulation refused its input. Rendered once, by the caller.
public enum AutoMLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A tenant needs at least one arm.
    case noArms
    /// A vector or matrix has the wrong length for the number of arms.
    case armCount(what: String, expected: Int, found: Int)
    /// A number that must be finite (a score, a prior entry, a cost) is not.
    case notFinite(what: String)
    /// An expected or true cost must be > 0.
    case nonPositiveCost(what: String, value: Double)
    /// A setting is out of range (β multiplier, δ, noise, workers, …).
    case invalidSetting(String)
    /// A tenant or arm index that does not exist.
    case unknownArm(tenant: Int, arm: Int)
    /// An observation for an arm that is not pending (not proposed, or already reported).
    case notPending(tenant: Int, arm: Int)
    /// A score/cost matrix that cannot be used; `line` is 1-based (0 when not about one line).
    case matrix(file: String, line: Int, message: String)
    /// A data set named in a split is not in the matrix.
    case unknownDataset(String)
    /// A trial's input is a registered test set (`how`: the same path, a symlink to it, or a
    /// byte-identical copy), so the search would touch the hidden test set.
    case testSetInput(input: String, testSet: String, testSetPath: String, how: String)
    /// A trial input holds a registered test set's hidden labels (the file itself, a link to it, a
    /// copy, or the same labels in another format), recognised by the test set's content id.
    case testSetLabels(input: String, testSet: String)
    /// A trial command template cannot be filled in.
    case trialTemplate(String)

    public var description: String {
        switch self {
        case .noArms: return "a tenant needs at least one arm"
        case .armCount(let what, let expected, let found): return "\(what) has \(found) entries for \(expected) arms"
        case .notFinite(let what): return "\(what) is not a finite number"
        case .nonPositiveCost(let what, let value): return "\(what) must be > 0, got \(value)"
        case .invalidSetting(let message): return message
        case .unknownArm(let tenant, let arm): return "tenant \(tenant) has no arm \(arm)"
        case .notPending(let tenant, let arm): return "arm \(arm) of tenant \(tenant) is not running, so it takes no result"
        case .matrix(let file, let line, let message):
            return line > 0 ? "\(file):\(line): error: \(message)" : "\(file): error: \(message)"
        case .unknownDataset(let name): return "the data set `\(name)` is not in the score matrix"
        case .testSetInput(let input, let testSet, let path, let how):
            return "refusing to search: the trial input \(input) is \(how) the registered test set \(testSet) (\(path)); search on training and validation data only"
        case .testSetLabels(let input, let testSet):
            return "refusing to search: the trial input \(input) holds the hidden labels of the registered test set \(testSet); search on training and validation data only"
        case .trialTemplate(let message): return "trial command: \(message)"
        }
    }
}
