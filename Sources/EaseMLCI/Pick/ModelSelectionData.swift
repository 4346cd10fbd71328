import EaseMLEngines
import Foundation

/// A labels file and one prediction file per candidate model, read and aligned (by example id when
/// the files name ids, else by position) into one `ModelSelectionPool` with the labels' class codes.
public struct ModelSelectionData: Sendable {
    /// The candidate names: each prediction file's name without its folder and extension.
    public var models: [String]
    /// The labels' classes, in order of first appearance.
    public var classes: [String]
    public var pool: ModelSelectionPool

    /// Reads `labelsPath` and `modelPaths` (CSV `id,label`/`id,prediction`, one per line, JSONL or .npy).
    public static func load(labelsPath: String, modelPaths: [String]) throws(EaseMLCIError) -> ModelSelectionData {
        guard modelPaths.count >= 2 else {
            throw .invalidOption(option: "MODEL_FILES", message: "give at least two prediction files, got \(modelPaths.count)")
        }
        let labels = try read(labelsPath)
        var columns: [[Int32]] = []
        for path in modelPaths {
            columns.append(try PredictionAlignment.align(try read(path), to: labels, file: path))
        }
        let pool: ModelSelectionPool
        do { pool = try ModelSelectionPool(labels: labels.codes, predictionsByModel: columns) } catch { throw .modelSelection(error) }
        return ModelSelectionData(models: modelPaths.map(modelName), classes: labels.classes, pool: pool)
    }

    static func read(_ path: String) throws(EaseMLCIError) -> ClassColumn {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadableFile(path: path, reason: "no such file or not readable")
        }
        do { return try ClassColumnReader().read(data, file: path) } catch { throw .data(error) }
    }

    static func modelName(_ path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}
