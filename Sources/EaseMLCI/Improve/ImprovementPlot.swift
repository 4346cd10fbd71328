import EaseMLEngines
import Foundation

/// `easeml-ci improve --plot`: feasibility curves as a self-contained SVG.
///
/// x: cumulative human effort (cost units, linear); y: the accuracy ceiling 1 − Cover–Hart bound.
/// One polyline per curve (earlier curves wider, so overlaps stay visible); each point is a marker
/// coloured by the arm of its round (circle = clean, square = acquire, diamond = the start), with a
/// tooltip giving round, arm, effort and ceiling; an optional target is a dashed red line.
public struct ImprovementPlot: Sendable {
    public var title: String
    public var curves: [(name: String, points: [ImprovementSimulation.Point])]
    /// A target accuracy drawn as a dashed red line, when given.
    public var target: Double?

    public init(title: String, curves: [(name: String, points: [ImprovementSimulation.Point])], target: Double? = nil) {
        self.title = title
        self.curves = curves
        self.target = target
    }

    private static let width = 760.0
    private static let height = 440.0
    private static let left = 70.0
    private static let right = 180.0
    private static let top = 60.0
    private static let bottom = 56.0
    private static let colours = ["#2b6cb0", "#dd6b20", "#2f855a", "#805ad5"]
    private static let armColours: [ImprovementArm: String] = [.clean: "#c05621", .acquire: "#2c5282"]

