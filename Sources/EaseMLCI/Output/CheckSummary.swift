import Foundation

/// CI renderings of a check's outcome: JUnit XML and a Markdown summary. Like every developer
/// output they carry the verdict and the budget only, never metrics or labels.
public enum CheckSummary {
    /// A JUnit XML report with one test case for the condition: a failure on FAIL, an error when
    /// the test set refused, a pass otherwise (RECORDED counts as passed: nothing is revealed).
    public static func junit(_ outcome: GateCheck.Outcome) -> String {
        let name = escape(outcome.condition)
        var testCase = "    <testcase classname=\"easeml-ci.gate\" name=\"\(name)\" time=\"0\">\n"
        switch outcome.answer {
        case .fail:
            testCase += "      <failure message=\"the condition does not hold with the configured reliability\" type=\"fail\"/>\n"
        case .refused:
            testCase += "      <error message=\"\(escape(outcome.message ?? "test set unavailable"))\" type=\"refused\"/>\n"
        case .pass, .recorded:
            break
        }
        testCase += "      <system-out>\(escape(line(outcome)))</system-out>\n    </testcase>\n"
        let failures = outcome.answer == .fail ? 1 : 0
        let errors = outcome.answer == .refused ? 1 : 0
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="easeml-ci" tests="1" failures="\(failures)" errors="\(errors)">
              <testsuite name="easeml-ci check" tests="1" failures="\(failures)" errors="\(errors)" skipped="0">
            \(testCase)  </testsuite>
            </testsuites>

            """
    }

    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a merge-request comment.
    public static func markdown(_ outcome: GateCheck.Outcome) -> String {
        let icon = switch outcome.answer {
        case .pass: "✅ PASS"
        case .fail: "❌ FAIL"
        case .recorded: "📝 RECORDED"
        case .refused: "⛔ REFUSED"
        }
        var text = "### easeml-ci: \(icon)\n\n| | |\n|---|---|\n"
        text += "| condition | `\(outcome.condition.replacingOccurrences(of: "|", with: "\\|"))` |\n"
        text += "| test set | `\(outcome.testSetID.prefix(12))` |\n"
        if let step = outcome.step { text += "| step | \(step) |\n" }
        text += "| steps left | \(outcome.stepsLeft) |\n"
        if outcome.replay { text += "| replay | yes: no new charge |\n" }
        if let message = outcome.message { text += "\n\(message)\n" }
        return text
    }

    /// The one-line human summary, as `check` prints it.
    public static func line(_ outcome: GateCheck.Outcome) -> String {
        var line = "\(outcome.answer.rawValue.uppercased())  \(outcome.condition)  (test set \(outcome.testSetID.prefix(12))"
        if let step = outcome.step { line += ", step \(step)" }
        line += ", \(outcome.stepsLeft) step\(outcome.stepsLeft == 1 ? "" : "s") left\(outcome.replay ? ", replayed: no new charge" : ""))"
        return line
    }

    private static func escape(_ text: String) -> String { XMLText.escape(text) }
}
