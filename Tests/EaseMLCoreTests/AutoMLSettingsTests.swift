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
