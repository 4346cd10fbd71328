import Yams

/// The keys of the `automl:` mapping, spelled as in the file.
enum AutoMLKey: String, CaseIterable {
    case train, valid, metric, budget, timeout
    case memoryMB = "memory_mb"
    case workers, policy, seed, candidates, backend, python, worker
    case rayAddress = "ray_address"
    case rayNumCPUs = "ray_num_cpus"
}

/// Reads the `automl:` section (`AutoMLSettings`) with the loader's positions and typo hints.
extension ConfigReader {
    func automl(_ entry: Entry) throws(ConfigError) -> AutoMLSettings {
        let pairs = try mappingPairs(entry.value, named: "automl", keyNode: entry.keyNode)
        var seen: [String: Node] = [:]
        var values: [AutoMLKey: (key: Node, value: Node)] = [:]
        for (keyNode, value) in pairs {
            let name = try keyName(keyNode)
            guard let key = AutoMLKey(rawValue: name) else {
                throw unknownKey(name, at: keyNode, among: AutoMLKey.allCases.map(\.rawValue), in: "automl")
            }
            try checkDuplicate(name, keyNode, &seen)
            values[key] = (keyNode, value)
        }
        func required(_ key: AutoMLKey) throws(ConfigError) -> (key: Node, value: Node) {
            guard let found = values[key] else {
                throw error(.missingKey, at: entry.keyNode, "`automl` is missing `\(key.rawValue)`", hint: "add `\(key.rawValue):` under `automl:`")
            }
            return found
        }
        let train = try text(required(.train), "automl.train")
        let valid = try text(required(.valid), "automl.valid")
        var settings = AutoMLSettings(train: train, valid: valid, candidates: [])
        if let metric = values[.metric] { settings.metric = try text(metric, "automl.metric") }
        if let budget = values[.budget] {
            var budgetSeen: [String: Node] = [:]
            for (keyNode, value) in try mappingPairs(budget.value, named: "automl.budget", keyNode: budget.key) {
                let name = try keyName(keyNode)
                try checkDuplicate(name, keyNode, &budgetSeen)
                switch name {
                case "trials": settings.budgetTrials = try wholeNumber((keyNode, value), "automl.budget.trials", minimum: 1)
                case "seconds": settings.budgetSeconds = try positiveNumber((keyNode, value), "automl.budget.seconds")
                default: throw unknownKey(name, at: keyNode, among: ["trials", "seconds"], in: "automl.budget")
                }
            }
            guard settings.budgetTrials != nil || settings.budgetSeconds != nil else {
                throw error(.missingValue, at: budget.key, "`automl.budget` needs `trials`, `seconds` or both")
            }
        }
        if let timeout = values[.timeout] { settings.timeoutSeconds = try positiveNumber(timeout, "automl.timeout") }
        if let memory = values[.memoryMB] { settings.memoryMiB = try wholeNumber(memory, "automl.memory_mb", minimum: 1) }
        if let workers = values[.workers] { settings.workers = try wholeNumber(workers, "automl.workers", minimum: 1) }
        if let policy = values[.policy] { settings.policy = try choice(policy, "automl.policy", among: AutoMLSettings.policies, kind: "policy") }
        if let seed = values[.seed] { settings.seed = try seedNumber(seed, "automl.seed") }
        if let python = values[.python] { settings.python = try text(python, "automl.python") }
        settings.backend = try backend(values)
        if let worker = values[.worker] {
            guard settings.backend == .local else {
                throw error(.invalidValue, at: worker.key, "`automl.worker` is used only with `backend: local`", hint: "remove it, or the `backend:` line")
            }
            settings.worker = try commandWords(worker)
        }
        settings.candidates = try candidates(required(.candidates))
        return settings
    }

