import Foundation

/// The `automl:` section of `.easeml.yml`: the search space and limits of `easeml-ci automl run`.
///
/// ```yaml
/// automl:
///   train: data/train.csv
///   valid: data/valid.csv
///   metric: accuracy          # the result key to maximise (default `score`)
///   budget: {trials: 20, seconds: 600}
///   timeout: 60               # seconds per trial
///   memory_mb: 2048           # address-space cap per trial
///   workers: 2
///   policy: cost_gap          # round_robin, random, max_width, max_gap, cost_gap
///   seed: 1
///   python: .venv/bin/python  # what `{python}` in a command stands for (default python3)
///   backend: local            # or ray (with ray_address, ray_num_cpus; see AutoMLRaySettings)
///   worker: '{python} trial.py --worker'  # local only: one long-lived process runs many trials
///   candidates:
///     - name: knn
///       command: python trial.py --train {train} --valid {valid} --k {k}
///       grid: {k: [1, 3, 5]}
/// ```
public struct AutoMLSettings: Sendable, Equatable {
    /// The training data path.
    public var train: String
    /// The validation data path.
    public var valid: String
    /// The key of the `EASEML_RESULT` object to maximise; `score` by default.
    public var metric: String
    /// The most trials to run, or nil for no limit.
    public var budgetTrials: Int?
    /// The most wall seconds to spend, or nil for no limit.
    public var budgetSeconds: Double?
    /// Each trial's time limit in seconds, or nil for none.
    public var timeoutSeconds: Double?
    /// Each trial's memory cap in MiB, or nil for none.
    public var memoryMiB: Int?
    /// Trials run at once.
    public var workers: Int
    /// The cross-tenant policy's name (one of `AutoMLSettings.policies`).
    public var policy: String
    /// The seed of every random choice and of the trials' `{seed}`.
    public var seed: UInt64
    /// The candidate models; each grid point of each is one arm.
    public var candidates: [AutoMLCandidate]
    /// Where the trials run.
    public var backend: AutoMLBackend
    /// The interpreter `{python}` stands for in the candidates' commands.
    public var python: String = defaultPython
    /// The command of a long-lived trial worker (`worker:`, local backend only), as written: started
    /// once per tenant (and per concurrent trial), it reads one request per line on standard input,
    /// `{"command": [the trial's command line], "log": "<trial folder>/trial.log"}`, runs the trial in
    /// its own process with its output in the log, and answers one line on standard output,
    /// `EASEML_RESULT {json}` or `EASEML_FAILED {"reason": "…"}`. Nil: a process per trial.
    public var worker: [String]?

    /// `worker` with `{python}` replaced by `python`.
    public var workerCommand: [String]? { worker?.map { $0.replacingOccurrences(of: "{python}", with: python) } }

    public static let defaultPython = "python3"

    /// The policy names `policy` accepts.
    public static let policies = ["round_robin", "random", "max_width", "max_gap", "cost_gap"]
    public static let defaultPolicy = "cost_gap"
    public static let defaultMetric = "score"

    public init(
        train: String, valid: String, metric: String = defaultMetric, budgetTrials: Int? = nil, budgetSeconds: Double? = nil,
        timeoutSeconds: Double? = nil, memoryMiB: Int? = nil, workers: Int = 1, policy: String = defaultPolicy, seed: UInt64 = 1,
        candidates: [AutoMLCandidate], backend: AutoMLBackend = .local
    ) {
        self.train = train
        self.valid = valid
        self.metric = metric
        self.budgetTrials = budgetTrials
        self.budgetSeconds = budgetSeconds
        self.timeoutSeconds = timeoutSeconds
        self.memoryMiB = memoryMiB
        self.workers = workers
        self.policy = policy
        self.seed = seed
        self.candidates = candidates
        self.backend = backend
    }

    /// Every arm, candidate by candidate, each candidate's grid in row-major order (the last
    /// parameter varies fastest), with `{python}` in its command replaced by `python`.
    public var arms: [AutoMLArm] {
        candidates.flatMap { candidate in
            var points: [[(String, String)]] = [[]]
            for parameter in candidate.grid {
                points = points.flatMap { point in parameter.values.map { point + [(parameter.name, $0)] } }
            }
            let command = candidate.command.map { $0.replacingOccurrences(of: "{python}", with: python) }
            return points.map { point in
                AutoMLArm(candidate: candidate.name, command: command, parameters: point.map { AutoMLArm.Parameter(name: $0.0, value: $0.1) })
            }
        }
    }
}

/// One candidate model: a command template and a finite grid of parameters.
public struct AutoMLCandidate: Sendable, Equatable {
    /// One grid axis: a parameter and its values, in file order.
    public struct GridParameter: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public var name: String
    /// The program and its arguments, with `{placeholders}`.
    public var command: [String]
    /// The grid axes in file order (empty: one arm).
    public var grid: [GridParameter]

    public init(name: String, command: [String], grid: [GridParameter]) {
        self.name = name
        self.command = command
        self.grid = grid
    }
}

/// One arm: a candidate at one grid point.
public struct AutoMLArm: Sendable, Equatable {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var candidate: String
    public var command: [String]
    public var parameters: [Parameter]

    /// A stable, readable key: `knn` or `knn[k=3,p=2]`.
    public var key: String {
        parameters.isEmpty ? candidate : candidate + "[" + parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ",") + "]"
    }

    /// The parameters as a dictionary (for the trial's placeholders).
    public var parameterValues: [String: String] {
        Dictionary(parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
