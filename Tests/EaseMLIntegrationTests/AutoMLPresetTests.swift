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
        for model in ["knn", "svm", "random_forest", "logreg", "gradient_boosting"] { #expect(config.contains("- name: \(model)\n")) }
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
        #expect(config.contains("budget: {trials: 2}") && !config.contains("budget: {trials: 11}"))
        let plan = try CommandLineRunner.run(["automl", "plan", "--json"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        #expect((object["arms"] as? [Any])?.count == 11)
    }
}
