import EaseMLLedger
import Foundation

/// Lines a model's predictions up with a test set's labels: by example id when both files name
/// ids, by position otherwise. The result is one label-class code per test example, in label order.
///
/// A predicted class that is not one of the test set's (public) classes is simply wrong: it gets a
/// negative code, the same for the same name in any file, that no label has. Refusing it instead
/// would answer, for free, whether the class occurs among the hidden labels.
enum PredictionAlignment {
    /// Reads a model's predictions from `path` and aligns them with the sealed labels of
    /// `testSetID`: the aligned prediction codes and the label codes. In the usual case — the file
    /// names the set's ids in the set's order — the labels are opened chunk by chunk beside the
    /// parse and neither side's ids are ever held whole (at 100M examples, about 2.6 GB less); a
    /// file without ids is aligned by position, also without the labels' ids; otherwise the file
    /// is read again with its ids and joined by id.
    static func readAligned(
        _ path: String, testSetID: String, ledger: Ledger, key: SealingKey
    ) throws(EaseMLCIError) -> (predictions: [Int32], labels: [Int32]) {
        let stream = try SealedLabels.Stream(testSetID: testSetID, ledger: ledger, key: key, keepIDs: false)
        let read: ClassColumnReader.Read?
        do { read = try ClassColumnReader().read(contentsOf: path, expected: stream.hasIDs ? stream.matches : nil) } catch { throw .data(error) }
        guard var read else { throw .unreadableFile(path: path, reason: "no such file or not readable") }
        // The labels' ids are needed only to join a file that names ids in another order.
        let labels = read.inExpectedOrder || read.column.ids == nil
            ? try stream.finish() : try SealedLabels.open(testSetID: testSetID, ledger: ledger, key: key)
        let codes = try align(&read.column, to: labels, file: path)
        return (codes, labels.codes)
    }

    static func align(_ predictions: ClassColumn, to labels: ClassColumn, file: String) throws(EaseMLCIError) -> [Int32] {
        var column = predictions
        return try align(&column, to: labels, file: file)
    }

    /// Aligns `predictions` (whose codes it takes, remapping them in place) with `labels`.
    static func align(_ predictions: inout ClassColumn, to labels: ClassColumn, file: String) throws(EaseMLCIError) -> [Int32] {
        guard predictions.count == labels.count else {
            throw .predictionsMismatch(
                file: file, message: "\(predictions.count) predictions for a test set of \(labels.count) examples")
        }
        var classIndex: [String: Int32] = [:]
        for (i, name) in labels.classes.enumerated() { classIndex[name] = Int32(i) }
        var remap = [Int32](repeating: -1, count: predictions.classes.count)
        for (i, name) in predictions.classes.enumerated() {
            remap[i] = classIndex[name] ?? unknownClassCode(name)
        }
        var aligned: [Int32] = []
        swap(&aligned, &predictions.codes)
        aligned.withUnsafeMutableBufferPointer { codes in
            remap.withUnsafeBufferPointer { remap in
                for i in codes.indices { codes[i] = remap[Int(codes[i])] }
            }
        }
        if let labelIDs = labels.ids, let predictionIDs = predictions.ids, labelIDs != predictionIDs {
            var position: [ArraySlice<UInt8>: Int] = [:]
            position.reserveCapacity(predictionIDs.count)
            for i in 0..<predictionIDs.count {
                guard position.updateValue(i, forKey: predictionIDs.idBytes(at: i)) == nil else {
                    throw .predictionsMismatch(file: file, message: "example id `\(predictionIDs.id(at: i))` appears more than once")
                }
            }
            var reordered = [Int32](repeating: 0, count: aligned.count)
            for i in 0..<labelIDs.count {
                guard let j = position[labelIDs.idBytes(at: i)] else {
                    throw .predictionsMismatch(file: file, message: "no prediction for test example `\(labelIDs.id(at: i))`")
                }
                reordered[i] = aligned[j]
            }
            aligned = reordered
        }
        return aligned
    }

    /// The code of a class the test set does not have: negative, from a 30-bit FNV-1a hash of its name.
    static func unknownClassCode(_ name: String) -> Int32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        return -1 - Int32(hash & 0x3FFF_FFFF)
    }

    /// The model id of aligned codes: the hash of `encode(codes)`, without making that copy.
    static func modelHash(_ codes: [Int32]) -> String {
        codes.withUnsafeBytes { ContentHash.ofBytes($0) }
    }

    /// Aligned codes as little-endian bytes: how an accepted model is stored in the ledger.
    static func encode(_ codes: [Int32]) -> Data { codes.withUnsafeBufferPointer { Data(buffer: $0) } }

    static func decode(_ data: Data) -> [Int32] {
        var values = [Int32](repeating: 0, count: data.count / 4)
        _ = values.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return values
    }
}
