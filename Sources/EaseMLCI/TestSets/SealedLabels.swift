import Foundation

/// The plaintext that is sealed for a test set: its label column, format-independent.
struct SealedLabels: Codable {
    var classes: [String]
    /// Little-endian Int32 class codes.
    var codes: Data
    var idBytes: Data?
    var idOffsets: [Int]?

    init(_ column: ClassColumn) {
        classes = column.classes
        codes = column.codes.withUnsafeBufferPointer { Data(buffer: $0) }
        idBytes = column.ids.map { Data($0.bytes) }
        idOffsets = column.ids?.offsets
    }

    var column: ClassColumn {
        let count = codes.count / 4
        var values = [Int32](repeating: 0, count: count)
        _ = values.withUnsafeMutableBytes { codes.copyBytes(to: $0) }
        var ids: ExampleIDs?
        if let idBytes, let idOffsets {
            var flat = ExampleIDs()
            flat.bytes = [UInt8](idBytes)
            flat.offsets = idOffsets
            ids = flat
        }
        return ClassColumn(classes: classes, codes: values, ids: ids)
    }

    func encoded() -> Data { try! JSONEncoder().encode(self) }

    static func decode(_ data: Data) -> SealedLabels? { try? JSONDecoder().decode(SealedLabels.self, from: data) }
}
