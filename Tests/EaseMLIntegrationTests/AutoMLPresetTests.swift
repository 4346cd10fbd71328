import EaseMLCI
import EaseMLEngines
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing

/// `easeml-ci automl init --preset sklearn` end to end: the written script and section, a real
/// scikit-learn search on the digits data (`.venv/bin/python`) and a proposal of its best model.
@Suite(.serialized) struct AutoMLPresetTests {
    static var digits: URL { get throws { try Fixtures.url("data/digits.csv") } }
    static let configuration = """
        # the project's gate
        condition: n > 0.8 +/- 0.05
        reliability: 0.99

        """

    /// A git repository with `.easeml.yml` and digits split (seeded shuffle) into 1,200 training
    /// and 597 validation rows.
    static func repository() throws -> URL {
        let folder = try CommandLineRunner.temporaryDirectory()
        let lines = try String(contentsOf: digits, encoding: .utf8).split(separator: "\n").map(String.init)
        var rows = Array(lines.dropFirst())
        var random = SeededRandomGenerator(seed: 7)
        rows.shuffle(using: &random)
        try Data(([lines[0]] + rows.prefix(1200)).joined(separator: "\n").appending("\n").utf8).write(to: folder.appendingPathComponent("train.csv"))
        try Data(([lines[0]] + rows.dropFirst(1200)).joined(separator: "\n").appending("\n").utf8).write(to: folder.appendingPathComponent("valid.csv"))
        try Data(configuration.utf8).write(to: folder.appendingPathComponent(".easeml.yml"))
        try runGit(folder, ["init", "-q", "-b", "main"])
        return folder
    }

    static func initialise(_ folder: URL, _ extra: [String] = []) throws -> CommandLineRunner.Result {
        try CommandLineRunner.run(
            ["automl", "init", "--preset", "sklearn", "--python", try TestPython.interpreter().path, "--train", "train.csv", "--valid", "valid.csv"] + extra,
            in: folder)
    }

