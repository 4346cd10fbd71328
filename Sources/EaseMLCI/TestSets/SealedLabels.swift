import EaseMLLedger
import Foundation

/// The plaintext that is sealed for a test set: its label column, format-independent.
///
/// On disk (inside the seal) it is a compact binary record, every integer little-endian:
///
///     "EMLSEAL1"                      8 bytes, magic and version
///     classCount: UInt32
///     classCount × (length: UInt32, UTF-8 bytes)
///     count: UInt64                   the number of examples
///     count × Int32                   class codes
///     hasIDs: UInt8                   0 or 1
///     if hasIDs: count × UInt32       the byte length of each id
///                idByteCount: UInt64, then the ids' bytes back to back
///
/// Ten million labels with ids take about 150 MB and decode at memory speed. Test sets sealed by
/// earlier versions hold JSON (`{"classes":…,"codes":…,"idBytes":…,"idOffsets":…}`) and still decode.
struct SealedLabels {
    var column: ClassColumn

    init(_ column: ClassColumn) { self.column = column }

    private static let magic = Array("EMLSEAL1".utf8)

    /// The binary record described above.
    func encoded() -> Data {
        var out = [UInt8]()
        let idCount = column.ids?.bytes.count ?? 0
        out.reserveCapacity(64 + column.classes.reduce(0) { $0 + $1.utf8.count + 4 } + column.count * 8 + idCount)
        out.append(contentsOf: Self.magic)
        Self.append(UInt32(column.classes.count), to: &out)
        for name in column.classes {
            Self.append(UInt32(name.utf8.count), to: &out)
            out.append(contentsOf: name.utf8)
        }
        Self.append(UInt64(column.count), to: &out)
        for code in column.codes { Self.append(code, to: &out) }
        if let ids = column.ids {
            out.append(1)
            for i in 0..<ids.count { Self.append(UInt32(ids.offsets[i + 1] - ids.offsets[i]), to: &out) }
            Self.append(UInt64(ids.bytes.count), to: &out)
            out.append(contentsOf: ids.bytes)
        } else {
            out.append(0)
        }
        return Data(out)
    }

    /// Decodes `encoded()` (or the JSON of earlier versions); `nil` when the bytes are malformed.
    static func decode(_ data: Data) -> SealedLabels? {
        if data.first == UInt8(ascii: "{") { return LegacyJSON.decode(data) }
        return data.withUnsafeBytes { raw -> SealedLabels? in
            var reader = Reader(raw: raw)
            guard reader.bytes(magic.count).map(Array.init) == magic, let classCount = reader.uint32() else { return nil }
            var classes: [String] = []
            for _ in 0..<classCount {
                guard let length = reader.uint32(), let name = reader.bytes(Int(length)) else { return nil }
                classes.append(String(decoding: name, as: UTF8.self))
            }
            guard let count64 = reader.uint64(), count64 <= UInt64(raw.count / 4), let codeBytes = reader.bytes(Int(count64) * 4) else {
                return nil
            }
            let count = Int(count64)
            var codes = [Int32](repeating: 0, count: count)
            codes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: codeBytes)) }
            if Int32(littleEndian: 1) != 1 { for i in 0..<count { codes[i] = Int32(littleEndian: codes[i]) } }
            guard codes.allSatisfy({ $0 >= 0 && Int($0) < classes.count }), let hasIDs = reader.bytes(1)?.first else { return nil }
            var ids: ExampleIDs?
            if hasIDs == 1 {
                guard let lengths = reader.bytes(count * 4) else { return nil }
                var flat = ExampleIDs()
                flat.offsets = [Int](repeating: 0, count: count + 1)
                var total = 0
                for i in 0..<count {
                    total += Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
                    flat.offsets[i + 1] = total
                }
                guard reader.uint64() == UInt64(total), let idBytes = reader.bytes(total) else { return nil }
                flat.bytes = [UInt8](idBytes)
                ids = flat
            } else if hasIDs != 0 {
                return nil
            }
            guard reader.atEnd else { return nil }
            return SealedLabels(ClassColumn(classes: classes, codes: codes, ids: ids))
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Bounds-checked little-endian reads from the front of a buffer.
    private struct Reader {
        var raw: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool { position == raw.count }

        mutating func bytes(_ count: Int) -> Slice<UnsafeRawBufferPointer>? {
            guard count >= 0, count <= raw.count - position else { return nil }
            defer { position += count }
            return raw[position..<position + count]
        }

        mutating func uint32() -> UInt32? {
            bytes(4).map { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        }

        mutating func uint64() -> UInt64? {
            bytes(8).map { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        }
    }

    /// The JSON plaintext of test sets sealed before the binary record.
    private struct LegacyJSON: Decodable {
        var classes: [String]
        var codes: Data
        var idBytes: Data?
        var idOffsets: [Int]?

        static func decode(_ data: Data) -> SealedLabels? {
            guard let legacy = try? JSONDecoder().decode(LegacyJSON.self, from: data) else { return nil }
            var values = [Int32](repeating: 0, count: legacy.codes.count / 4)
            _ = values.withUnsafeMutableBytes { legacy.codes.copyBytes(to: $0) }
            var ids: ExampleIDs?
            if let idBytes = legacy.idBytes, let idOffsets = legacy.idOffsets {
                var flat = ExampleIDs()
                flat.bytes = [UInt8](idBytes)
                flat.offsets = idOffsets
                ids = flat
            }
            return SealedLabels(ClassColumn(classes: legacy.classes, codes: values, ids: ids))
        }
    }
}

extension SealedLabels {
    /// Opens the sealed labels of `testSetID` from `ledger` with the owner's key.
    static func open(testSetID: String, ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> ClassColumn {
        let sealed: Data
        do { sealed = try ledger.sealedLabels(testSetID: testSetID) } catch { throw .ledger(error) }
        let opened: Data
        do { opened = try key.open(sealed, context: "labels:\(testSetID)") } catch { throw .sealing(error) }
        guard let labels = decode(opened) else {
            throw .testSetUnavailable("the sealed labels of \(testSetID) are unreadable")
        }
        return labels.column
    }
}
