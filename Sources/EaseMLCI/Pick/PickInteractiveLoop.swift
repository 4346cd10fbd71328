import EaseMLLedger
import Foundation

/// `easeml-ci pick run`: shows one item at a time and reads its label. `?` prints help, `s` skips
/// the item (it stays pending for later), `q` or end of input quits. Every label is committed
/// before the next item is shown, so quitting or killing the process at any point loses nothing,
/// and running it again resumes. Input and output are injected so tests can pipe answers.
public struct PickInteractiveLoop {
    public var readLine: () -> String?
    public var write: (String) -> Void

    public init(readLine: @escaping () -> String?, write: @escaping (String) -> Void) {
        self.readLine = readLine
        self.write = write
    }

    public static let help = """
        Type the item's class and press Enter. Other answers:
          ?  this help
          s  skip the item (it stays pending; label it later with `pick label`)
          q  quit (everything answered so far is saved; `pick run` resumes)
        """

    public func run(ledger: Ledger, name: String?) throws(EaseMLCIError) {
        var skipped = Set<String>()
        var session = try PickSession.load(ledger, name: name)
        write("Session \(session.record.name): classes \(session.record.session.classes.joined(separator: ", ")); ? for help.\n")
        while true {
            let next = try PickWorkflow.next(ledger: ledger, name: session.record.name, batch: skipped.count + 1)
            session = next.session
            guard session.record.status == .open else {
                write("Stopped (\(session.record.stopReason ?? "-")): chose \(session.record.chosenModel ?? "-").\n")
                return
            }
            guard let item = next.items.first(where: { !skipped.contains($0.id) }) else {
                write("Nothing more to ask now\(skipped.isEmpty ? "" : " (\(skipped.count) skipped items are pending)").\n")
                return
            }
            var asking = true
            while asking {
                write("item \(item.id)")
                for column in next.columns { write("  \(column): \(item.inputs[column] ?? "")") }
                write("\nlabel> ")
                guard let line = readLine()?.trimmingCharacters(in: .whitespaces) else {
                    write("\nSaved; run `easeml-ci pick run` to resume.\n")
                    return
                }
                switch line {
                case "?", "help":
                    write(PickInteractiveLoop.help + "\n")
                case "s":
                    skipped.insert(item.id)
                    asking = false
                case "q":
                    write("Saved; run `easeml-ci pick run` to resume.\n")
                    return
                case "":
                    continue
                default:
                    do {
                        session = try PickWorkflow.label(ledger: ledger, name: session.record.name, [(item.id, line)])
                        asking = false
                    } catch {
                        if case .invalidOption = error { write("\(error.description)\n") } else { throw error }
                    }
                }
            }
        }
    }
}
