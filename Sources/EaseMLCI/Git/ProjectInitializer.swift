import EaseMLCore
import Foundation

/// `easeml-ci init`: writes a commented `.easeml.yml` into a repository, validated by the same
/// loader every other command uses, and reports the plan for it.
public struct ProjectInitializer {
    public var condition: String
    public var reliability: Double
    public var mode: DecisionMode
    public var adaptivity: Adaptivity
    public var steps: Int
    public var models: [String]
    public var script: String?

    public init(condition: String, reliability: Double, mode: DecisionMode, adaptivity: Adaptivity, steps: Int, models: [String], script: String?) {
        self.condition = condition
        self.reliability = reliability
        self.mode = mode
        self.adaptivity = adaptivity
        self.steps = steps
        self.models = models
        self.script = script
    }

    /// The file's text, with a comment on every key.
    public var text: String {
        let modelList = models.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            # easeml-ci: what a new model must satisfy, and with which guarantee.
            # `easeml-ci plan` shows how many test examples and labels this needs.

            # n, o: accuracy of the new and the old (last accepted) model; d: fraction of predictions
            # that differ. `+/-` is the tolerance; clauses are joined with /\\ (and).
            condition: \(condition)

            # 1 - delta over the whole life of one test set (all its steps).
            reliability: \(reliability)

            # fp-free: an inconclusive check fails; fn-free: it passes.
            mode: \(mode.rawValue)

            # full: developers see every verdict; firstChange: the first pass retires the test set;
            # none: developers see nothing (the owner gets the verdicts).
            adaptivity: \(adaptivity.rawValue)

            # How many evaluations one test set supports.
            steps: \(steps)

            # Files that are the model: a commit touching them is a CI candidate.
            models: [\(modelList)]
            \(script.map { "\n# Writes the model's predictions for the inputs in $EASEML_INPUTS to $EASEML_OUTPUT.\nscript: \($0)\n" } ?? "\n# script: ./predict.sh   # writes predictions for $EASEML_INPUTS to $EASEML_OUTPUT\n")
            """
    }

    /// Validates the text with the real loader, then writes `.easeml.yml` into `directory`
    /// (refusing to overwrite one). Returns the written path and the plan.
    public func write(into directory: String) throws(EaseMLCIError) -> (path: String, plan: PlanReport) {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(".easeml.yml").path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw .invalidOption(option: "init", message: "\(path) exists; edit it, or remove it first")
        }
        let config: EaseMLConfig
        do {
            config = try ConfigLoader(parseCondition: { try ConditionParser.parse($0) }).load(contentsOf: text, file: ".easeml.yml")
        } catch {
            throw .configuration(error)
        }
        let plan = try PlanReport.make(GateSettings(config))
        try AtomicFile.write(Data(text.utf8), to: path)
        return (path, plan)
    }
}
