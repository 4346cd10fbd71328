/// Where `easeml-ci automl run` and `automl serve` execute a search's trials (`backend:` in the `automl:` section).
public enum AutoMLBackend: Sendable, Equatable {
    /// Subprocesses on this machine, `workers` at a time (the default).
    case local
    /// Jobs of a Ray cluster, submitted through its Jobs REST API (`ray_address`).
    case ray(AutoMLRaySettings)

    /// The names `backend:` accepts.
    public static let names = ["local", "ray"]

    /// `local` or `ray`.
    public var name: String {
        switch self {
        case .local: return "local"
        case .ray: return "ray"
        }
    }
}

/// The Ray cluster of `backend: ray`.
///
/// ```yaml
/// automl:
///   backend: ray
///   ray_address: http://127.0.0.1:8265   # the dashboard's HTTP address (the default)
///   ray_num_cpus: 1                      # CPUs reserved per trial (entrypoint_num_cpus)
/// ```
public struct AutoMLRaySettings: Sendable, Equatable {
    /// The Ray dashboard (Jobs API) address; only this host and port are ever contacted.
    public var address: HTTPAddress
    /// The CPUs each trial's job reserves, or nil for Ray's default (none).
    public var numCPUs: Double?

    /// `http://127.0.0.1:8265`, where `ray start --head` serves its dashboard.
    public static let defaultAddress = HTTPAddress(host: "127.0.0.1", port: 8265)

    public init(address: HTTPAddress = defaultAddress, numCPUs: Double? = nil) {
        self.address = address
        self.numCPUs = numCPUs
    }
}
