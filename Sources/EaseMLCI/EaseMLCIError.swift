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
    /// A configuration or command line states another question than the one the test set was
    /// registered with; `source` names where it was stated.
    case questionMismatch(testSet: String, source: String, differences: [QuestionDifference])
    /// The ledger fails verification (edited, rolled back or rewritten without the owner's key):
    /// nothing is charged from it.
    case ledgerNotTrusted(String)
    /// A program easeml-ci runs for the user (a document converter) is not on `PATH`; `package` is
    /// the Debian package that ships it.
    case missingTool(program: String, package: String, purpose: String)
    /// Some inputs of a batch (documents) could not be read and the user asked to refuse the batch;
    /// each entry is a path and why.
    case unreadableInputs(option: String, files: [(path: String, reason: String)])

    /// One key on which a stated question differs from the registered one.
    public struct QuestionDifference: Sendable, Equatable {
        public var key: String
        public var registered: String
        public var stated: String
    }

    /// The problem without any `error:` prefix or position: the edge (`ErrorReport`) adds them once.
    public var message: String {
        switch self {
        case .configurationNotFound(let directory):
            return "no .easeml.yml found in \(directory) or any parent folder; pass --config PATH or --condition TEXT"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason): return "cannot write \(path): \(reason)"
        case .configuration(let error): return error.diagnostic.message
        case .condition(let error): return error.diagnostic.message
        case .planning(let error): return error.description
        case .invalidOption(let option, let message): return "\(option): \(message)"
        case .data(let error): return error.diagnostic.message
        case .ledger(let error): return "ledger: \(error.description)"
        case .sealing(let error): return error.description
        case .decision(let error): return error.description
        case .predictionsMismatch(_, let message): return message
        case .testSetTooSmall(let size, let needed, let method):
            return "the test set has \(IntegerText.grouped(size)) examples but the plan (\(method)) needs \(IntegerText.grouped(needed)); register a larger set, relax the condition, or pass --force to record the weaker guarantee"
        case .testSetUnavailable(let message): return message
        case .noLedgerLocation(let message): return message
        case .git(let message): return message
        case .modelSelection(let error): return error.description
        case .matrixFile(let error): return ErrorReport.Located(error.description).message
        case .feasibility(let error): return ErrorReport.Located(error.description).message
        case .cleaning(let message): return "clean: \(message)"
        case .improvement(let message): return "improve: \(message)"
        case .automl(let error):
            if case .matrix = error { return ErrorReport.Located(error.description).message }
            return "automl: \(error.description)"
        case .http(let error): return error.description
        case .scriptFailed(let command, let reason, _): return "the prediction script `\(command)` failed: \(reason)"
        case .questionMismatch(let testSet, let source, let differences):
            let first = differences.first.map { "`\($0.key)` is `\($0.stated)` there but `\($0.registered)` in the registered question" } ?? ""
            let more = differences.count > 1 ? " (and " + differences.dropFirst().map { "`\($0.key)`" }.joined(separator: ", ") + ")" : ""
            return "\(source) states another question than the one test set \(testSet.prefix(12)) was registered with: \(first)\(more). "
                + "The question belongs to the integration owner: they register a new test set (`easeml-ci testset add`) "
                + "or record the change with `easeml-ci testset amend`, which is charged as both questions' transcripts"
        case .ledgerNotTrusted(let message): return message
        case .missingTool(let program, let package, let purpose):
            return "`\(program)` is not installed (or not on PATH); it is needed \(purpose): install Debian's package \(package) (apt-get install \(package))"
        case .unreadableInputs(let option, let files):
            let shown = files.prefix(5).map { "\($0.path): \($0.reason)" }.joined(separator: "; ")
            return "\(option): \(files.count) file\(files.count == 1 ? "" : "s") could not be read, nothing was written (\(shown)\(files.count > 5 ? "; …" : "")); give --on-error skip to ingest the rest"
        }
    }

    /// Where the problem is, when it points into a file: the file, the position when known, the
    /// source line and a hint.
    public var location: ErrorReport.Location? {
        switch self {
        case .configuration(let error): return .init(error.diagnostic)
        case .condition(let error): return .init(error.diagnostic)
        case .data(let error): return .init(error.diagnostic)
        case .predictionsMismatch(let file, _): return .init(file: file)
        case .matrixFile(let error): return ErrorReport.Located(error.description).location
        case .feasibility(let error): return ErrorReport.Located(error.description).location
        case .automl(let error):
            if case .matrix = error { return ErrorReport.Located(error.description).location }
            return nil
        default: return nil
        }
    }

    /// More text after the message (what a failed script printed).
    public var detail: String? {
        if case .scriptFailed(_, _, let output) = self, !output.isEmpty { return "--- its output ---\n\(output)" }
        return nil
    }

    /// A short name of the error's kind, for `--json` consumers.
    public var kind: String {
        switch self {
        case .configurationNotFound, .configuration: return "configuration"
        case .unreadableFile, .unwritableFile: return "file"
        case .condition: return "condition"
        case .planning: return "planning"
        case .invalidOption: return "usage"
        case .data, .predictionsMismatch, .matrixFile: return "data"
        case .ledger, .noLedgerLocation: return "ledger"
        case .sealing: return "key"
        case .decision: return "decision"
        case .testSetTooSmall, .testSetUnavailable: return "test-set"
        case .git: return "git"
        case .modelSelection: return "pick"
        case .feasibility: return "feasibility"
        case .scriptFailed: return "script"
        case .cleaning: return "clean"
        case .improvement: return "improve"
        case .automl: return "automl"
        case .http: return "http"
        case .questionMismatch: return "question"
        case .ledgerNotTrusted: return "ledger"
        case .missingTool: return "environment"
        case .unreadableInputs: return "data"
        }
    }

    /// The rendered error, as the command line prints it (`error:` once, with the position).
    public var description: String { ErrorReport(self).text }

    /// The exit status this error ends the process with.
    public var exitStatus: ExitStatus {
        switch self {
        case .configurationNotFound, .configuration, .condition, .planning, .invalidOption:
            return .usageOrConfiguration
        case .unreadableFile, .unwritableFile, .data, .sealing, .decision, .predictionsMismatch, .testSetTooSmall,
            .noLedgerLocation, .scriptFailed, .git, .modelSelection, .matrixFile, .feasibility, .cleaning, .improvement, .automl:
            return .usageOrConfiguration
        case .questionMismatch, .unreadableInputs:
            return .usageOrConfiguration
        case .testSetUnavailable, .ledgerNotTrusted:
            return .testSetUnavailable
        case .http, .missingTool:
            return .internalError
        case .ledger(let error):
            switch error {
            case .corrupt, .newerSchema: return .usageOrConfiguration
            case .unknownTestSet, .notFound, .connectionLost: return .testSetUnavailable
            default: return .internalError
            }
        }
    }
}
