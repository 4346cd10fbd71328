import EaseMLCore
@testable import EaseMLCI
import EaseMLTestSupport
import Foundation
import Testing

struct BudgetPlotTests {
    /// A set with `verdicts` as its evaluations, one minute apart.
    private func testSet(_ name: String, adaptivity: Adaptivity = .full, steps: Int, verdicts: [String], retired: String? = nil) -> StatusReport.TestSet {
        let start = Date(timeIntervalSince1970: 1_760_000_000)
        let evaluations = verdicts.enumerated().map { index, verdict in
            StatusReport.Evaluation(step: index + 1, at: start.addingTimeInterval(Double(index) * 60), model: String(format: "%012x", index), verdict: verdict)
        }
        let used = verdicts.count
        let bitsTotal: Double = adaptivity == .full ? Double(steps) : (adaptivity == .none ? 0 : log2(Double(steps)))
        let bitsUsed = adaptivity == .full ? Double(used) : (adaptivity == .none ? 0 : (retired != nil ? bitsTotal : bitsTotal - log2(Double(steps - used))))
        return StatusReport.TestSet(
            id: String(repeating: String(name.count % 10), count: 64), name: name, size: 3000, adaptivity: adaptivity,
            reliability: 0.9, condition: "n > 0.5 +/- 0.05", steps: steps, stepsUsed: used, stepsLeft: steps - used,
            bitsUsed: bitsUsed, bitsLeft: bitsTotal - bitsUsed, retired: retired != nil, retiredReason: retired,
            forced: false, question: "", amendments: 0, evaluations: evaluations, evaluationCount: evaluations.count, outlook: "")
    }

    @Test func smallMultiplesHaveOneMarkerPerEvaluationAndTheRightAnnotations() throws {
        let sets = [
            testSet("fresh", steps: 8, verdicts: []),
            testSet("one", steps: 8, verdicts: ["pass"]),
            testSet("busy", steps: 200, verdicts: (0..<150).map { $0 % 3 == 0 ? "pass" : "fail" }),
            testSet("spent", steps: 4, verdicts: ["fail", "fail", "pass", "fail"]),
            testSet("first change", adaptivity: .firstChange, steps: 8, verdicts: ["fail", "pass"], retired: "first pass"),
            testSet("owner only", adaptivity: .none, steps: 5, verdicts: ["hidden", "hidden", "hidden", "hidden", "hidden"]),
            testSet(#"Q&A <"quoted"> 'set'"#, steps: 1, verdicts: []),
        ]
        let svg = BudgetPlot(report: StatusReport(ledger: "/tmp/ledger.sqlite", testSets: sets)).svg()
        let chart = try #require(SVGInspector.parse(Data(svg.utf8)), "not well-formed XML")
        #expect(chart.elements.first?.name == "svg")
        #expect(chart.elements(withClasses: "test-set").count == 7)
        #expect(chart.elements(withClasses: "marker").count == sets.map(\.evaluations.count).reduce(0, +))
        #expect(chart.elements(withClasses: "marker", "pass").count == 1 + 50 + 1 + 1)
        #expect(chart.elements(withClasses: "marker", "fail").count == 100 + 3 + 1)
        #expect(chart.elements(withClasses: "marker", "hidden").count == 5)
        #expect(chart.elements(withClasses: "legend-marker").count == 3)
        // "spent" and "owner only" are exhausted; "first change" is retired, not exhausted.
        #expect(chart.elements(withClasses: "annotation", "exhausted").count == 2)
        #expect(chart.elements(withClasses: "annotation", "retired").count == 1)
        #expect(chart.text.contains("retired: first pass"))
        #expect(chart.elements(withClasses: "state", "active").count == 4)
        #expect(chart.text.contains(#"Q&A <"quoted"> 'set'"#))
        #expect(chart.text.contains("no evaluations yet"))
        #expect(chart.text.contains("adaptivity none: no verdict is revealed"))
        // Three columns for seven sets: the canvas is wider than tall enough for three rows.
        let root = try #require(chart.elements.first)
        #expect(Double(root.attributes["width"] ?? "") ?? 0 > 1400)
    }

    @Test func noEvaluationsAndNoSetsStillMakeAValidChart() throws {
        let empty = try #require(SVGInspector.parse(Data(BudgetPlot(report: StatusReport(ledger: "l", testSets: [])).svg().utf8)))
        #expect(empty.text.contains("No test set is registered"))
        #expect(empty.elements(withClasses: "marker").isEmpty)
        let fresh = try #require(SVGInspector.parse(Data(BudgetPlot(report: StatusReport(ledger: "l", testSets: [testSet("new", steps: 32, verdicts: [])])).svg().utf8)))
        #expect(fresh.elements(withClasses: "marker").isEmpty)
        #expect(fresh.elements(withClasses: "annotation").isEmpty)
        #expect(fresh.text.contains("no evaluations yet: all 32 steps are left"))
    }

    @Test func ticksAreRoundNumbersCoveringTheBudget() {
        #expect(BudgetPlot.ticks(upTo: 16) == [0, 5, 10, 15])
        #expect(BudgetPlot.ticks(upTo: 4) == [0, 1, 2, 3, 4])
        #expect(BudgetPlot.ticks(upTo: 1) == [0, 1])
        #expect(BudgetPlot.ticks(upTo: 200) == [0, 50, 100, 150, 200])
        #expect(BudgetPlot.ticks(upTo: 0) == [0])
    }
}
