import EaseMLCore
import EaseMLEngines
import EaseMLGit
import EaseMLLedger

extension EaseMLCIError {
    /// The workflow error for `error`, thrown by a `do` block that mixes typed and untyped calls.
    ///
    /// An `EaseMLCIError` is returned as it is; an error of a library this target wraps becomes the
    /// case that wraps it (`LedgerError` → `.ledger`, `AutoMLError` → `.automl`, `GitError` →
    /// `.git` with its description, `MatrixFileError` → `.matrixFile`, `DataFileError` → `.data`,
    /// `FeasibilityError` → `.feasibility`, `ModelPickerError` → `.modelSelection`, `ConfigError` →
    /// `.configuration`, `ConditionError` → `.condition`, `PlanningError` → `.planning`,
    /// `SealingError` → `.sealing`, `DecisionError` → `.decision`, `HTTPClientError` → `.http`),
    /// so its message and exit status are the usual ones. Any other error (Foundation's, a
    /// decoder's) is handed to `otherwise`, which says what it means at the call site.
    public static func wrapping(_ error: any Error, otherwise: (any Error) -> EaseMLCIError) -> EaseMLCIError {
        switch error {
        case let error as EaseMLCIError: return error
        case let error as LedgerError: return .ledger(error)
        case let error as AutoMLError: return .automl(error)
        case let error as GitError: return .git(error.description)
        case let error as MatrixFileError: return .matrixFile(error)
        case let error as DataFileError: return .data(error)
        case let error as FeasibilityError: return .feasibility(error)
        case let error as ModelPickerError: return .modelSelection(error)
        case let error as ConfigError: return .configuration(error)
        case let error as ConditionError: return .condition(error)
        case let error as PlanningError: return .planning(error)
        case let error as SealingError: return .sealing(error)
        case let error as DecisionError: return .decision(error)
        case let error as HTTPClientError: return .http(error)
        default: return otherwise(error)
        }
    }
}
