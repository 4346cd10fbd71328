import Foundation

/// `easeml-ci next --svg` and `lineage --svg`: the process and the lineage as self-contained SVG.
///
/// The process: the eight steps as boxes in three columns (Day 0, Day 1, Day 2), each filled by its
/// state (done green, stale amber, not started grey, blocked red, not applicable pale) with the
/// evidence as a tooltip; the recommended step has a thick blue border. The lineage: files on the
/// left (the application's data sets first), runs on the right in recording order (stale runs dashed
/// red), an edge from each file a run read (red when it changed since) and to each file it wrote.
public enum ProcessPlot {
    static let stateColours: [ProcessReport.State: String] = [
        .done: "#c6f6d5", .stale: "#fefcbf", .notStarted: "#edf2f7", .blocked: "#fed7d7", .notApplicable: "#f7fafc",
    ]

    static func header(width: Double, height: Double, title: String) -> [String] {
        let n = FeasibilityPlot.svgNumber
        return [
            ##"<?xml version="1.0" encoding="UTF-8"?>"##,
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(width))" height="\##(n(height))" viewBox="0 0 \##(n(width)) \##(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">"##,
            "<title>\(XMLText.escape(title))</title>",
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="20" y="28" font-size="16" font-weight="bold" fill="#111827">\##(XMLText.escape(title))</text>"##,
        ]
    }

    /// The eight steps and the recommendation.
    public static func svg(_ report: ProcessReport) -> String {
        let n = FeasibilityPlot.svgNumber
        let escape = XMLText.escape
        let columns = ["Day 0", "Day 1", "Day 2"]
        let boxWidth = 220.0, boxHeight = 54.0, gap = 16.0, left = 20.0, top = 70.0
        let rows = columns.map { phase in report.steps.filter { $0.phase == phase }.count }.max() ?? 1
        let width = left * 2 + Double(columns.count) * boxWidth + Double(columns.count - 1) * 40
        let height = top + Double(rows) * (boxHeight + gap) + 70
        var out = header(width: width, height: height, title: "The Ease.ML process")
        var centres: [Int: (x: Double, y: Double)] = [:]
        for (column, phase) in columns.enumerated() {
            let x = left + Double(column) * (boxWidth + 40)
            out.append(##"<text x="\##(n(x))" y="\##(n(top - 12))" font-weight="bold" fill="#374151">\##(phase)</text>"##)
            for (row, step) in report.steps.filter({ $0.phase == phase }).enumerated() {
                let y = top + Double(row) * (boxHeight + gap)
                let recommended = report.recommendation?.step == step.number
                let stroke = recommended ? ##"stroke="#2b6cb0" stroke-width="4""## : ##"stroke="#9ca3af" stroke-width="1""##
                out.append(##"<g class="step \##(step.state.rawValue.replacingOccurrences(of: " ", with: "-"))\##(recommended ? " recommended" : "")" data-step="\##(step.number)">"##)
                out.append("<title>\(escape("\(step.number). \(step.name): \(step.state.rawValue) — \(step.evidence)"))</title>")
                out.append(##"<rect x="\##(n(x))" y="\##(n(y))" width="\##(n(boxWidth))" height="\##(n(boxHeight))" rx="8" fill="\##(stateColours[step.state]!)" \##(stroke)/>"##)
                out.append(##"<text x="\##(n(x + 10))" y="\##(n(y + 22))" font-weight="bold" fill="#111827">\##(step.number). \##(escape(step.name))</text>"##)
                out.append(##"<text x="\##(n(x + 10))" y="\##(n(y + 40))" fill="#374151">\##(escape(step.state.rawValue))</text>"##)
                out.append("</g>")
                centres[step.number] = (x + boxWidth / 2, y + boxHeight / 2)
            }
        }
        if let recommendation = report.recommendation {
            out.append(##"<text x="20" y="\##(n(height - 36))" fill="#2b6cb0" font-weight="bold">Next: step \##(recommendation.step) (\##(escape(recommendation.name)))</text>"##)
            out.append(##"<text x="20" y="\##(n(height - 16))" font-family="DejaVu Sans Mono, monospace" fill="#111827">\##(escape(recommendation.command))</text>"##)
        } else {
            out.append(##"<text x="20" y="\##(n(height - 24))" fill="#2f855a">Next: nothing pressing — every applicable step is done and current.</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The lineage graph.
    public static func svg(_ report: LineageReport) -> String {
        let n = FeasibilityPlot.svgNumber
        let escape = XMLText.escape
        var files: [String] = report.dataSets.map(\.path)
        for run in report.runs {
            for file in run.inputs + run.outputs where !files.contains(file.path) { files.append(file.path) }
        }
        let rowHeight = 44.0, top = 60.0, fileX = 20.0, fileWidth = 260.0, runX = 420.0, runWidth = 300.0
        let height = top + Double(max(files.count, report.runs.count, 1)) * rowHeight + 30
        var out = header(width: runX + runWidth + 20, height: height, title: "Lineage")
        func fileY(_ path: String) -> Double { top + Double(files.firstIndex(of: path)!) * rowHeight + 16 }
        func runY(_ index: Int) -> Double { top + Double(index) * rowHeight + 16 }
        for (index, run) in report.runs.enumerated() {
            for input in run.inputs {
                let colour = input.changed ? "#c53030" : "#9ca3af"
                out.append(##"<line class="read\##(input.changed ? " changed" : "")" x1="\##(n(fileX + fileWidth))" y1="\##(n(fileY(input.path)))" x2="\##(n(runX))" y2="\##(n(runY(index)))" stroke="\##(colour)"/>"##)
            }
            for output in run.outputs {
                out.append(##"<line class="wrote" x1="\##(n(runX))" y1="\##(n(runY(index)))" x2="\##(n(fileX + fileWidth))" y2="\##(n(fileY(output.path)))" stroke="#2b6cb0" stroke-dasharray="2 2"/>"##)
            }
        }
        let roles = Dictionary(report.dataSets.map { ($0.path, $0.role) }, uniquingKeysWith: { first, _ in first })
        for path in files {
            let y = fileY(path) - 16
            out.append(##"<g class="file"><rect x="\##(n(fileX))" y="\##(n(y))" width="\##(n(fileWidth))" height="32" rx="4" fill="#f7fafc" stroke="#9ca3af"/>"##)
            out.append(##"<text x="\##(n(fileX + 8))" y="\##(n(y + 20))" fill="#111827">\##(escape((roles[path].map { "\($0): " } ?? "") + path))</text></g>"##)
        }
        for (index, run) in report.runs.enumerated() {
            let y = runY(index) - 16
            let style = run.stale ? ##"fill="#fff5f5" stroke="#c53030" stroke-dasharray="5 3""## : ##"fill="#ebf8ff" stroke="#2b6cb0""##
            out.append(##"<g class="run\##(run.stale ? " stale" : "")" data-run="\##(run.id)"><title>\##(escape(run.decision + (run.stale ? " — stale: " + run.staleBecause.joined(separator: "; ") : "")))</title>"##)
            out.append(##"<rect x="\##(n(runX))" y="\##(n(y))" width="\##(n(runWidth))" height="32" rx="16" \##(style)/>"##)
            out.append(##"<text x="\##(n(runX + 12))" y="\##(n(y + 20))" fill="#111827">#\##(run.id) \##(escape(run.step))\##(run.stale ? " (stale)" : "")</text></g>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
