import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

/// Issue 14, "hidden means hidden": under adaptivity `none`, the distribution of everything the
/// developer can observe is the same for a passing and a failing model.
///
/// Sixty seeded models, half well above and half well below `n > 0.7 +/- 0.05`, go through the real
/// check (`GateCheck.run` on a sealed set and an SQLite ledger), each asked twice and then followed
/// by a probe model. What the developer sees of each — the answer, the message, the exit status,
/// the replay flag, the budget's bits, whether the baseline moved (the probe's old model), the
/// ledger's stored verdict and the status line — is collected per true verdict (which only the
/// owner's report knows). The two collections must be equal as multisets, and neither empty.
@Test func underNoneEverythingObservableIsTheSameForAPassAndAFail() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var generator = SeededGenerator(seed: 14)
    let size = 1000
    let labels = (0..<size).map { _ in Int(generator.below(3)) }
    let labelsFile = folder.appendingPathComponent("labels.csv")
    try ("id,label\n" + labels.enumerated().map { "e\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n")
        .write(to: labelsFile, atomically: true, encoding: .utf8)
    let key = try SealingKey.parse(SealingKey.generateText(), source: "test")
    let ledger = try Ledger.open(at: folder.appendingPathComponent("ledger.sqlite").path, create: true)
    let settings = GateSettings(
        condition: try ConfigurationFile.parseCondition("n > 0.7 +/- 0.05"), reliability: 0.9, mode: .fpFree, adaptivity: .none,
        steps: 200)
    _ = try TestSetRegistration(
        question: GateQuestion(settings: settings, models: []), labelsPath: labelsFile.path, inputsPath: nil, name: nil, force: true
    ).register(in: ledger, key: key)

    func model(accuracy: Double, _ name: String) throws -> String {
        let file = folder.appendingPathComponent(name)
        let text = labels.enumerated().map { i, label in
            "e\(i),\(generator.uniform() < accuracy ? label : (label + 1 + generator.below(2)) % 3)"
        }
        try ("id,label\n" + text.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    struct Observation: Hashable {
        var answer: String
        var message: String?
        var exit: Int32
        var replay: Bool
        var bitsUsed: Double
        var bitsLeft: Double
        var storedVerdict: String
    }
    var observed: [Bool: [Observation]] = [:]
    for index in 0..<60 {
        let passing = index % 2 == 0
        let path = try model(accuracy: passing ? 0.9 : 0.5, "m\(index).csv")
        let check = GateCheck(source: .file(path), testSetID: nil)
        let first = try check.run(ledger: ledger, key: key)
        let again = try check.run(ledger: ledger, key: key)
        let budget = try ledger.budget(testSetID: first.testSetID)
        let stored = try #require(try ledger.evaluations(testSetID: first.testSetID).last)
        // The truth, as only the owner sees it.
        let recorded: Bool? = try OwnerReport.make(ledger: ledger, key: key, testSetID: nil).testSets.first?.evaluations.last?.metrics?.passed
        let truth = try #require(recorded as Bool?)
        #expect(truth == passing, "model \(index) was meant to \(passing ? "pass" : "fail")")
        for outcome in [first, again] {
            observed[truth, default: []].append(Observation(
                answer: outcome.answer.rawValue, message: outcome.message, exit: outcome.exitStatus.rawValue, replay: outcome.replay,
                bitsUsed: budget.bitsUsed, bitsLeft: budget.bitsLeft, storedVerdict: stored.verdict.rawValue))
        }
        #expect(!first.replay && again.replay && again.step == first.step)
        // The baseline never moves by itself under `none`.
        #expect(try ledger.lastAcceptedModel(testSetID: first.testSetID) == nil)
    }
    let passes = try #require(observed[true]), fails = try #require(observed[false])
    #expect(passes.count == 60 && fails.count == 60)
    #expect(Dictionary(grouping: passes, by: { $0 }).mapValues(\.count) == Dictionary(grouping: fails, by: { $0 }).mapValues(\.count))
    #expect(Set(passes.map(\.answer)) == ["recorded"])
    #expect(try StatusReport.make(ledger: ledger).testSets.first?.evaluations.allSatisfy { $0.verdict == "hidden" } == true)
}
