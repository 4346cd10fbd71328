import EaseMLCore
import EaseMLLedger
import Foundation

/// `easeml-ci status --plot`: a budget burn-down chart of every test set, as a self-contained SVG.
///
/// One card per test set (small multiples, up to three per row). Each card shows the steps left
/// against the evaluation number, with one marker per evaluation (pass, fail, or hidden under
/// adaptivity `none`), and below it the bits of leakage left on the same horizontal axis. The
/// card names the set, states its adaptivity and usage, and marks it `exhausted` or `retired`.
/// The chart is built from a `StatusReport` only, so it can show no metrics: verdicts, steps,
/// bits and times are all it knows.
public struct BudgetPlot: Sendable {
    public var report: StatusReport

    public init(report: StatusReport) { self.report = report }

    /// The class every evaluation marker carries (`marker pass`, `marker fail`, `marker hidden`),
    /// so tools and tests can find them; legend swatches use `legend-marker` instead.
    public static let markerClass = "marker"

    // Layout, in SVG user units (pixels).
    private static let cardWidth = 460.0
    private static let cardHeight = 330.0
    private static let gap = 20.0
    private static let margin = 24.0
    private static let headerHeight = 92.0
    private static let plotLeft = 54.0
    private static let plotRight = 22.0
    private static let stepsTop = 78.0
    private static let stepsHeight = 142.0
    private static let bitsTop = 244.0
    private static let bitsHeight = 46.0