    @Test func thePresetSearchesDigitsWithScikitLearnAndProposesTheBestModel() throws {
        let folder = try Self.repository()
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try Self.initialise(folder, ["--trials", "3"])
        #expect(written.status == 0, "\(written.stderr)")
        let config = try String(contentsOf: folder.appendingPathComponent(".easeml.yml"), encoding: .utf8)
        #expect(config.hasPrefix(Self.configuration), "the existing configuration was changed")
        #expect(config.contains("automl:\n  train: 'train.csv'\n  valid: 'valid.csv'\n  budget: {trials: 3}"))
        for model in ["svm", "knn", "logreg", "random_forest", "extra_trees", "gradient_boosting"] { #expect(config.contains("- name: \(model)\n")) }
        // Scale-sensitive families are searched with and without a scaler; one worker runs the trials.
        #expect(config.contains("grid: {scaler: [none, standard], C: [10, 1, 100]}"))
        #expect(config.contains("worker: '{python} automl_sklearn.py --worker'"))
        // The configuration named no models: the proposal's folder becomes the model path.
        #expect(config.contains("\nmodels: [\"model/\"]\n"))
        #expect(written.stdout.contains("added models: [\"model/\"]"), "\(written.stdout)")
        // The configuration had no `script:`: one that predicts with the proposed model is added.
        #expect(config.contains("script: '\(try TestPython.interpreter().path) automl_sklearn.py predict --model model/automl-model.pkl --label label'"))
        #expect(try String(contentsOf: folder.appendingPathComponent(".gitignore"), encoding: .utf8) == ".easeml/\n")
        let script = try String(contentsOf: folder.appendingPathComponent("automl_sklearn.py"), encoding: .utf8)
        #expect(script.contains("EASEML_RESULT"))

        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "add", "."])
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "data and search space"])
        let run = try CommandLineRunner.run(["automl", "run"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("done: the budget of 3 trials is spent"), "\(run.stdout)")
        let ledger = try Ledger.open(at: folder.appendingPathComponent(".git/easeml/ledger.sqlite").path, create: false)
        let trials = try ledger.automlTrials(run: "run-1")
        #expect(trials.count == 3)
        for trial in trials {
            #expect(trial.state == .ok, "\(trial.reason ?? "")")
            #expect((trial.score ?? 0) > 0.9, "digits are easy: \(trial.score ?? 0)")
            let output = URL(fileURLWithPath: try #require(trial.logPath)).deletingLastPathComponent()
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("model.pkl").path))
        }

        let status = try runGit(folder, ["status", "--porcelain"])
        let head = try runGit(folder, ["rev-parse", "HEAD"])
        let proposed = try CommandLineRunner.run(["automl", "propose"], in: folder)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let best = try #require(trials.filter { $0.state == .ok }.max { ($0.score ?? 0, -$0.id) < ($1.score ?? 0, -$1.id) })
        let arms = try ledger.automlArms(run: "run-1")
        #expect(proposed.stdout.contains("proposed \(arms[best.arm].key)"), "\(proposed.stdout)")
        let committed = try runGit(folder, ["show", "easeml/automl/main/run-1:easeml-automl.json"])
        #expect(committed.contains("\"arm\" : \"\(arms[best.arm].key)\""))
        #expect(try runGit(folder, ["rev-parse", "easeml/automl/main/run-1^"]) == head)
        #expect(try runGit(folder, ["rev-parse", "HEAD"]) == head)
        #expect(try runGit(folder, ["status", "--porcelain"]) == status)
    }

    @Test func anExistingScriptOrSectionIsKeptUnlessForced() throws {
        let folder = try Self.repository()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.initialise(folder).status == 0)
        let script = folder.appendingPathComponent("automl_sklearn.py")
        try Data("# mine\n".utf8).write(to: script)
        let again = try Self.initialise(folder, ["--trials", "2"])
        #expect(again.status != 0)
        #expect(again.stderr.contains("automl_sklearn.py: it exists; pass --force to overwrite it"), "\(again.stderr)")
        #expect(try String(contentsOf: script, encoding: .utf8) == "# mine\n")
        try FileManager.default.removeItem(at: script)
        let section = try Self.initialise(folder, ["--trials", "2"])
        #expect(section.status != 0)
        #expect(section.stderr.contains("already has an `automl:` section; pass --force to replace it"), "\(section.stderr)")
        #expect(!FileManager.default.fileExists(atPath: script.path))

        let forced = try Self.initialise(folder, ["--trials", "2", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("replaced the automl: section"))
        let config = try String(contentsOf: folder.appendingPathComponent(".easeml.yml"), encoding: .utf8)
        #expect(config.hasPrefix(Self.configuration))
        #expect(config.components(separatedBy: "\nautoml:\n").count == 2)
        #expect(config.contains("budget: {trials: 2}") && !config.contains("budget: {trials: \(AutoMLPreset.armCount)}"))
        let plan = try CommandLineRunner.run(["automl", "plan", "--json"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect((object["arms"] as? [Any])?.count == AutoMLPreset.armCount && AutoMLPreset.armCount == 38)
    }

    /// The hand-offs end to end, from a repository with data only: `automl init` creates the
    /// configuration, `automl run` searches (trial folders ignored by git), `automl propose` commits
    /// the model and its relative paths, `check --commit` judges the proposal with the gate, and
    /// `automl gc` cleans what is no longer needed.
    @Test func aFreshRepositoryGoesFromSearchToAGateVerdict() throws {
        let folder = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try String(contentsOf: Self.digits, encoding: .utf8).split(separator: "\n").map(String.init)
        var rows = Array(lines.dropFirst())
        var random = SeededRandomGenerator(seed: 11)
        rows.shuffle(using: &random)
        func write(_ name: String, _ text: [String]) throws { try Data((text.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent(name)) }
        try write("train.csv", [lines[0]] + rows.prefix(800))
        try write("valid.csv", [lines[0]] + rows.dropFirst(800).prefix(300))
        // The owner's test set lives outside the repository: inputs without the label, labels apart.
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        let label = try #require(header.firstIndex(of: "label"))
        let test = rows.dropFirst(1100).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let owner = try CommandLineRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: owner) }
        func without(_ cells: [Substring]) -> String { cells.enumerated().filter { $0.offset != label }.map { String($0.element) }.joined(separator: ",") }
        try Data(([without(header)] + test.map(without)).joined(separator: "\n").appending("\n").utf8).write(to: owner.appendingPathComponent("inputs.csv"))
        try Data((["label"] + test.map { String($0[label]) }).joined(separator: "\n").appending("\n").utf8).write(to: owner.appendingPathComponent("labels.csv"))
        let environment = ["EASEML_KEY_FILE": owner.appendingPathComponent("owner.key").path]
        try runGit(folder, ["init", "-q", "-b", "main"])

        let written = try Self.initialise(folder)
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("created \(folder.path)/.easeml.yml with the default gate"), "\(written.stdout)")
        let configURL = folder.appendingPathComponent(".easeml.yml")
        var config = try String(contentsOf: configURL, encoding: .utf8)
        #expect(config.contains("models: [\"model/\"]"))
        #expect(config.contains("script: '\(try TestPython.interpreter().path) automl_sklearn.py predict --model model/automl-model.pkl --label label'"))
        // The owner states the gate.
        config = config.replacingOccurrences(of: "condition: n - o > 0.02 +/- 0.01 /\\ d < 0.1 +/- 0.01", with: "condition: n > 0.8 +/- 0.05")
            .replacingOccurrences(of: "reliability: 0.999", with: "reliability: 0.99").replacingOccurrences(of: "steps: 32", with: "steps: 4")
        try Data(config.utf8).write(to: configURL)
        try runGit(folder, ["add", "."])
        try runGit(folder, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "data, search space and gate"])
        #expect(try CommandLineRunner.run(["key", "generate", "--output", environment["EASEML_KEY_FILE"]!], in: folder).status == 0)
        let registered = try CommandLineRunner.run(
            ["testset", "add", "--labels", owner.appendingPathComponent("labels.csv").path, "--inputs", owner.appendingPathComponent("inputs.csv").path],
            in: folder, environment: environment)
        #expect(registered.status == 0, "\(registered.stdout)\(registered.stderr)")

        let run = try CommandLineRunner.run(["automl", "run", "--budget-trials", "4"], in: folder)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try runGit(folder, ["status", "--porcelain"]).isEmpty, "trial folders are ignored")

        let proposed = try CommandLineRunner.run(["automl", "propose"], in: folder)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        #expect(proposed.stdout.contains("the model is model/automl-model.pkl"), "\(proposed.stdout)")
        let branch = "easeml/automl/main/run-1"
        let files = try runGit(folder, ["show", "--name-only", "--format=", branch]).split(separator: "\n").map(String.init)
        #expect(Set(files) == ["easeml-automl.json", "model/automl-model.pkl"])
        let json = try runGit(folder, ["show", "\(branch):easeml-automl.json"])
        #expect(!json.contains(folder.path) && !json.contains(folder.resolvingSymlinksInPath().path), "no path of this machine's checkout: \(json)")
        #expect(json.contains("\"model\" : \"model/automl-model.pkl\"") && json.contains("\"trial_output\" : \".easeml/automl/run-1/arm-"))

        // The interpreter's environment (and the Python it was made from) lies outside the
        // repository: the owner lets the sandbox read them.
        let base = try CommandLineRunner.runProgram(try TestPython.interpreter(), ["-c", "import sys; print(sys.base_prefix)"], in: folder)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let check = try CommandLineRunner.run(
            ["check", "--commit", branch, "--sandbox-read", TestPython.packageRoot.appendingPathComponent(".venv").path, "--sandbox-read", base],
            in: folder, environment: environment)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("PASS  n > 0.8 +/- 0.05"), "\(check.stdout)")
        #expect(try runGit(folder, ["notes", "--ref=easeml", "show", branch]).hasPrefix("easeml-ci: pass"))

        // gc keeps the best arm's folder (what propose read), then --all removes it too.
        let root = folder.appendingPathComponent(".easeml/automl/run-1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).count == 4)
        let gc = try CommandLineRunner.run(["automl", "gc", "--json"], in: folder)
        #expect(gc.status == 0, "\(gc.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(gc.stdout.utf8)) as? [String: Any])
        #expect((report["removed"] as? [String])?.count == 3 && (report["kept"] as? [String])?.count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).count == 1)
        #expect(try CommandLineRunner.run(["automl", "gc", "--all"], in: folder).status == 0)
        #expect(!FileManager.default.fileExists(atPath: root.path))
    }
}
