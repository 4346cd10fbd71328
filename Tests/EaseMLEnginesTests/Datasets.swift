import EaseMLTestSupport
import Foundation
@testable import EaseMLEngines

/// A bundled classification dataset of `Tests/Fixtures/data` (`digits`, `breast_cancer`, `wine`, `iris`).
/// (`EaseMLEnginesSlowTests` has the same two lines: a test target cannot import another's helpers.)
func readDataset(_ name: String) throws -> LabeledMatrix {
    let url = try Fixtures.url("data/\(name).csv")
    return try CSVMatrixReader.readLabeled(String(contentsOf: url, encoding: .utf8), file: url.path)
}
