import Testing
@testable import EaseMLCore

private let gain = Condition(clauses: [
    Clause(
        expression: LinearExpression(terms: [Term(coefficient: 1, variable: .new)]),
        comparison: .greater, threshold: 0.8, tolerance: 0.05)
])
private let loader = ConfigLoader(parseCondition: { _ in gain })

private func load(_ automl: String) throws(ConfigError) -> EaseMLConfig {
    try loader.load(contentsOf: "condition: n > 0.8 +/- 0.05\nreliability: 0.99\nautoml:\n" + automl, file: ".easeml.yml")
}

private let full = """
      train: data/train.csv
      valid: data/valid.csv
      metric: accuracy
      budget: {trials: 7, seconds: 30}
      timeout: 2.5
      memory_mb: 512
      workers: 2
      policy: max_gap
      seed: 42
      candidates:
        - name: knn
          command: ./trial.sh {train} {valid} {k} {p}
          grid: {k: [1, 3, 5], p: [1, 2]}
        - name: tree
          command: [./trial.sh, "{train}", "{valid}", "{depth}"]
          grid:
            depth: [2, 8]
        - name: constant
          command: ./trial.sh

    """

@Test func automlSectionReadsEveryKeyAndExpandsTheGrid() throws {
    let settings = try #require(try load(full).automl)
    #expect(settings.train == "data/train.csv")
    #expect(settings.valid == "data/valid.csv")
    #expect(settings.metric == "accuracy")
    #expect(settings.budgetTrials == 7)
    #expect(settings.budgetSeconds == 30)
    #expect(settings.timeoutSeconds == 2.5)
    #expect(settings.memoryMiB == 512)
    #expect(settings.workers == 2)
    #expect(settings.policy == "max_gap")
    #expect(settings.seed == 42)
    #expect(settings.candidates.map(\.name) == ["knn", "tree", "constant"])
    #expect(settings.candidates[0].command == ["./trial.sh", "{train}", "{valid}", "{k}", "{p}"])
    #expect(settings.candidates[1].command == ["./trial.sh", "{train}", "{valid}", "{depth}"])
    let arms = settings.arms
    #expect(arms.count == 6 + 2 + 1)
    #expect(arms.map(\.key).prefix(3) == ["knn[k=1,p=1]", "knn[k=1,p=2]", "knn[k=3,p=1]"])
    #expect(arms.last?.key == "constant")
    #expect(arms[6].parameterValues == ["depth": "2"])
}

@Test func automlSectionDefaults() throws {
    let settings = try #require(try load("  train: t.csv\n  valid: v.csv\n  candidates:\n    - {name: a, command: run}\n").automl)
    #expect(settings.policy == "cost_gap")
    #expect(settings.metric == "score")
    #expect(settings.workers == 1)
    #expect(settings.seed == 1)
    #expect(settings.budgetTrials == nil && settings.budgetSeconds == nil && settings.timeoutSeconds == nil)
}

@Test func automlAbsentIsNil() throws {
    let config = try loader.load(contentsOf: "condition: n > 0.8 +/- 0.05\nreliability: 0.99\n", file: nil)
    #expect(config.automl == nil)
}

private func failure(_ automl: String) -> ConfigError? {
    do {
        _ = try load(automl)
        return nil
    } catch { return error }
}

@Test func automlTyposArePositionedWithASuggestion() throws {
    let typo = try #require(failure("  train: t.csv\n  valid: v.csv\n  wokers: 2\n  candidates:\n    - {name: a, command: run}\n"))
    #expect(typo.kind == .unknownKey)
    #expect(typo.diagnostic.range.start.line == 6)
    #expect(typo.diagnostic.range.start.column == 3)
    #expect(typo.diagnostic.hint == "did you mean `workers`?")
    #expect(typo.description.hasPrefix(".easeml.yml:6:3:"))

    let budget = try #require(failure("  train: t.csv\n  valid: v.csv\n  budget: {trails: 3}\n  candidates:\n    - {name: a, command: run}\n"))
    #expect(budget.kind == .unknownKey)
    #expect(budget.diagnostic.hint == "did you mean `trials`?")
    #expect(budget.diagnostic.range.start.line == 6)

    let candidate = try #require(failure("  train: t.csv\n  valid: v.csv\n  candidates:\n    - name: a\n      comand: run\n"))
    #expect(candidate.diagnostic.hint == "did you mean `command`?")
    #expect(candidate.diagnostic.range.start.line == 8)

    let policy = try #require(failure("  train: t.csv\n  valid: v.csv\n  policy: max-gap\n  candidates:\n    - {name: a, command: run}\n"))
    #expect(policy.kind == .invalidValue)
    #expect(policy.diagnostic.hint == "did you mean `max_gap`?")
    #expect(policy.diagnostic.range.start.line == 6)
    #expect(policy.diagnostic.range.start.column == 11)

    var topLevel: ConfigError?
    do { _ = try loader.load(contentsOf: "condition: x\nreliability: 0.9\nautomk: {}\n", file: nil) } catch { topLevel = error }
    #expect(topLevel?.diagnostic.hint == "did you mean `automl`?")
}

