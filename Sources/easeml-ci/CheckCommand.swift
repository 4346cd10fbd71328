import ArgumentParser
import EaseMLCI
import EaseMLCore
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Decide whether a new model satisfies the condition on the hidden test set.",
        discussion: """
            Scores the new model's predictions (and the old model's: --old, else the last model this
            test set accepted) against the sealed labels, decides the condition with its guarantee,
            charges the ledger, and only then prints the verdict. Asking again about the same
            predictions replays the recorded verdict without a new charge. Developers see PASS or
            FAIL and the budget, never accuracies or labels; with adaptivity `none` they see RECORDED.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var gate: GateOptions
    @OptionGroup var storage: LedgerOptions

    @Option(name: .long, help: ArgumentHelp("The new model's predictions (same formats as labels).", valueName: "file"))
    var predictions: String

    @Option(name: .long, help: ArgumentHelp("The old model's predictions (default: the last accepted model).", valueName: "file"))
    var old: String?

    @Option(name: .long, help: ArgumentHelp("The test set id or a unique prefix (default: the newest usable set).", valueName: "id"))
    var testSet: String?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let resolved = try gate.resolveWithSource()
            let ledger = try LedgerLocation.open(try storage.ledgerPath(resolved), create: false)
            let outcome = try GateCheck(
                settings: resolved.settings, predictionsPath: predictions, oldPredictionsPath: old, testSetID: testSet
            ).run(ledger: ledger, key: try storage.key())
            if json {
                print(encodeJSON(outcome))
            } else {
                let word = outcome.answer.rawValue.uppercased()
                var line = "\(word)  \(outcome.condition)  (test set \(outcome.testSetID.prefix(12))"
                if let step = outcome.step { line += ", step \(step)" }
                line += ", \(outcome.stepsLeft) step\(outcome.stepsLeft == 1 ? "" : "s") left\(outcome.replay ? ", replayed: no new charge" : ""))"
                print(line)
                if let message = outcome.message { print(message) }
            }
            if outcome.exitStatus != .success { throw ExitCode(outcome.exitStatus.rawValue) }
        }
    }
}
