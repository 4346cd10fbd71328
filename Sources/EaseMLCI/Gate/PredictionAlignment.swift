import EaseMLCore
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

    /// The model id of aligned codes: the hash of their 4-byte little-endian form (whatever form
    /// `encode` stores them in), without making that copy.
    static func modelHash(_ codes: [Int32]) -> String {
        codes.withUnsafeBytes { ContentHash.ofBytes($0) }
    }

    /// Aligned codes as stored with an accepted model in the ledger: one byte per example when
    /// every code is a class of the set's first 256 (a quarter of the writes and reads — at 10M
    /// examples 10 MB instead of 40), else 4-byte little-endian codes (a set with more classes, or
    /// a prediction of a class the set lacks, whose code is negative). `decode` tells the two
    /// apart by the length, the set's size being known.
    static func encode(_ codes: [Int32]) -> Data {
        if codes.allSatisfy({ $0 >= 0 && $0 <= 255 }) {
            return Data(count: codes.count) { bytes in
                for (index, code) in codes.enumerated() { bytes[index] = UInt8(truncatingIfNeeded: code) }
            }
        }
        return codes.withUnsafeBufferPointer { Data(buffer: $0) }
    }

    /// Whether `stored` holds the codes of `count` examples in either form of `encode`.
    static func fits(_ stored: Data, count: Int) -> Bool {
        stored.count == count || stored.count == 4 * count
    }

    /// Tallies `new` against `labels` and the old model's codes as `encode` stored them (either
    /// form), read in place: no decoded copy (400 MB at 100M examples).
    static func tally(new: [Int32], stored: Data, labels: [Int32]) throws(DecisionError) -> EvaluationCounts {
        let count = labels.count
        guard fits(stored, count: count) else { throw .lengthMismatch(new: new.count, old: stored.count, labels: count) }
        let result = stored.withUnsafeBytes { raw in
            Result { () throws(DecisionError) in
                if stored.count == count {
                    return try EvaluationCounts.tally(new: new, paired: raw.bindMemory(to: UInt8.self).lazy.map { Int32($0) }, labels: labels)
                }
                return try EvaluationCounts.tally(
                    new: new, paired: (0..<count).lazy.map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) }, labels: labels)
            }
        }
        return try result.get()
    }

    /// The codes of `count` examples stored by `encode` (either form); nil when the length fits
    /// neither (a row that is not this set's).
    static func decode(_ data: Data, count: Int) -> [Int32]? {
        if data.count == count {
            return data.withUnsafeBytes { bytes in bytes.map { Int32($0) } }
        }
        guard data.count == 4 * count else { return nil }
        var values = [Int32](repeating: 0, count: count)
        _ = values.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        return values
    }
}

private extension Data {
    /// `count` bytes written by `fill` into the new value's own storage.
    init(count: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        self.init(count: count)
        withUnsafeMutableBytes { raw in fill(raw.bindMemory(to: UInt8.self)) }
    }
}
