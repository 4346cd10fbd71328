import EaseMLCore
import EaseMLEngines
import EaseMLLedger

/// Every error a workflow can end with, rendered once at the command-line edge.
public enum EaseMLCIError: Error, CustomStringConvertible {
    /// `.easeml.yml` was not found or could not be read.
    case configurationNotFound(searchedFrom: String)
    case unreadableFile(path: String, reason: String)
    /// An output file could not be written; nothing was left at `path`.
    case unwritableFile(path: String, reason: String)
    case configuration(ConfigError)
    case condition(ConditionError)
    case planning(PlanningError)
    /// A command-line value is invalid; `option` names the flag.
    case invalidOption(option: String, message: String)
    case data(DataFileError)
    case ledger(LedgerError)
    case sealing(SealingError)
    case decision(DecisionError)
    /// Predictions that do not fit the registered test set (length, ids, classes).
    case predictionsMismatch(file: String, message: String)
    /// The test set is smaller than the plan needs (and `--force` was not given).
    case testSetTooSmall(size: Int, needed: Int, method: String)
    /// No usable test set: none registered, unknown id, retired or exhausted.
    case testSetUnavailable(String)
    /// The ledger location cannot be determined.
    case noLedgerLocation(String)
    /// A git operation failed.
    case git(String)
    /// A feature matrix file (CSV or `.npy`) cannot be used.
    case matrixFile(MatrixFileError)
    /// ModelPicker (model selection) refused its input or state.
    case modelSelection(ModelPickerError)
    /// The feasibility study refused its input.
    case feasibility(FeasibilityError)
    /// The prediction script failed; `output` is what it printed (shown only now).
    case scriptFailed(command: String, reason: String, output: String)
    /// A cleaning session (`easeml-ci clean`) cannot proceed: bad state, inputs or cleaned rows.
    case cleaning(message: String)
    /// An improvement loop (`easeml-ci improve`) cannot proceed: bad state, inputs or answers.
    case improvement(message: String)
    /// The AutoML engine refused its input (score matrix, splits, settings, data discipline).
    case automl(AutoMLError)
    /// A server the configuration names (a Ray cluster) cannot be reached or answered unusably.
    case http(HTTPClientError)

    public var description: String {
        switch self {
        case .configurationNotFound(let directory):
            return "no .easeml.yml found in \(directory) or any parent folder; pass --config PATH or --condition TEXT"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            return "error: cannot write \(path): \(reason)"
        case .configuration(let error): return error.description
        case .condition(let error): return error.description
        case .planning(let error): return "error: \(error.description)"
        case .invalidOption(let option, let message): return "error: \(option): \(message)"
        case .data(let error): return error.description
        case .ledger(let error): return "error: ledger: \(error.description)"
        case .sealing(let error): return "error: \(error.description)"
        case .decision(let error): return "error: \(error.description)"
        case .predictionsMismatch(let file, let message): return "\(file): error: \(message)"
        case .testSetTooSmall(let size, let needed, let method):
            return "error: the test set has \(IntegerText.grouped(size)) examples but the plan (\(method)) needs \(IntegerText.grouped(needed)); register a larger set, relax the condition, or pass --force to record the weaker guarantee"
        case .testSetUnavailable(let message): return "error: \(message)"
        case .noLedgerLocation(let message): return "error: \(message)"
        case .git(let message): return "error: \(message)"
        case .modelSelection(let error): return "error: \(error.description)"
        case .matrixFile(let error): return error.description
        case .feasibility(let error): return error.description
        case .cleaning(let message): return "error: clean: \(message)"
        case .improvement(let message): return "error: improve: \(message)"
        case .automl(let error):
            if case .matrix = error { return error.description }
            return "error: automl: \(error.description)"
        case .http(let error): return "error: \(error.description)"
        case .scriptFailed(let command, let reason, let output):
            return "error: the prediction script `\(command)` failed: \(reason)" + (output.isEmpty ? "" : "\n--- its output ---\n\(output)")
        }
    }

    /// The exit status this error ends the process with.
    public var exitStatus: ExitStatus {
        switch self {
        case .configurationNotFound, .configuration, .condition, .planning, .invalidOption:
            return .usageOrConfiguration
        case .unreadableFile, .unwritableFile, .data, .sealing, .decision, .predictionsMismatch, .testSetTooSmall,
            .noLedgerLocation, .scriptFailed, .git, .modelSelection, .matrixFile, .feasibility, .cleaning, .improvement, .automl:
            return .usageOrConfiguration
        case .testSetUnavailable:
            return .testSetUnavailable
        case .http:
            return .internalError
        case .ledger(let error):
            switch error {
            case .corrupt, .newerSchema: return .usageOrConfiguration
            case .unknownTestSet, .notFound: return .testSetUnavailable
            default: return .internalError
            }
        }
    }
}
