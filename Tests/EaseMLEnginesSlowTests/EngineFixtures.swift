import EaseMLTestSupport
import Foundation
@testable import EaseMLEngines

/// A fixture whose content is not what the tests expect.
struct MalformedFixture: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "Tests/Fixtures/\(path): \(message)" }
}

/// Reads an `id,value` CSV fixture with integer values, in file order (the EmoContext files share
/// one id order, which `emoContextPool` checks).
func readIntegerColumn(_ path: String) throws -> (ids: [String], values: [Int32]) {
    let text = try Fixtures.text(path)
    var ids: [String] = []
    var values: [Int32] = []
    for (index, line) in text.split(whereSeparator: \.isNewline).dropFirst().enumerated() {
        let fields = line.split(separator: ",")
        guard fields.count == 2, let value = Int32(fields[1].trimmingCharacters(in: .whitespaces)) else {
            throw MalformedFixture(path: path, message: "line \(index + 2) is not `id,integer`: \(line)")
        }
        ids.append(String(fields[0]))
        values.append(value)
    }
    return (ids, values)
}

/// The EmoContext pool of `Tests/Fixtures/data/emocontext` (5,509 items, 8 models), read once.
private let emoContextRead = Result<ModelSelectionPool, any Error> {
    let labels = try readIntegerColumn("data/emocontext/labels.csv")
    let models = try (1...8).map { try readIntegerColumn("data/emocontext/model\($0).csv") }
    for (index, model) in models.enumerated() where model.ids != labels.ids {
        throw MalformedFixture(path: "data/emocontext/model\(index + 1).csv", message: "its ids are not those of labels.csv, in the same order")
    }
    return try ModelSelectionPool(labels: labels.values, predictionsByModel: models.map(\.values))
}

/// The EmoContext pool; throws (failing the test that asks) when its fixture is missing or malformed.
var emoContextPool: ModelSelectionPool { get throws { try emoContextRead.get() } }

/// A bundled classification dataset of `Tests/Fixtures/data` (`digits`, `breast_cancer`, `wine`, `iris`).
/// (`EaseMLEnginesTests` has the same two lines: a test target cannot import another's helpers.)
func readDataset(_ name: String) throws -> LabeledMatrix {
    let url = try Fixtures.url("data/\(name).csv")
    return try CSVMatrixReader.readLabeled(String(contentsOf: url, encoding: .utf8), file: url.path)
}
