import EaseMLCore

/// Every error a workflow can end with, rendered once at the command-line edge.
public enum EaseMLCIError: Error, CustomStringConvertible {
    /// `.easeml.yml` was not found or could not be read.
    case configurationNotFound(searchedFrom: String)
    case unreadableFile(path: String, reason: String)
    case configuration(ConfigError)
    case condition(ConditionError)
    case planning(PlanningError)
    /// A command-line value is invalid; `option` names the flag.
    case invalidOption(option: String, message: String)

    public var description: String {
        switch self {
        case .configurationNotFound(let directory):
            return "no .easeml.yml found in \(directory) or any parent folder; pass --config PATH or --condition TEXT"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .configuration(let error): return error.description
        case .condition(let error): return error.description
        case .planning(let error): return "error: \(error.description)"
        case .invalidOption(let option, let message): return "error: \(option): \(message)"
        }
    }

    /// The exit status this error ends the process with.
    public var exitStatus: ExitStatus {
        switch self {
        case .configurationNotFound, .configuration, .condition, .planning, .invalidOption:
            return .usageOrConfiguration
        case .unreadableFile:
            return .usageOrConfiguration
        }
    }
}
