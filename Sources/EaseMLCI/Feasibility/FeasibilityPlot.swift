import EaseMLEngines
import Foundation

/// `easeml-ci feasibility --plot`: the convergence curves as a self-contained SVG.
///
/// x: training examples (log scale, up to ten times the pool); y: the accuracy ceiling
/// 1 − (Cover–Hart bound), one colour per representation. Each curve shows its measured points, a band
/// from the ends of the 1-NN error's 95 % interval, and a dashed extrapolation from the fitted
/// R(n) = a + b·n^(−c). A horizontal red line marks the target accuracy, when there is one.
public struct FeasibilityPlot: Sendable {
    public var report: FeasibilityReport

    public init(report: FeasibilityReport) { self.report = report }

    private static let width = 760.0
    private static let height = 474.0
    private static let left = 70.0
    private static let right = 200.0
    private static let top = 94.0
    private static let bottom = 56.0
    private static let colours = ["#2b6cb0", "#dd6b20", "#2f855a", "#805ad5", "#b7791f", "#c53030"]

    /// Splits `text` at spaces into lines of at most `width` characters (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let entries = report.entries
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let sizes = entries.flatMap { $0.estimate.curve.points.map { Double($0.trainingSize) } }
        let xMin = log2(max(1, sizes.min() ?? 1))
        let xMax = log2(max(2, entries.map { Double($0.estimate.curve.poolSize) * 10 }.max() ?? 2))
        var lows = entries.flatMap { $0.estimate.curve.points.map { 1 - $0.bayesErrorBoundUpper } }
        if let target = report.target { lows.append(target) }
        let yStep = Self.step(for: 1 - (lows.min() ?? 0.9))
        let yMin = max(0, ((lows.min() ?? 0.9) / yStep).rounded(.down) * yStep - (lows.min()! - (((lows.min() ?? 0.9) / yStep).rounded(.down) * yStep) < yStep / 4 ? yStep : 0))
        func x(_ n: Double) -> Double { Self.left + (log2(n) - xMin) / max(1e-9, xMax - xMin) * plotWidth }
        func y(_ accuracy: Double) -> Double { Self.top + (1 - (accuracy - yMin) / (1 - yMin)) * plotHeight }