@Test func automlValuesAreChecked() throws {
    let base = "  train: t.csv\n  valid: v.csv\n"
    let candidates = "  candidates:\n    - {name: a, command: run}\n"
    #expect(failure(base)?.kind == .missingKey)
    #expect(failure("  valid: v.csv\n" + candidates)?.diagnostic.message == "`automl` is missing `train`")
    #expect(failure(base + "  workers: 0\n" + candidates)?.kind == .invalidValue)
    #expect(failure(base + "  timeout: -1\n" + candidates)?.kind == .invalidValue)
    #expect(failure(base + "  budget: {}\n" + candidates)?.kind == .missingValue)
    #expect(failure(base + "  seed: -3\n" + candidates)?.kind == .invalidValue)
    #expect(failure(base + "  candidates: []\n")?.kind == .wrongType)
    #expect(failure(base + "  candidates:\n    - {name: a, command: run, grid: {k: []}}\n")?.kind == .invalidValue)
    #expect(failure(base + "  candidates:\n    - {name: a, command: run, grid: {seed: [1]}}\n")?.kind == .invalidValue)
    #expect(failure(base + "  candidates:\n    - {name: a, command: run}\n    - {name: a, command: run2}\n")?.kind == .duplicateKey)
    #expect(failure(base + "  candidates:\n    - {name: a}\n")?.kind == .missingKey)
    #expect(failure(base + candidates) == nil)
}

@Test func automlPythonStandsForThePythonPlaceholder() throws {
    let section = "  train: t.csv\n  valid: v.csv\n  python: .venv/bin/python\n  candidates:\n    - {name: a, command: '{python} trial.py {k}', grid: {k: [1]}}\n"
    let settings = try #require(try load(section).automl)
    #expect(settings.python == ".venv/bin/python")
    #expect(settings.candidates[0].command == ["{python}", "trial.py", "{k}"])
    #expect(settings.arms[0].command == [".venv/bin/python", "trial.py", "{k}"])
    let plain = try #require(try load("  train: t.csv\n  valid: v.csv\n  candidates:\n    - {name: a, command: '{python} x.py'}\n").automl)
    #expect(plain.arms[0].command == ["python3", "x.py"])
    #expect(failure("  train: t.csv\n  valid: v.csv\n  candidates:\n    - {name: a, command: run, grid: {python: [1]}}\n")?.kind == .invalidValue)
}

@Test func automlBackendDefaultsToLocalAndRayTakesItsAddress() throws {
    let candidates = "  candidates:\n    - {name: a, command: run}\n"
    #expect(try load("  train: t.csv\n  valid: v.csv\n" + candidates).automl?.backend == .local)
    let ray = try #require(try load("  train: t.csv\n  valid: v.csv\n  backend: ray\n" + candidates).automl)
    #expect(ray.backend == .ray(AutoMLRaySettings(address: HTTPAddress(host: "127.0.0.1", port: 8265))))
    let remote = try #require(try load("  train: t.csv\n  valid: v.csv\n  backend: ray\n  ray_address: http://ray-head.lan:9000/dash/\n  ray_num_cpus: 0.5\n" + candidates).automl)
    #expect(remote.backend == .ray(AutoMLRaySettings(address: HTTPAddress(host: "ray-head.lan", port: 9000, basePath: "/dash"), numCPUs: 0.5)))
}

@Test func automlBackendMistakesArePositioned() throws {
    let base = "  train: t.csv\n  valid: v.csv\n"
    let candidates = "  candidates:\n    - {name: a, command: run}\n"
    let typo = try #require(failure(base + "  backend: rey\n" + candidates))
    #expect(typo.kind == .invalidValue)
    #expect(typo.diagnostic.hint == "did you mean `ray`?")
    #expect(typo.description.hasPrefix(".easeml.yml:6:12:"))
    let key = try #require(failure(base + "  backend: ray\n  ray_adress: http://127.0.0.1:8265\n" + candidates))
    #expect(key.kind == .unknownKey)
    #expect(key.diagnostic.hint == "did you mean `ray_address`?")
    let https = try #require(failure(base + "  backend: ray\n  ray_address: https://127.0.0.1:8265\n" + candidates))
    #expect(https.kind == .invalidValue)
    #expect(https.description.hasPrefix(".easeml.yml:7:16:"))
    #expect(https.diagnostic.message.contains("https is not supported"))
    let localWithAddress = try #require(failure(base + "  ray_address: http://127.0.0.1:8265\n" + candidates))
    #expect(localWithAddress.diagnostic.message == "`automl.ray_address` is used only with `backend: ray`")
    #expect(failure(base + "  backend: ray\n  ray_num_cpus: 0\n" + candidates)?.kind == .invalidValue)
}

@Test func httpAddressesAreOnlyPlainHTTP() throws {
    #expect(try HTTPAddress(parsing: "http://127.0.0.1:8265") == HTTPAddress(host: "127.0.0.1", port: 8265))
    #expect(try HTTPAddress(parsing: "HTTP://head") == HTTPAddress(host: "head", port: 80))
    #expect(try HTTPAddress(parsing: "http://[::1]:8265/") == HTTPAddress(host: "::1", port: 8265))
    #expect(try HTTPAddress(parsing: "http://[::1]:8265").hostHeader == "[::1]:8265")
    #expect(try HTTPAddress(parsing: "http://h:1/a/b//").description == "http://h:1/a/b")
    func reason(_ text: String) -> String {
        do {
            _ = try HTTPAddress(parsing: text)
            return "accepted"
        } catch { return error.reason }
    }
    #expect(reason("https://h:1").contains("https is not supported"))
    #expect(reason("ftp://h:1") == "only http:// addresses are supported, not ftp://")
    #expect(reason("127.0.0.1:8265") == "write it as http://host:port")
    #expect(reason("http://user:pw@h:1") == "a user name or password is not allowed")
    #expect(reason("http://h:1/?next=http://evil") == "a query or fragment is not allowed")
    #expect(reason("http://h:0") == "the port `0` is not a number from 1 to 65535")
    #expect(reason("http://h:70000").contains("is not a number from 1 to 65535"))
    #expect(reason("http://:80") == "the host is missing")
    #expect(reason("http://h_x:80").contains("may hold only letters"))
    #expect(reason("http://[::1:80") == "an IPv6 address needs its closing `]`")
    #expect(reason("http://h:1/a b").contains("the path"))
}