    /// `backend` and the `ray_*` keys, which only `backend: ray` takes.
    private func backend(_ values: [AutoMLKey: (key: Node, value: Node)]) throws(ConfigError) -> AutoMLBackend {
        let name = try values[.backend].map { (pair) throws(ConfigError) in try choice(pair, "automl.backend", among: AutoMLBackend.names, kind: "backend") }
        guard name == "ray" else {
            for key in [AutoMLKey.rayAddress, .rayNumCPUs] {
                if let pair = values[key] {
                    throw error(.invalidValue, at: pair.key, "`automl.\(key.rawValue)` is used only with `backend: ray`", hint: "add `backend: ray` or remove it")
                }
            }
            return .local
        }
        var ray = AutoMLRaySettings()
        if let address = values[.rayAddress] {
            let value = try text(address, "automl.ray_address")
            do {
                ray.address = try HTTPAddress(parsing: value)
            } catch {
                throw self.error(.invalidValue, at: address.value, "`automl.ray_address`: \(error.description)", hint: "such as http://127.0.0.1:8265")
            }
        }
        if let cpus = values[.rayNumCPUs] {
            let value = try text(cpus, "automl.ray_num_cpus")
            guard let number = number(value), number > 0 else {
                throw error(.invalidValue, at: cpus.value, "`automl.ray_num_cpus` must be a number of CPUs > 0, got `\(value)`")
            }
            ray.numCPUs = number
        }
        return .ray(ray)
    }

    func candidates(_ pair: (key: Node, value: Node)) throws(ConfigError) -> [AutoMLCandidate] {
        guard case .sequence(let items) = pair.value, !items.isEmpty else {
            throw error(.wrongType, at: isNull(pair.value) ? pair.key : pair.value, "`automl.candidates` must be a non-empty list of `{name, command, grid}`")
        }
        var result: [AutoMLCandidate] = []
        var names: [String: Node] = [:]
        for item in items {
            var seen: [String: Node] = [:]
            var name: (Node, String)?
            var command: [String]?
            var grid: [AutoMLCandidate.GridParameter] = []
            for (keyNode, value) in try mappingPairs(item, named: "a candidate", keyNode: item) {
                let key = try keyName(keyNode)
                try checkDuplicate(key, keyNode, &seen)
                switch key {
                case "name": name = (value, try text((keyNode, value), "name"))
                case "command": command = try commandWords((keyNode, value))
                case "grid": grid = try gridAxes((keyNode, value))
                default: throw unknownKey(key, at: keyNode, among: ["name", "command", "grid"], in: "a candidate")
                }
            }
            guard let (nameNode, candidateName) = name else { throw error(.missingKey, at: item, "a candidate is missing `name`") }
            guard let command else { throw error(.missingKey, at: item, "the candidate `\(candidateName)` is missing `command`") }
            if let first = names[candidateName] {
                throw error(.duplicateKey, at: nameNode, "a second candidate named `\(candidateName)`",
                    hint: "the first is on line \(source.location(of: first.mark).line)")
            }
            names[candidateName] = nameNode
            result.append(AutoMLCandidate(name: candidateName, command: command, grid: grid))
        }
        return result
    }

    /// A command: a list of words, or one string split at blanks.
    private func commandWords(_ pair: (Node, Node)) throws(ConfigError) -> [String] {
        if case .sequence(let words) = pair.1 {
            var result: [String] = []
            for word in words {
                guard case .scalar(let scalar) = word else { throw error(.wrongType, at: word, "each word of `command` must be a single value") }
                result.append(scalar.string)
            }
            guard !result.isEmpty else { throw error(.invalidValue, at: pair.1, "`command` is empty") }
            return result
        }
        let words = try text(pair, "command").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard !words.isEmpty else { throw error(.invalidValue, at: pair.1, "`command` is empty") }
        return words
    }

