import EaseMLCore
import Foundation

/// Integers with thousands separators (`595,633`), independent of the locale.
func grouped(_ value: Int) -> String { IntegerText.grouped(value) }

/// A short decimal for probabilities and logs: `1.2e-13`, `0.999`.
func compact(_ value: Double) -> String {
    if value == 0 { return "0" }
    if abs(value) >= 1e-3 && abs(value) < 1e6 { return String(format: "%.4g", value) }
    return String(format: "%.3g", value)
}
