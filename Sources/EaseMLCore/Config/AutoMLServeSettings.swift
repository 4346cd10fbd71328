import Yams

/// The tenants file of `easeml-ci automl serve`: several searches sharing one pool of workers.
///
/// ```yaml
/// budget: {trials: 40, seconds: 3600}   # over all tenants together
/// workers: 2
/// policy: cost_gap                      # the cross-tenant policy
/// seed: 1
/// timeout: 600                          # per trial, unless the tenant's automl: section says
/// memory_mb: 4096
/// python: python3                       # `{python}` in the zoo's commands
/// tenants:
///   - name: fraud
///     config: fraud/.easeml.yml         # data, metric and candidates from its automl: section
///   - name: churn
///     train: churn/train.csv            # data only: its arms are the zoo's
///     valid: churn/valid.csv
///     metric: accuracy
/// ```
/// Paths are relative to the tenants file's folder. Every tenant also gets every arm of the
/// shared model zoo (`AutoMLZoo`).
public struct AutoMLServeSettings: Sendable, Equatable {
    /// One application searching for its best model.
    public struct Tenant: Sendable, Equatable {
        public var name: String
        /// A `.easeml.yml` (or a folder holding one) whose `automl:` section this tenant searches.
        public var config: String?
        public var train: String?
        public var valid: String?
        public var metric: String?
        public init(name: String, config: String? = nil, train: String? = nil, valid: String? = nil, metric: String? = nil) {
            self.name = name
            self.config = config
            self.train = train
            self.valid = valid
            self.metric = metric
        }
    }

    public var tenants: [Tenant]
    /// The most trials over all tenants, or nil for no limit.
    public var budgetTrials: Int?
    /// The most wall seconds, or nil for no limit.
    public var budgetSeconds: Double?
    public var workers: Int = 1
    public var policy: String = AutoMLSettings.defaultPolicy
    public var seed: UInt64 = 1
    public var timeoutSeconds: Double?
    public var memoryMiB: Int?
    public var python: String = AutoMLSettings.defaultPython

    public init(tenants: [Tenant]) {
        self.tenants = tenants
    }

    /// Parses a tenants file; errors carry positions in `file`.
    public static func load(contentsOf text: String, file: String?) throws(ConfigError) -> AutoMLServeSettings {
        try ConfigReader(source: SourceText(text), file: file, parseCondition: { _ in throw NoConditionHere() }).serveSettings()
    }
}

/// Tenants and zoo files hold no condition, so their reader's condition parser is never called.
struct NoConditionHere: Error {}

extension ConfigReader {
    func serveSettings() throws(ConfigError) -> AutoMLServeSettings {
        var settings = AutoMLServeSettings(tenants: [])
        var seen: [String: Node] = [:]
        var tenantsNode: (Node, Node)?
        let keys = ["budget", "workers", "policy", "seed", "timeout", "memory_mb", "python", "tenants"]
        for (keyNode, value) in try rootMapping("tenants file") {
            let name = try keyName(keyNode)
            try checkDuplicate(name, keyNode, &seen)
            switch name {
            case "budget":
                var budgetSeen: [String: Node] = [:]
                for (budgetKey, budgetValue) in try mappingPairs(value, named: "budget", keyNode: keyNode) {
                    let key = try keyName(budgetKey)
                    try checkDuplicate(key, budgetKey, &budgetSeen)
                    switch key {
                    case "trials": settings.budgetTrials = try wholeNumber((budgetKey, budgetValue), "budget.trials", minimum: 1)
                    case "seconds": settings.budgetSeconds = try positiveNumber((budgetKey, budgetValue), "budget.seconds")
                    default: throw unknownKey(key, at: budgetKey, among: ["trials", "seconds"], in: "budget")
                    }
                }
            case "workers": settings.workers = try wholeNumber((keyNode, value), "workers", minimum: 1)
            case "policy": settings.policy = try choice((keyNode, value), "policy", among: AutoMLSettings.policies, kind: "policy")
            case "seed": settings.seed = try seedNumber((keyNode, value), "seed")
            case "timeout": settings.timeoutSeconds = try positiveNumber((keyNode, value), "timeout")
            case "memory_mb": settings.memoryMiB = try wholeNumber((keyNode, value), "memory_mb", minimum: 1)
            case "python": settings.python = try text((keyNode, value), "python")
            case "tenants": tenantsNode = (keyNode, value)
            default: throw unknownKey(name, at: keyNode, among: keys, in: "the tenants file")
            }
        }
        guard let (tenantsKey, list) = tenantsNode, case .sequence(let items) = list, !items.isEmpty else {
            throw error(.missingKey, at: source.location(line: 1, column: 1), "the tenants file needs `tenants:`, a non-empty list of `{name, config}` or `{name, train, valid}`")
        }
        var names: [String: Node] = [:]
        for item in items {
            var tenant = AutoMLServeSettings.Tenant(name: "")
            var itemSeen: [String: Node] = [:]
            for (keyNode, value) in try mappingPairs(item, named: "a tenant", keyNode: tenantsKey) {
                let key = try keyName(keyNode)
                try checkDuplicate(key, keyNode, &itemSeen)
                switch key {
                case "name": tenant.name = try text((keyNode, value), "name")
                case "config": tenant.config = try text((keyNode, value), "config")
                case "train": tenant.train = try text((keyNode, value), "train")
                case "valid": tenant.valid = try text((keyNode, value), "valid")
                case "metric": tenant.metric = try text((keyNode, value), "metric")
                default: throw unknownKey(key, at: keyNode, among: ["name", "config", "train", "valid", "metric"], in: "a tenant")
                }
            }
            guard !tenant.name.isEmpty else { throw error(.missingKey, at: item, "a tenant is missing `name`") }
            guard tenant.config != nil || (tenant.train != nil && tenant.valid != nil) else {
                throw error(.missingKey, at: item, "the tenant `\(tenant.name)` needs `config` or both `train` and `valid`")
            }
            if let first = names[tenant.name] {
                throw error(.duplicateKey, at: item, "a second tenant named `\(tenant.name)`", hint: "the first is on line \(source.location(of: first.mark).line)")
            }
            names[tenant.name] = item
            settings.tenants.append(tenant)
        }
        return settings
    }
}