    private func gridAxes(_ pair: (Node, Node)) throws(ConfigError) -> [AutoMLCandidate.GridParameter] {
        if isNull(pair.1) { return [] }
        var seen: [String: Node] = [:]
        var axes: [AutoMLCandidate.GridParameter] = []
        for (keyNode, value) in try mappingPairs(pair.1, named: "grid", keyNode: pair.0) {
            let name = try keyName(keyNode)
            try checkDuplicate(name, keyNode, &seen)
            guard name.first.map({ $0.isLetter || $0 == "_" }) == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw error(.invalidValue, at: keyNode, "the grid parameter `\(name)` must be a name of letters, digits and `_` (it is used as `{\(name)}`)")
            }
            guard !["train", "valid", "out_dir", "seed", "python"].contains(name) else {
                throw error(.invalidValue, at: keyNode, "the grid parameter `\(name)` would hide the placeholder `{\(name)}`")
            }
            var values: [String] = []
            switch value {
            case .sequence(let items):
                for item in items {
                    guard case .scalar(let scalar) = item else { throw error(.wrongType, at: item, "each value of `\(name)` must be a single value") }
                    values.append(scalar.string)
                }
            case .scalar(let scalar) where !isNull(value):
                values = [scalar.string]
            default:
                throw error(.wrongType, at: isNull(value) ? keyNode : value, "`\(name)` must be a list of values, such as `[1, 3, 5]`")
            }
            guard !values.isEmpty else { throw error(.invalidValue, at: value, "`\(name)` has no values") }
            axes.append(AutoMLCandidate.GridParameter(name: name, values: values))
        }
        return axes
    }

    // MARK: Helpers

    func seedNumber(_ pair: (key: Node, value: Node), _ name: String) throws(ConfigError) -> UInt64 {
        let value = try text(pair, name)
        guard let number = UInt64(value) else { throw error(.invalidValue, at: pair.value, "`\(name)` must be a whole number ≥ 0, got `\(value)`") }
        return number
    }

    /// The document's root mapping (`what` names the file in errors).
    func rootMapping(_ what: String) throws(ConfigError) -> [(Node, Node)] {
        let root: Node?
        do { root = try Yams.compose(yaml: source.text) } catch { throw yamlError(error) }
        guard let root, !isNull(root) else { throw error(.emptyDocument, at: source.location(line: 1, column: 1), "the \(what) is empty") }
        guard case .mapping(let mapping) = root else { throw error(.notAMapping, at: root, "the \(what) must be a mapping of keys to values") }
        return Array(mapping)
    }

    func mappingPairs(_ node: Node, named name: String, keyNode: Node) throws(ConfigError) -> [(Node, Node)] {
        guard case .mapping(let mapping) = node else {
            throw error(isNull(node) ? .missingValue : .wrongType, at: isNull(node) ? keyNode : node, "`\(name)` must be a mapping of keys to values")
        }
        return Array(mapping)
    }

    func keyName(_ node: Node) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node else { throw error(.wrongType, at: node, "a key must be a plain name") }
        return scalar.string
    }

    func checkDuplicate(_ name: String, _ keyNode: Node, _ seen: inout [String: Node]) throws(ConfigError) {
        if let first = seen[name] {
            throw error(.duplicateKey, at: keyNode, "duplicate key `\(name)`",
                hint: "a key may be given only once; the first `\(name)` is on line \(source.location(of: first.mark).line)")
        }
        seen[name] = keyNode
    }

    func unknownKey(_ name: String, at node: Node, among known: [String], in section: String) -> ConfigError {
        let suggestion = EditDistance.closest(to: name, among: known)
        return error(
            .unknownKey, at: node, "unknown key `\(name)` in `\(section)`",
            hint: suggestion.map { "did you mean `\($0)`?" } ?? "the keys are " + known.map { "`\($0)`" }.joined(separator: ", "))
    }

    /// A value that must be one of `names` (an unknown one gets the closest as a hint).
    func choice(_ pair: (key: Node, value: Node), _ name: String, among names: [String], kind: String) throws(ConfigError) -> String {
        let value = try text(pair, name)
        guard names.contains(value) else {
            let suggestion = EditDistance.closest(to: value, among: names)
            throw error(
                .invalidValue, at: pair.value, "unknown \(kind) `\(value)`; the \(kind)s are " + names.map { "`\($0)`" }.joined(separator: ", "),
                hint: suggestion.map { "did you mean `\($0)`?" })
        }
        return value
    }

    func text(_ pair: (key: Node, value: Node), _ name: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = pair.value else { throw error(.wrongType, at: pair.value, "`\(name)` must be a single value") }
        guard !isNull(pair.value), !scalar.string.allSatisfy(\.isWhitespace) else {
            throw error(.missingValue, at: pair.key, "`\(name)` has no value")
        }
        return scalar.string
    }

    func wholeNumber(_ pair: (key: Node, value: Node), _ name: String, minimum: Int) throws(ConfigError) -> Int {
        let value = try text(pair, name)
        guard let number = Int(value), number >= minimum else {
            throw error(.invalidValue, at: pair.value, "`\(name)` must be a whole number ≥ \(minimum), got `\(value)`")
        }
        return number
    }

    func positiveNumber(_ pair: (key: Node, value: Node), _ name: String) throws(ConfigError) -> Double {
        let value = try text(pair, name)
        guard let number = number(value), number > 0 else {
            throw error(.invalidValue, at: pair.value, "`\(name)` must be a number of seconds > 0, got `\(value)`")
        }
        return number
    }
}
