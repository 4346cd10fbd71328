import EaseMLEngines
import Foundation

/// What `easeml-ci improve` prints: the round to answer (arm, why, rows and why each), the
/// feasibility curve so far, and the arms' statistics; as text or JSON.
public struct ImproveReport: Sendable, Codable {
    public var session: String
    /// The open round (nil when no arm is left, or for `status` without an open round).
    public var round: ImproveSession.Round?
    public var curve: [ImprovementSimulation.Point]
    public var arms: [ImprovementBandit.ArmScore]
    /// The costs per row, for the text.
    public var cleanCost: Double
    public var labelCost: Double
    /// Said instead of a round when there is none.
    public var note: String?
    /// The target accuracy the curve is compared with, if any.
    public var target: Double?

    /// The report of `session` with `round` open; `note` is said when `round` is nil.
    public init(session: ImproveSession, round: ImproveSession.Round?, note: String? = nil) {
        self.session = session.id
        self.round = round
        self.note = round == nil ? note : nil
        curve = session.curve
        arms = session.armScores
        cleanCost = session.settings.cleanCost
        labelCost = session.settings.labelCost
    }

    /// The curve as a table: one line per point.
    public static func curveTable(_ curve: [ImprovementSimulation.Point]) -> String {
        var table = TextTable(header: ["round", "arm", "rows", "effort", "ceiling", "change"], leftColumns: 0, alsoLeft: [1])
        for (index, point) in curve.enumerated() {
            let change = index == 0 ? "" : String(format: "%+.4f", point.ceiling - curve[index - 1].ceiling)
            table.rows.append([
                "\(point.round)", point.arm?.rawValue ?? "start", "\(point.rows)", number(point.effort), String(format: "%.4f", point.ceiling), change,
            ])
        }
        return table.render()
    }

    /// The report as text.
    public func text() -> String {
        var out = ""
        if let round {
            out += "Round \(round.round): \(round.arm.rawValue) — \(round.reason).\n"
            out += round.arm == .clean
                ? "Clean these training rows (fill their missing cells), best first:\n"
                : "Label these pool rows, best first:\n"
            var table = TextTable(header: ["rank", "row", "why"], leftColumns: 0, alsoLeft: [2])
            for (rank, item) in round.items.enumerated() { table.rows.append(["\(rank + 1)", "\(item.row)", item.why]) }
            out += table.render() + "\n"
            out += round.arm == .clean
                ? "Then record them with `easeml-ci improve apply FILE` (a CSV: row, then every feature column; cost \(Self.number(cleanCost)) a row).\n"
                : "Then record them with `easeml-ci improve apply FILE` (a CSV of row,label; cost \(Self.number(labelCost)) a row).\n"
        } else if let note {
            out += note + "\n"
        }
        out += "\nFeasibility curve (accuracy ceiling = 1 − Cover–Hart bound from the validation rows' 1-NN error):\n"
        out += Self.curveTable(curve) + "\n"
        let arms = self.arms.map { "\($0.arm.rawValue): \($0.pulls) round\($0.pulls == 1 ? "" : "s"), mean normalised gain \(String(format: "%.3f", $0.meanReward))" }
        out += "Arms — " + arms.joined(separator: "; ") + ".\n"
        if let target, let ceiling = curve.last?.ceiling {
            out += ceiling >= target
                ? String(format: "The accuracy ceiling %.4f reaches the target %.4g: the data no longer rules the target out.\n", ceiling, target)
                : String(format: "The accuracy ceiling %.4f is below the target %.4g: no model can reach it on this data yet; keep improving it.\n", ceiling, target)
        }
        return out
    }

    /// The `--json` output (`ReportJSON`).
    public func json() -> String { ReportJSON.text(self) }

    /// A cost or effort: an integer when whole, else two decimals.
    public static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.2f", value)
    }
}
