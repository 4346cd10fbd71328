import EaseMLLedger
import Foundation

/// The git note attached to an evaluated commit under `refs/notes/easeml`: the verdict, test set,
/// step and condition — never metrics or labels — in `key: value` lines plain `git notes` shows.
///
/// A note is the gate's word only if it can be checked: it names its commit and the position of
/// its evaluation in the ledger's event chain (`ledger-event`, `ledger-head`), and carries a MAC
/// under a key derived from the owner's. With the key, `verify(key:)` proves it; without, it can
/// still be compared with a ledger (`check(against:)`). A hand-written note proves nothing, and
/// the position lets a runner refuse a ledger older than a verdict already given (a rollback).
public struct VerdictNote: Sendable, Hashable, Codable {
    /// `pass`, `fail`, `recorded` (adaptivity none), `refused` or `no-model-change`.
    public var verdict: String
    public var testSetID: String?
    public var step: Int?
    public var stepsLeft: Int?
    public var condition: String?
    /// The commit the note is about (a note copied onto another commit does not verify).
    public var commit: String?
    /// The seq and hash of the ledger event that charged (or replayed) the evaluation.
    public var ledgerEvent: Int64?
    public var ledgerHead: String?
    /// HMAC of the other lines under the owner's note key.
    public var mac: String?

    public init(
        verdict: String, testSetID: String?, step: Int?, stepsLeft: Int?, condition: String?, commit: String? = nil,
        ledgerEvent: Int64? = nil, ledgerHead: String? = nil, mac: String? = nil
    ) {
        self.verdict = verdict
        self.testSetID = testSetID
        self.step = step
        self.stepsLeft = stepsLeft
        self.condition = condition
        self.commit = commit
        self.ledgerEvent = ledgerEvent
        self.ledgerHead = ledgerHead
        self.mac = mac
    }

    /// The lines a MAC covers (everything but the MAC).
    private var body: String {
        var lines = ["easeml-ci: \(verdict)"]
        if let testSetID { lines.append("test-set: \(testSetID)") }
        if let step { lines.append("step: \(step)") }
        if let stepsLeft { lines.append("steps-left: \(stepsLeft)") }
        if let condition { lines.append("condition: \(condition)") }
        if let commit { lines.append("commit: \(commit)") }
        if let ledgerEvent { lines.append("ledger-event: \(ledgerEvent)") }
        if let ledgerHead { lines.append("ledger-head: \(ledgerHead)") }
        return lines.joined(separator: "\n") + "\n"
    }

    public var text: String { body + (mac.map { "mac: \($0)\n" } ?? "") }

    static let macPurpose = "verdict note MAC v1"

    /// The note with its MAC under `key`.
    public func signed(with key: SealingKey) -> VerdictNote {
        var copy = self
        copy.mac = key.mac(body, purpose: Self.macPurpose)
        return copy
    }

    /// Whether the note is the owner's (its MAC is the key's) and about `commit`.
    public func verify(key: SealingKey, commit expected: String) -> Bool {
        guard let mac, commit == expected else { return false }
        return key.mac(body, purpose: Self.macPurpose) == mac
    }

    /// Whether a ledger agrees with the note: the event it names has the hash it names, and the
    /// evaluation of its step was of `commit` with its verdict. `nil` when the ledger cannot tell
    /// (the note names no position, or the ledger is older than it).
    public func check(against ledger: Ledger, commit expected: String) -> Bool? {
        guard commit == expected, let testSetID, let step, let ledgerEvent, let ledgerHead else { return commit == nil ? nil : false }
        guard let events = try? ledger.events(), let event = events.first(where: { $0.seq == ledgerEvent }) else { return nil }
        guard event.hash == ledgerHead,
            let evaluation = (try? ledger.evaluations(testSetID: testSetID))?.first(where: { $0.step == step }),
            evaluation.commitID == expected
        else { return false }
        switch evaluation.verdict {
        case .hidden: return verdict == "recorded"
        case .pass: return verdict == "pass"
        case .fail: return verdict == "fail"
        }
    }

    /// Parses a note written by `text`; `nil` for notes that are not easeml-ci verdicts.
    public init?(parsing text: String) {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let verdict = fields["easeml-ci"] else { return nil }
        self.init(
            verdict: verdict, testSetID: fields["test-set"], step: fields["step"].flatMap { Int($0) },
            stepsLeft: fields["steps-left"].flatMap { Int($0) }, condition: fields["condition"], commit: fields["commit"],
            ledgerEvent: fields["ledger-event"].flatMap { Int64($0) }, ledgerHead: fields["ledger-head"], mac: fields["mac"])
    }
}