        var out: [String] = []
        out.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        out.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(Self.width))" height="\##(n(Self.height))" viewBox="0 0 \##(n(Self.width)) \##(n(Self.height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##)
        out.append("<title>easeml-ci feasibility: accuracy ceiling against training examples</title>")
        out.append(##"<rect width="100%" height="100%" fill="white"/>"##)
        out.append(##"<text x="\##(n(Self.left))" y="26" font-size="16" font-weight="bold" fill="#111827">Accuracy ceiling as the data grows</text>"##)
        out.append(##"<text x="\##(n(Self.left))" y="46" fill="#4b5563">1 − Cover–Hart bound from the held-out 1-NN error · band: 95 % interval · dashed: extrapolation · ◇: all data</text>"##)
        if let verdict = report.verdictText {
            // Bold 12 px text is about 7.5 px a character: wrap at word boundaries to the chart's width.
            for (index, line) in Self.wrap("Verdict: " + verdict, width: Int((Self.width - Self.left - 10) / 7.5)).prefix(2).enumerated() {
                out.append(##"<text x="\##(n(Self.left))" y="\##(n(64 + 15 * Double(index)))" fill="#111827" font-weight="bold">\##(escape(line))</text>"##)
            }
        }
        // Grid and axes.
        var tick = yMin
        while tick <= 1 + 1e-9 {
            out.append(##"<line x1="\##(n(Self.left))" x2="\##(n(Self.left + plotWidth))" y1="\##(n(y(tick)))" y2="\##(n(y(tick)))" stroke="#e5e7eb"/>"##)
            out.append(##"<text x="\##(n(Self.left - 8))" y="\##(n(y(tick) + 4))" text-anchor="end" fill="#4b5563">\##(String(format: yStep < 0.01 ? "%.3f" : "%.2f", tick))</text>"##)
            tick += yStep
        }
        var power = Int(xMin.rounded(.up))
        while Double(power) <= xMax {
            let value = pow(2, Double(power))
            let px = x(value)
            out.append(##"<line x1="\##(n(px))" x2="\##(n(px))" y1="\##(n(Self.top))" y2="\##(n(Self.top + plotHeight))" stroke="#f3f4f6"/>"##)
            out.append(##"<text x="\##(n(px))" y="\##(n(Self.top + plotHeight + 18))" text-anchor="middle" fill="#4b5563">\##(Self.sizeText(value))</text>"##)
            power += (xMax - xMin) > 10 ? 2 : 1
        }
        out.append(##"<rect x="\##(n(Self.left))" y="\##(n(Self.top))" width="\##(n(plotWidth))" height="\##(n(plotHeight))" fill="none" stroke="#9ca3af"/>"##)
        out.append(##"<text x="\##(n(Self.left + plotWidth / 2))" y="\##(n(Self.height - 14))" text-anchor="middle" fill="#111827">training examples (log scale)</text>"##)
        out.append(##"<text transform="translate(18 \##(n(Self.top + plotHeight / 2))) rotate(-90)" text-anchor="middle" fill="#111827">accuracy ceiling</text>"##)
        // Curves.
        for (i, entry) in entries.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let curve = entry.estimate.curve
            let upper = curve.points.map { "\(n(x(Double($0.trainingSize)))),\(n(y(1 - $0.bayesErrorBoundLower)))" }
            let lower = curve.points.reversed().map { "\(n(x(Double($0.trainingSize)))),\(n(y(1 - $0.bayesErrorBoundUpper)))" }
            out.append(##"<polygon points="\##((upper + lower).joined(separator: " "))" fill="\##(colour)" fill-opacity="0.15" stroke="none"/>"##)
            let line = curve.points.map { "\(n(x(Double($0.trainingSize)))),\(n(y(1 - $0.bayesErrorBound)))" }
            out.append(##"<polyline points="\##(line.joined(separator: " "))" fill="none" stroke="\##(colour)" stroke-width="2"/>"##)
            for point in curve.points {
                out.append(##"<circle cx="\##(n(x(Double(point.trainingSize))))" cy="\##(n(y(1 - point.bayesErrorBound)))" r="3.5" fill="\##(colour)"><title>\##(point.trainingSize) examples: 1-NN error \##(String(format: "%.4f", point.estimate.rate)), ceiling \##(String(format: "%.4f", 1 - point.bayesErrorBound))</title></circle>"##)
            }
            if let fit = curve.fit, let last = curve.points.last {
                let start = Double(last.trainingSize)
                let steps = (0...20).map { start * pow(10 * Double(curve.poolSize) / start, Double($0) / 20) }
                let lastRate = last.estimate.rate
                let dashed = steps.map { size -> String in
                    let rate = min(lastRate, max(0, fit.error(at: size)))
                    let ceiling = CoverHartBound.accuracyCeiling(nearestNeighborError: rate, classes: curve.classes)
                    return "\(n(x(size))),\(n(y(ceiling)))"
                }
                out.append(##"<polyline points="\##(dashed.joined(separator: " "))" fill="none" stroke="\##(colour)" stroke-width="2" stroke-dasharray="6 4"/>"##)
            }
            // The headline ceiling (leave-one-out on all examples, or the last held-out point).
            let headline = entry.estimate.nearestNeighborError
            let hx = x(Double(max(1, headline.references)))
            let hy = y(entry.estimate.accuracyCeiling)
            out.append(##"<path d="M \##(n(hx)) \##(n(hy - 6)) L \##(n(hx + 6)) \##(n(hy)) L \##(n(hx)) \##(n(hy + 6)) L \##(n(hx - 6)) \##(n(hy)) Z" fill="white" stroke="\##(colour)" stroke-width="2"><title>\##(headline.method.rawValue), \##(headline.trials) queries: ceiling \##(String(format: "%.4f", entry.estimate.accuracyCeiling))</title></path>"##)
            // Legend.
            let ly = Self.top + 10 + Double(i) * 44
            let lx = Self.left + plotWidth + 18
            out.append(##"<rect x="\##(n(lx))" y="\##(n(ly))" width="14" height="14" fill="\##(colour)"/>"##)
            out.append(##"<text x="\##(n(lx + 20))" y="\##(n(ly + 11))" fill="#111827">\##(escape(truncate(entry.estimate.name, 22)))</text>"##)
            let detail = "ceiling \(String(format: "%.4f", entry.estimate.accuracyCeiling))" + (entry.verdict.map { " · \($0)" } ?? "")
            out.append(##"<text x="\##(n(lx + 20))" y="\##(n(ly + 27))" fill="#4b5563" font-size="11">\##(escape(detail))</text>"##)
        }
        if let target = report.target, target >= yMin, target <= 1 {
            out.append(##"<line x1="\##(n(Self.left))" x2="\##(n(Self.left + plotWidth))" y1="\##(n(y(target)))" y2="\##(n(y(target)))" stroke="#d73027" stroke-width="1.5" stroke-dasharray="2 3"/>"##)
            out.append(##"<text x="\##(n(Self.left + 6))" y="\##(n(y(target) - Self.top < 16 ? y(target) + 15 : y(target) - 5))" fill="#d73027">target \##(String(format: "%.4g", target))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// A tick step giving about five ticks over `span`.
    static func step(for span: Double) -> Double {
        let raw = max(span, 1e-4) / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }

    private static func sizeText(_ value: Double) -> String {
        value >= 1_000_000 ? "\(Int(value / 1_000_000))M" : value >= 10_000 ? "\(Int(value / 1000))k" : String(Int(value))
    }
}

extension FeasibilityPlot {
    /// A coordinate as SVG text (at most two decimals), shared with `ImprovementPlot`.
    static func svgNumber(_ value: Double) -> String { n(value) }
}

private func truncate(_ text: String, _ length: Int) -> String { text.count <= length ? text : String(text.prefix(length - 1)) + "…" }

private func escape(_ text: String) -> String { XMLText.escape(text) }

private func n(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
}
