import EaseMLCore
import EaseMLLedger
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCI

/// A labels file that names an example twice is refused before anything is written, naming the
/// id; 2,000 distinct ids (hash-sorted, not kept in a set) register.
@Test func registrationRefusesARepeatedIDAndNothingIsWritten() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let key = try SealingKey.parse(SealingKey.generateText(), source: "test")
    let settings = GateSettings(
        condition: try ConfigurationFile.parseCondition("n > 0.5 +/- 0.2"), reliability: 0.9, mode: .fpFree, adaptivity: .full, steps: 1)
    func register(_ ids: [String], _ name: String) throws -> Ledger {
        let file = folder.appendingPathComponent("\(name).csv")
        try ("id,label\n" + ids.enumerated().map { "\($0.element),\($0.offset % 2)" }.joined(separator: "\n") + "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let ledger = try Ledger.open(at: folder.appendingPathComponent("\(name).sqlite").path, create: true)
        _ = try TestSetRegistration(question: GateQuestion(settings: settings, models: []), labelsPath: file.path, inputsPath: nil, name: name, force: true)
            .register(in: ledger, key: key)
        return ledger
    }
    let distinct = (0..<2000).map { "e\($0)" }
    #expect(try register(distinct, "unique").testSets().count == 1)
    for (name, ids) in [("far", distinct + ["e1234"]), ("near", ["x", "x"] + distinct)] {
        do {
            _ = try register(ids, name)
            Issue.record("\(name): a repeated id was registered")
        } catch let error as EaseMLCIError {
            #expect("\(error)".contains("example id `\(name == "far" ? "e1234" : "x")` appears more than once"), "\(error)")
        }
        #expect(try Ledger.open(at: folder.appendingPathComponent("\(name).sqlite").path, create: false).testSets().isEmpty)
    }
}