    /// The chart as an SVG document.
    public func svg() -> String {
        let n = FeasibilityPlot.svgNumber
        let escape = XMLText.escape
        let plotWidth = Self.width - Self.left - Self.right
        let plotHeight = Self.height - Self.top - Self.bottom
        let points = curves.flatMap(\.points)
        let xMax = max(points.map(\.effort).max() ?? 1, 1e-9)
        let levels = points.map(\.ceiling) + (target.map { [$0] } ?? [])
        let low = levels.min() ?? 0
        let high = levels.max() ?? 1
        let yStep = FeasibilityPlot.step(for: max(high - low, 0.01))
        let yMin = max(0, (low / yStep).rounded(.down) * yStep)
        let yMax = min(1, max(yMin + yStep, (high / yStep).rounded(.up) * yStep))
        func x(_ effort: Double) -> Double { Self.left + effort / xMax * plotWidth }
        func y(_ ceiling: Double) -> Double { Self.top + (1 - (ceiling - yMin) / (yMax - yMin)) * plotHeight }

        var out: [String] = []
        out.append(##"<?xml version="1.0" encoding="UTF-8"?>"##)
        out.append(##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(Self.width))" height="\##(n(Self.height))" viewBox="0 0 \##(n(Self.width)) \##(n(Self.height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##)
        out.append("<title>\(escape(title))</title>")
        out.append(##"<rect width="100%" height="100%" fill="white"/>"##)
        out.append(##"<text x="\##(n(Self.left))" y="26" font-size="16" font-weight="bold" fill="#111827">\##(escape(title))</text>"##)
        out.append(##"<text x="\##(n(Self.left))" y="44" fill="#4b5563">accuracy ceiling (1 − Cover–Hart bound) after each round · ● clean · ■ acquire</text>"##)
        var tick = yMin
        while tick <= yMax + 1e-9 {
            out.append(##"<line class="grid" x1="\##(n(Self.left))" x2="\##(n(Self.left + plotWidth))" y1="\##(n(y(tick)))" y2="\##(n(y(tick)))" stroke="#e5e7eb"/>"##)
            out.append(##"<text x="\##(n(Self.left - 8))" y="\##(n(y(tick) + 4))" text-anchor="end" fill="#4b5563">\##(String(format: yStep < 0.01 ? "%.3f" : "%.2f", tick))</text>"##)
            tick += yStep
        }
        let xStep = FeasibilityPlot.step(for: xMax)
        var xTick = 0.0
        while xTick <= xMax + 1e-9 {
            out.append(##"<text x="\##(n(x(xTick)))" y="\##(n(Self.top + plotHeight + 18))" text-anchor="middle" fill="#4b5563">\##(ImproveReport.number(xTick))</text>"##)
            xTick += xStep
        }
        out.append(##"<rect x="\##(n(Self.left))" y="\##(n(Self.top))" width="\##(n(plotWidth))" height="\##(n(plotHeight))" fill="none" stroke="#9ca3af"/>"##)
        out.append(##"<text x="\##(n(Self.left + plotWidth / 2))" y="\##(n(Self.height - 14))" text-anchor="middle" fill="#111827">human effort (cost units)</text>"##)
        out.append(##"<text transform="translate(18 \##(n(Self.top + plotHeight / 2))) rotate(-90)" text-anchor="middle" fill="#111827">accuracy ceiling</text>"##)
        // Earlier curves are drawn wider and with larger markers, so that overlapping ones stay visible.
        for (i, curve) in curves.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let width = 2 + 2 * Double(curves.count - 1 - i)
            let line = curve.points.map { "\(n(x($0.effort))),\(n(y($0.ceiling)))" }.joined(separator: " ")
            out.append(##"<polyline class="curve" points="\##(line)" fill="none" stroke="\##(colour)" stroke-width="\##(n(width))" stroke-linejoin="round"/>"##)
        }
        for (i, curve) in curves.enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let r = 4 + Double(curves.count - 1 - i)
            for point in curve.points {
                let tip = "<title>\(escape(curve.name)) round \(point.round) \(point.arm?.rawValue ?? "start"): effort \(ImproveReport.number(point.effort)), ceiling \(String(format: "%.4f", point.ceiling))</title>"
                let px = x(point.effort), py = y(point.ceiling)
                switch point.arm {
                case .clean?:
                    out.append(##"<circle class="point clean" cx="\##(n(px))" cy="\##(n(py))" r="\##(n(r))" fill="\##(Self.armColours[.clean]!)" stroke="white">\##(tip)</circle>"##)
                case .acquire?:
                    out.append(##"<rect class="point acquire" x="\##(n(px - r))" y="\##(n(py - r))" width="\##(n(2 * r))" height="\##(n(2 * r))" fill="\##(Self.armColours[.acquire]!)" stroke="white">\##(tip)</rect>"##)
                case nil:
                    out.append(##"<path class="point start" d="M \##(n(px)) \##(n(py - r - 1)) L \##(n(px + r + 1)) \##(n(py)) L \##(n(px)) \##(n(py + r + 1)) L \##(n(px - r - 1)) \##(n(py)) Z" fill="white" stroke="\##(colour)" stroke-width="2">\##(tip)</path>"##)
                }
            }
            let ly = Self.top + 10 + Double(i) * 40
            let lx = Self.left + plotWidth + 18
            out.append(##"<rect x="\##(n(lx))" y="\##(n(ly))" width="14" height="14" fill="\##(colour)"/>"##)
            out.append(##"<text class="legend" x="\##(n(lx + 20))" y="\##(n(ly + 11))" fill="#111827">\##(escape(curve.name))</text>"##)
            let last = curve.points.last.map { "ceiling \(String(format: "%.4f", $0.ceiling))" } ?? ""
            out.append(##"<text x="\##(n(lx + 20))" y="\##(n(ly + 27))" fill="#4b5563" font-size="11">\##(escape(last))</text>"##)
        }
        if let target {
            out.append(##"<line class="target" x1="\##(n(Self.left))" x2="\##(n(Self.left + plotWidth))" y1="\##(n(y(target)))" y2="\##(n(y(target)))" stroke="#d73027" stroke-width="1.5" stroke-dasharray="2 3"/>"##)
            out.append(##"<text x="\##(n(Self.left + 6))" y="\##(n(y(target) - 5))" fill="#d73027">target \##(String(format: "%.4g", target))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
