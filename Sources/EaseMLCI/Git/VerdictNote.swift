import Foundation

/// The git note attached to an evaluated commit under `refs/notes/easeml`: the verdict, test set,
/// step and condition — never metrics or labels — in `key: value` lines plain `git notes` shows.
public struct VerdictNote: Sendable, Hashable, Codable {
    /// `pass`, `fail`, `recorded` (adaptivity none), `refused` or `no-model-change`.
    public var verdict: String
    public var testSetID: String?
    public var step: Int?
    public var stepsLeft: Int?
    public var condition: String?

    public init(verdict: String, testSetID: String?, step: Int?, stepsLeft: Int?, condition: String?) {
        self.verdict = verdict
        self.testSetID = testSetID
        self.step = step
        self.stepsLeft = stepsLeft
        self.condition = condition
    }

    public var text: String {
        var lines = ["easeml-ci: \(verdict)"]
        if let testSetID { lines.append("test-set: \(testSetID)") }
        if let step { lines.append("step: \(step)") }
        if let stepsLeft { lines.append("steps-left: \(stepsLeft)") }
        if let condition { lines.append("condition: \(condition)") }
        return lines.joined(separator: "\n") + "\n"
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
            stepsLeft: fields["steps-left"].flatMap { Int($0) }, condition: fields["condition"])
    }
}
