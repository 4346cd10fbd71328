import EaseMLLedger
import Foundation
import Testing

/// `automl run` refuses a trial input that holds a registered test set's hidden labels: the labels
/// file itself, a symlink to it, or a copy, recognised from the test set's content id alone (the
/// ledger keeps the labels sealed). Real repository, real `testset add`, real binary.
@Suite(.serialized) struct AutoMLLabelsDisciplineTests {
    /// A model repository with a registered test set (`labels.csv`, with inputs `inputs.csv` when
    /// `withInputs`) and an `automl:` section whose `valid` is `valid`.
    static func repository(valid: String, withInputs: Bool) throws -> ModelRepository {
        let repo = try ModelRepository(condition: "n > 0.7 +/- 0.05")
        try Data("f\n1\n2\n".utf8).write(to: repo.root.appendingPathComponent("inputs.csv"))
        try Data("f,label\n1,a\n2,b\n".utf8).write(to: repo.root.appendingPathComponent("train.csv"))
        let config = try String(contentsOf: repo.root.appendingPathComponent(".easeml.yml"), encoding: .utf8) + """

            automl:
              train: train.csv
              valid: \(valid)
              budget: {trials: 1}
              candidates:
                - name: constant
                  command: [sh, -c, "echo 'EASEML_RESULT {\\"score\\": 1}'"]

            """
        try Data(config.utf8).write(to: repo.root.appendingPathComponent(".easeml.yml"))
        let added = try repo.run(["testset", "add", "--labels", "labels.csv", "--name", "holdout", "--force"] + (withInputs ? ["--inputs", "inputs.csv"] : []))
        #expect(added.status == 0, "\(added.stderr)")
        return repo
    }

    static func expectRefused(_ repo: ModelRepository, naming file: String) throws {
        let result = try repo.run(["automl", "run"])
        #expect(result.status != 0)
        #expect(
            result.stderr.contains("the trial input \(repo.root.path)/\(file) holds the hidden labels of the registered test set holdout"),
            "\(result.stderr)")
        let ledger = try Ledger.open(at: repo.root.appendingPathComponent(".git/easeml/ledger.sqlite").path, create: false)
        #expect(try ledger.automlRunIDs().isEmpty)
    }

    @Test func theLabelsFileItselfIsRefused() throws {
        let repo = try Self.repository(valid: "labels.csv", withInputs: false)
        defer { repo.remove() }
        try Self.expectRefused(repo, naming: "labels.csv")
    }

    @Test func aSymlinkToTheLabelsIsRefused() throws {
        let repo = try Self.repository(valid: "data/valid.csv", withInputs: true)
        defer { repo.remove() }
        try FileManager.default.createDirectory(at: repo.root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.root.appendingPathComponent("data/valid.csv").path, withDestinationPath: "../labels.csv")
        try Self.expectRefused(repo, naming: "data/valid.csv")
    }

    @Test func aCopyOfTheLabelsIsRefusedEvenInAFolder() throws {
        let repo = try Self.repository(valid: "validation", withInputs: true)
        defer { repo.remove() }
        let folder = repo.root.appendingPathComponent("validation")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("f\n3\n".utf8).write(to: folder.appendingPathComponent("features.csv"))
        try FileManager.default.copyItem(at: repo.root.appendingPathComponent("labels.csv"), to: folder.appendingPathComponent("y.csv"))
        try Self.expectRefused(repo, naming: "validation/y.csv")
    }

    @Test func otherLabelsOfTheSameExamplesAreSearched() throws {
        let repo = try Self.repository(valid: "baseline.csv", withInputs: true)
        defer { repo.remove() }
        let result = try repo.run(["automl", "run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("done: the budget of 1 trials is spent"), "\(result.stdout)")
    }
}