    private enum Palette {
        static let steps = "#2b6cb0"
        static let bits = "#dd6b20"
        static let pass = "#1a9850"
        static let fail = "#d73027"
        static let hidden = "#6b7280"
        static let exhausted = "#c53030"
        static let retired = "#553c9a"
        static let active = "#2f855a"
        static let grid = "#e5e7eb"
        static let axis = "#9ca3af"
        static let text = "#111827"
        static let muted = "#4b5563"
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let sets = report.testSets
        let columns = sets.count <= 1 ? 1 : (sets.count <= 4 ? 2 : 3)
        let rows = max(1, (sets.count + columns - 1) / columns)
        let cardsWidth = Self.margin * 2 + Double(columns) * Self.cardWidth + Double(columns - 1) * Self.gap
        // Never narrower than the legend, which is one line long.
        let width = max(cardsWidth, Self.margin * 2 + Self.legendLabels.reduce(0) { $0 + Self.legendItemWidth($1) })
        let height = Self.margin + Self.headerHeight + Double(rows) * Self.cardHeight + Double(rows - 1) * Self.gap + Self.margin
        var out = SVGText()
        out.line(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        out.line(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(width))" height="\##(n(height))" viewBox="0 0 \##(n(width)) \##(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##)
        out.line("<title>easeml-ci test-set budgets</title>")
        out.line(##"<rect x="0" y="0" width="\##(n(width))" height="\##(n(height))" fill="#f9fafb"/>"##)
        header(&out, width: width)
        if sets.isEmpty {
            let y = Self.margin + Self.headerHeight + Self.cardHeight / 2
            out.line(##"<text x="\##(n(width / 2))" y="\##(n(y))" text-anchor="middle" font-size="15" fill="\##(Palette.muted)">No test set is registered. The owner registers one with easeml-ci testset add.</text>"##)
        }
        for (index, set) in sets.enumerated() {
            let x = Self.margin + Double(index % columns) * (Self.cardWidth + Self.gap)
            let y = Self.margin + Self.headerHeight + Double(index / columns) * (Self.cardHeight + Self.gap)
            card(&out, set, x: x, y: y)
        }
        out.line("</svg>")
        return out.text
    }

    // MARK: - Header and legend

    /// The legend's entries, in order: three markers, then three line styles.
    static let legendLabels = [
        "pass", "fail", "hidden (adaptivity none: kept for the owner)", "steps left", "bits of leakage left",
        "budget not yet used",
    ]

    /// The horizontal space one legend entry takes (swatch, gap and text at 12 px).
    static func legendItemWidth(_ label: String) -> Double { 26 + Double(label.count) * 6.6 }

    private func header(_ out: inout SVGText, width: Double) {
        let x = Self.margin
        var y = Self.margin + 18
        out.line(##"<text x="\##(n(x))" y="\##(n(y))" font-size="19" font-weight="bold" fill="\##(Palette.text)">Test-set budget burn-down</text>"##)
        y += 20
        let count = report.testSets.count
        out.line(##"<text x="\##(n(x))" y="\##(n(y))" fill="\##(Palette.muted)">\##(count) test set\##(count == 1 ? "" : "s") in \##(escape(Self.truncate(report.ledger, to: 90))) · verdicts only, no metrics</text>"##)
        y += 28
        // Legend: markers, then lines, then annotations.
        var lx = x
        func item(_ label: String, _ swatch: (inout SVGText, Double, Double) -> Void) {
            swatch(&out, lx + 7, y - 4)
            out.line(##"<text x="\##(n(lx + 18))" y="\##(n(y))" fill="\##(Palette.text)">\##(escape(label))</text>"##)
            lx += Self.legendItemWidth(label)
        }
        item(Self.legendLabels[0]) { out, cx, cy in Self.marker(&out, "pass", cx, cy, 4.5, className: "legend-marker", title: nil) }
        item(Self.legendLabels[1]) { out, cx, cy in Self.marker(&out, "fail", cx, cy, 4.5, className: "legend-marker", title: nil) }
        item(Self.legendLabels[2]) { out, cx, cy in
            Self.marker(&out, "hidden", cx, cy, 4.5, className: "legend-marker", title: nil)
        }
        item(Self.legendLabels[3]) { out, cx, cy in
            out.line(##"<line x1="\##(n(cx - 8))" y1="\##(n(cy))" x2="\##(n(cx + 6))" y2="\##(n(cy))" stroke="\##(Palette.steps)" stroke-width="2.5"/>"##)
        }
        item(Self.legendLabels[4]) { out, cx, cy in
            out.line(##"<line x1="\##(n(cx - 8))" y1="\##(n(cy))" x2="\##(n(cx + 6))" y2="\##(n(cy))" stroke="\##(Palette.bits)" stroke-width="2.5"/>"##)
        }
        item(Self.legendLabels[5]) { out, cx, cy in
            out.line(##"<line x1="\##(n(cx - 8))" y1="\##(n(cy))" x2="\##(n(cx + 6))" y2="\##(n(cy))" stroke="\##(Palette.axis)" stroke-width="1.5" stroke-dasharray="4 3"/>"##)
        }
    }

    // MARK: - One test set

    private func card(_ out: inout SVGText, _ set: StatusReport.TestSet, x: Double, y: Double) {
        let state = State(set)
        out.line(##"<g class="test-set" id="set-\##(escape(String(set.id.prefix(12))))" transform="translate(\##(n(x)),\##(n(y)))">"##)
        out.line(##"<rect x="0" y="0" width="\##(n(Self.cardWidth))" height="\##(n(Self.cardHeight))" rx="8" fill="#ffffff" stroke="\##(state.color ?? "#d1d5db")" stroke-width="\##(state.color == nil ? 1 : 2)"/>"##)
        // Title: name and id; status badge on the right.
        out.line(##"<text x="16" y="24" font-size="14" font-weight="bold" fill="\##(Palette.text)">\##(escape(Self.truncate(set.name, to: 30)))<tspan dx="10" font-weight="normal" font-family="DejaVu Sans Mono, Menlo, monospace" font-size="11" fill="\##(Palette.muted)">  \##(escape(String(set.id.prefix(12))))</tspan></text>"##)
        let badge = state.badge
        let badgeWidth = Double(badge.count) * 7.2 + 16
        out.line(##"<g class="state \##(state.kind)"><rect x="\##(n(Self.cardWidth - 14 - badgeWidth))" y="10" width="\##(n(badgeWidth))" height="20" rx="10" fill="\##(state.color ?? Palette.active)"/><text x="\##(n(Self.cardWidth - 14 - badgeWidth / 2))" y="24" text-anchor="middle" font-size="11" font-weight="bold" fill="#ffffff">\##(escape(badge))</text></g>"##)
        let bits = set.adaptivity == .none
            ? "no bits revealed"
            : "\(Self.bitsText(set.bitsUsed)) of \(Self.bitsText(set.bitsUsed + set.bitsLeft)) bits used"
        out.line(##"<text x="16" y="44" fill="\##(Palette.muted)">adaptivity \##(set.adaptivity.rawValue) · \##(set.stepsUsed) of \##(set.steps) steps used · \##(bits)</text>"##)
        out.line(##"<text x="16" y="61" font-size="11" fill="\##(Palette.muted)">\##(escape(Self.timeSpan(set.evaluations)))</text>"##)
        stepsPanel(&out, set, state)
        bitsPanel(&out, set, state)
        out.line("</g>")
    }

    /// Whether a set is active, exhausted or retired, and how that is shown.
    private struct State {
        var kind: String
        var badge: String
        var color: String?

        init(_ set: StatusReport.TestSet) {
            if set.retired {
                kind = "retired"
                badge = "RETIRED"
                color = Palette.retired
            } else if set.stepsLeft == 0 {
                kind = "exhausted"
                badge = "EXHAUSTED"
                color = Palette.exhausted
            } else {
                kind = "active"
                badge = "\(set.stepsLeft) LEFT"
                color = nil
            }
        }
    }

    private var plotWidth: Double { Self.cardWidth - Self.plotLeft - Self.plotRight }

    private func xPosition(_ evaluation: Double, steps: Int) -> Double {
        Self.plotLeft + evaluation / Double(max(steps, 1)) * plotWidth
    }

    private func stepsPanel(_ out: inout SVGText, _ set: StatusReport.TestSet, _ state: State) {
        let top = Self.stepsTop, height = Self.stepsHeight, steps = max(set.steps, 1)
        func yPosition(_ left: Double) -> Double { top + height - left / Double(steps) * height }
        // Grid and y axis.
        out.line(##"<text x="14" y="\##(n(top + height / 2))" transform="rotate(-90 14 \##(n(top + height / 2)))" text-anchor="middle" font-size="11" fill="\##(Palette.steps)">steps left</text>"##)
        for tick in Self.ticks(upTo: Double(steps)) {
            let ty = yPosition(tick)
            out.line(##"<line x1="\##(n(Self.plotLeft))" y1="\##(n(ty))" x2="\##(n(Self.plotLeft + plotWidth))" y2="\##(n(ty))" stroke="\##(Palette.grid)"/>"##)
            out.line(##"<text x="\##(n(Self.plotLeft - 6))" y="\##(n(ty + 4))" text-anchor="end" font-size="10" fill="\##(Palette.muted)">\##(Self.tickText(tick))</text>"##)
        }
        out.line(##"<line x1="\##(n(Self.plotLeft))" y1="\##(n(top + height))" x2="\##(n(Self.plotLeft + plotWidth))" y2="\##(n(top + height))" stroke="\##(Palette.axis)"/>"##)
        let used = set.evaluations.count
        // Area and line of the steps used so far; the rest of the budget dashed.
        var points = [(xPosition(0, steps: steps), yPosition(Double(steps)))]
        for k in 0..<used { points.append((xPosition(Double(k + 1), steps: steps), yPosition(Double(max(steps - (k + 1), 0))))) }
        if used > 0 {
            let area = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
                + " \(n(points.last!.0)),\(n(top + height)) \(n(points[0].0)),\(n(top + height))"
            out.line(##"<polygon points="\##(area)" fill="\##(Palette.steps)" fill-opacity="0.10"/>"##)
            out.line(##"<polyline class="steps-line" points="\##(points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " "))" fill="none" stroke="\##(Palette.steps)" stroke-width="2.5" stroke-linejoin="round"/>"##)
        }
        if !set.retired && used < steps {
            let start = points.last!
            out.line(##"<line x1="\##(n(start.0))" y1="\##(n(start.1))" x2="\##(n(xPosition(Double(steps), steps: steps)))" y2="\##(n(yPosition(0)))" stroke="\##(Palette.axis)" stroke-width="1.5" stroke-dasharray="4 3"/>"##)
        }
        if used == 0 {
            out.line(##"<circle cx="\##(n(points[0].0))" cy="\##(n(points[0].1))" r="3" fill="\##(Palette.steps)"/>"##)
            out.line(##"<text x="\##(n(Self.plotLeft + 12))" y="\##(n(top + height - 14))" font-size="13" fill="\##(Palette.muted)">no evaluations yet: \##(steps == 1 ? "the 1 step is" : "all \(steps) steps are") left</text>"##)
        }
        // Markers: one per evaluation, on the line.
        let radius = min(4.5, max(1.6, plotWidth / Double(steps) * 0.32))
        for (k, evaluation) in set.evaluations.enumerated() {
            let point = points[k + 1]
            let title = "evaluation \(evaluation.step): \(evaluation.verdict) · \(Self.timeText(evaluation.at)) · model \(evaluation.model)"
            Self.marker(&out, evaluation.verdict, point.0, point.1, radius, className: Self.markerClass, title: title)
        }
        // Annotations.
        if set.retired {
            let rx = xPosition(Double(used), steps: steps)
            out.line(##"<g class="annotation retired"><line x1="\##(n(rx))" y1="\##(n(top - 4))" x2="\##(n(rx))" y2="\##(n(top + height))" stroke="\##(Palette.retired)" stroke-width="1.5" stroke-dasharray="5 3"/>"##)
            let label = "retired" + (set.retiredReason.map { ": \($0)" } ?? "")
            let anchorEnd = rx > Self.plotLeft + plotWidth * 0.55
            out.line(##"<text x="\##(n(rx + (anchorEnd ? -6 : 6)))" y="\##(n(top + 10))" text-anchor="\##(anchorEnd ? "end" : "start")" font-size="12" font-weight="bold" fill="\##(Palette.retired)">\##(escape(Self.truncate(label, to: 40)))</text></g>"##)
        } else if set.stepsLeft == 0 {
            let ex = xPosition(Double(steps), steps: steps)
            out.line(##"<g class="annotation exhausted"><line x1="\##(n(ex))" y1="\##(n(top - 4))" x2="\##(n(ex))" y2="\##(n(top + height))" stroke="\##(Palette.exhausted)" stroke-width="1.5" stroke-dasharray="5 3"/>"##)
            out.line(##"<text x="\##(n(ex - 6))" y="\##(n(top + 10))" text-anchor="end" font-size="12" font-weight="bold" fill="\##(Palette.exhausted)">exhausted: register a new test set</text></g>"##)
        }
    }

    private func bitsPanel(_ out: inout SVGText, _ set: StatusReport.TestSet, _ state: State) {
        let top = Self.bitsTop, height = Self.bitsHeight, steps = max(set.steps, 1)
        let total = set.bitsUsed + set.bitsLeft
        out.line(##"<text x="14" y="\##(n(top + height / 2))" transform="rotate(-90 14 \##(n(top + height / 2)))" text-anchor="middle" font-size="11" fill="\##(Palette.bits)">bits left</text>"##)
        out.line(##"<line x1="\##(n(Self.plotLeft))" y1="\##(n(top + height))" x2="\##(n(Self.plotLeft + plotWidth))" y2="\##(n(top + height))" stroke="\##(Palette.axis)"/>"##)
        // X axis ticks (shared with the steps panel above).
        for tick in Self.ticks(upTo: Double(steps)) {
            let tx = xPosition(tick, steps: steps)
            out.line(##"<line x1="\##(n(tx))" y1="\##(n(top + height))" x2="\##(n(tx))" y2="\##(n(top + height + 4))" stroke="\##(Palette.axis)"/>"##)
            out.line(##"<line x1="\##(n(tx))" y1="\##(n(Self.stepsTop + Self.stepsHeight))" x2="\##(n(tx))" y2="\##(n(Self.stepsTop + Self.stepsHeight + 4))" stroke="\##(Palette.axis)"/>"##)
            out.line(##"<text x="\##(n(tx))" y="\##(n(top + height + 15))" text-anchor="middle" font-size="10" fill="\##(Palette.muted)">\##(Self.tickText(tick))</text>"##)
        }
        out.line(##"<text x="\##(n(Self.plotLeft + plotWidth / 2))" y="\##(n(top + height + 30))" text-anchor="middle" font-size="11" fill="\##(Palette.muted)">evaluation number (of \##(steps))</text>"##)
        guard set.adaptivity != .none, total > 0 else {
            let why = set.adaptivity == .none ? "adaptivity none: no verdict is revealed, 0 bits leak" : "a budget of 0 bits"
            out.line(##"<text x="\##(n(Self.plotLeft + plotWidth / 2))" y="\##(n(top + height / 2 + 4))" text-anchor="middle" font-size="11" fill="\##(Palette.muted)">\##(why)</text>"##)
            return
        }
        func yPosition(_ left: Double) -> Double { top + height - left / total * height }
        out.line(##"<line x1="\##(n(Self.plotLeft))" y1="\##(n(top))" x2="\##(n(Self.plotLeft + plotWidth))" y2="\##(n(top))" stroke="\##(Palette.grid)"/>"##)
        out.line(##"<text x="\##(n(Self.plotLeft - 6))" y="\##(n(top + 4))" text-anchor="end" font-size="10" fill="\##(Palette.muted)">\##(Self.bitsText(total))</text>"##)
        out.line(##"<text x="\##(n(Self.plotLeft - 6))" y="\##(n(top + height + 4))" text-anchor="end" font-size="10" fill="\##(Palette.muted)">0</text>"##)
        // Replay the budget rule over the evaluations so far (passes are known where revealed).
        var points = [(xPosition(0, steps: steps), yPosition(total))]
        var passes = 0
        for (k, evaluation) in set.evaluations.enumerated() {
            if evaluation.verdict == LedgerVerdict.pass.rawValue { passes += 1 }
            let usage = BudgetPolicy.usage(adaptivity: set.adaptivity, steps: set.steps, evaluations: k + 1, passes: passes)
            points.append((xPosition(Double(k + 1), steps: steps), yPosition(usage.bitsLeft)))
        }
        let line = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        out.line(##"<polyline class="bits-line" points="\##(line)" fill="none" stroke="\##(Palette.bits)" stroke-width="2.5" stroke-linejoin="round"/>"##)
        if !set.retired && set.evaluations.count < steps {
            let start = points.last!
            out.line(##"<line x1="\##(n(start.0))" y1="\##(n(start.1))" x2="\##(n(xPosition(Double(steps), steps: steps)))" y2="\##(n(yPosition(0)))" stroke="\##(Palette.axis)" stroke-width="1.5" stroke-dasharray="4 3"/>"##)
        }
        guard let end = points.last, set.evaluations.count > 0 else { return }
        let anchorEnd = end.0 > Self.plotLeft + plotWidth * 0.7
        out.line(##"<text x="\##(n(end.0 + (anchorEnd ? -6 : 6)))" y="\##(n(max(end.1 - 5, top + 9)))" text-anchor="\##(anchorEnd ? "end" : "start")" font-size="10" font-weight="bold" fill="\##(Palette.bits)">\##(Self.bitsText(set.bitsLeft)) left</text>"##)
    }

    // MARK: - Markers

    /// Draws a pass (filled circle), fail (cross) or hidden (hollow diamond) marker: shapes differ
    /// as well as colours, so the chart reads in grey scale and for colour-blind readers.
    private static func marker(_ out: inout SVGText, _ verdict: String, _ x: Double, _ y: Double, _ r: Double, className: String, title: String?) {
        let titleElement = title.map { "<title>\(escape($0))</title>" } ?? ""
        switch verdict {
        case "pass":
            out.line(##"<circle class="\##(className) pass" cx="\##(n(x))" cy="\##(n(y))" r="\##(n(r))" fill="\##(Palette.pass)" stroke="#ffffff" stroke-width="0.8">\##(titleElement)</circle>"##)
        case "fail":
            let d = r * 0.95
            out.line(##"<path class="\##(className) fail" d="M\##(n(x - d)),\##(n(y - d))L\##(n(x + d)),\##(n(y + d))M\##(n(x - d)),\##(n(y + d))L\##(n(x + d)),\##(n(y - d))" stroke="\##(Palette.fail)" stroke-width="\##(n(max(1.4, r * 0.55)))" stroke-linecap="round" fill="none">\##(titleElement)</path>"##)
        default:
            let d = r * 1.2
            out.line(##"<path class="\##(className) hidden" d="M\##(n(x)),\##(n(y - d))L\##(n(x + d)),\##(n(y))L\##(n(x)),\##(n(y + d))L\##(n(x - d)),\##(n(y))Z" fill="#ffffff" stroke="\##(Palette.hidden)" stroke-width="1.5">\##(titleElement)</path>"##)
        }
    }

    // MARK: - Text and numbers

    /// About five round tick values from 0 to `maximum` (always including both ends' range).
    static func ticks(upTo maximum: Double) -> [Double] {
        guard maximum > 0 else { return [0] }
        let rough = maximum / 5
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let unit = max(step, 1)
        var values: [Double] = []
        var value = 0.0
        while value <= maximum + 1e-9 {
            values.append(value)
            value += unit
        }
        return values
    }

    private static func tickText(_ value: Double) -> String {
        value == value.rounded() ? IntegerText.grouped(Int(value)) : String(format: "%g", value)
    }

    private static func bitsText(_ bits: Double) -> String {
        bits == bits.rounded() ? "\(Int(bits))" : String(format: "%.2f", bits)
    }

    private static func timeText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date) + " UTC"
    }

    private static func timeSpan(_ evaluations: [StatusReport.Evaluation]) -> String {
        guard let first = evaluations.first, let last = evaluations.last else { return "no evaluations yet" }
        if evaluations.count == 1 { return "1 evaluation, \(timeText(first.at))" }
        return "\(evaluations.count) evaluations, \(timeText(first.at)) → \(timeText(last.at))"
    }

    private static func truncate(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}

private func escape(_ text: String) -> String { XMLText.escape(text) }

/// A coordinate with at most two decimals and no trailing zeros.
private func n(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
}

/// An SVG document being built, one element per line.
private struct SVGText {
    var text = ""
    mutating func line(_ element: String) {
        text += element
        text += "\n"
    }
}
