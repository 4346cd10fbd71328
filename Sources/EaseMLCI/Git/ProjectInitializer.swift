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

    /// The defaults of `easeml-ci init`.
    public static let defaultCondition = "n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01"
    public static let defaultReliability = 0.999
    public static let defaultSteps = 32
    public static let defaultModels = ["model/"]

    /// `models` as the YAML flow list `.easeml.yml` spells them: `["model/", "weights.bin"]`.
    static func quotedList(_ models: [String]) -> String {
        "[" + models.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }

    /// The default gate with `script` (`automl init` in a repository without a configuration).
    public static func withDefaults(script: String?) -> ProjectInitializer {
        ProjectInitializer(
            condition: defaultCondition, reliability: defaultReliability, mode: .fpFree, adaptivity: .full, steps: defaultSteps,
            models: defaultModels, script: script)
    }

    /// The initializer for the command line's texts (`mode` and `adaptivity` spelled as in the file).
    public init(
        condition: String, reliability: Double, mode: String, adaptivity: String, steps: Int, models: [String], script: String?
    ) throws(EaseMLCIError) {
        let overrides = try GateOverrides(condition: nil, reliability: reliability, mode: mode, adaptivity: adaptivity, steps: steps, varianceBound: nil)
        self.init(
            condition: condition, reliability: reliability, mode: overrides.mode ?? .fpFree, adaptivity: overrides.adaptivity ?? .full,
            steps: steps, models: models, script: script)
    }

    /// What `init` did: the file, its plan, the hooks and the test set it registered (if asked).
    public struct Report: Sendable, Codable {
        public var configPath: String
        public var plan: PlanReport
        public var hooks: HookInstaller.Report?
        public var testSet: TestSetRegistration.Report?

        public var text: String {
            var text = "Wrote \(configPath).\n\n" + plan.text(compare: false)
            if let hooks { text += "\n\nInstalled the git hooks in \(hooks.folder)." }
            if let testSet {
                text += "\n\nRegistered test set \(testSet.id.prefix(12)): \(IntegerText.grouped(testSet.size)) examples."
            } else {
                text += "\n\nNext: the integration owner registers the hidden test set with `easeml-ci testset add --labels FILE`."
            }
            return text
        }
    }

    /// Writes the configuration into `workspace`'s folder, installs the hooks (calling
    /// `hooksExecutable`, when given) and registers `labels` as the test set when given (with the
    /// workspace's key and ledger, as `testset add` would).
    public func run(
        in workspace: Workspace, hooksExecutable: String?, labels: String?, inputs: String?, force: Bool
    ) throws(EaseMLCIError) -> Report {
        let key = try labels.map { _ throws(EaseMLCIError) in try workspace.requireKey(for: "registering a test set") }
        let written = try write(into: workspace.directory.path)
        var report = Report(configPath: written.path, plan: written.plan)
        if let hooksExecutable { report.hooks = try HookInstaller(executable: hooksExecutable).install(in: workspace.directory.path) }
        if let labels, let key {
            var options = workspace.options
            options.configPath = written.path
            let configured = try Workspace(directory: workspace.directory, options: options, environment: workspace.environment, configuration: .required)
            let config = try configured.requireConfiguration().config
            let registration = TestSetRegistration(
                question: GateQuestion(config), labelsPath: labels, inputsPath: inputs, name: nil, force: force,
                expectedDisagreement: config.expectedDisagreement)
            report.testSet = try configured.updating(message: "easeml-ci: register a test set") { (ledger) throws(EaseMLCIError) in
                try registration.register(in: ledger, key: key)
            }
        }
        return report
    }

    /// The file's text, with a comment on every key.
    public var text: String {
        let modelList = Self.quotedList(models)
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
            models: \(modelList)
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
