import Foundation
@testable import EaseMLEngines

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The project's read-only `shared/` folder beside the repository (`EASEML_SHARED` overrides).
let sharedFolder: URL = {
    if let path = ProcessInfo.processInfo.environment["EASEML_SHARED"] { return URL(fileURLWithPath: path) }
    return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
}()

/// Reads an `id,value` CSV with integer values, in file order (the EmoContext files share one id order,
/// which `emoContextPool` checks).
func readIntegerColumn(_ url: URL) throws -> (ids: [String], values: [Int32]) {
    let text = try String(contentsOf: url, encoding: .utf8)
    var ids: [String] = []
    var values: [Int32] = []
    for line in text.split(whereSeparator: \.isNewline).dropFirst() {
        let fields = line.split(separator: ",")
        guard fields.count == 2, let value = Int32(fields[1].trimmingCharacters(in: .whitespaces)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        ids.append(String(fields[0]))
        values.append(value)
    }
    return (ids, values)
}

/// The EmoContext pool of `shared/data/emocontext` (5,509 items, 8 models), read once.
let emoContextPool: ModelSelectionPool = {
    let folder = sharedFolder.appendingPathComponent("data/emocontext")
    do {
        let labels = try readIntegerColumn(folder.appendingPathComponent("labels.csv"))
        let models = try (1...8).map { try readIntegerColumn(folder.appendingPathComponent("model\($0).csv")) }
        for model in models { precondition(model.ids == labels.ids, "EmoContext files must share one id order") }
        return try ModelSelectionPool(labels: labels.values, predictionsByModel: models.map(\.values))
    } catch {
        fatalError("cannot read EmoContext from \(folder.path): \(error)")
    }
}()

/// A bundled classification dataset of `shared/data` (`digits`, `breast_cancer`, `wine`, `iris`).
func readDataset(_ name: String) throws -> LabeledMatrix {
    let url = sharedFolder.appendingPathComponent("data/\(name).csv")
    return try CSVMatrixReader.readLabeled(String(contentsOf: url, encoding: .utf8), file: url.path)
}
