import Foundation
@testable import EaseMLCore

/// Parses a condition in tests, failing loudly with the diagnostic.
func condition(_ text: String) -> Condition {
    do { return try ConditionParser.parse(text) } catch { fatalError("\(text): \(error)") }
}
