import EaseMLLedger
import Foundation

/// The plaintext that is sealed for a test set: its label column, format-independent.
///
/// Sealed in chunks (schema 6 on): chunk 0 is a header, chunks 1…k hold `rowsPerChunk` rows each
/// (the last fewer), each sealed on its own and stored in its own ledger row, so no blob grows with
/// the set and a chunk is decoded straight into the column. Every integer little-endian:
///
///     header (chunk 0):  "EMLSEAL2", classCount: UInt32, classCount × (length: UInt32, UTF-8 bytes),
///                        count: UInt64, hasIDs: UInt8, rowsPerChunk: UInt64, chunkCount: UInt64
///     chunk i ≥ 1:       "EMLCHNK2", rows: UInt64, rows × Int32 class codes,
///                        if hasIDs: rows × UInt32 id byte lengths, idByteCount: UInt64, the ids' bytes
///
/// The seal's authenticated context names the set, the chunk and the chunk count
/// (`context(testSetID:chunk:of:)`): a chunk cannot be moved to another set or position, and a
/// missing one is found by the header's count.
///
/// Sets sealed before hold one record, still read (`decode`): `"EMLSEAL1"`, the classes, count,
/// count × Int32 codes, hasIDs and the ids as above, in one blob; or, earlier still, JSON
/// (`{"classes":…,"codes":…,"idBytes":…,"idOffsets":…}`).
struct SealedLabels {
    var column: ClassColumn

    init(_ column: ClassColumn) { self.column = column }

    private static let magic = Array("EMLSEAL1".utf8)
    private static let headerMagic = Array("EMLSEAL2".utf8)
    private static let chunkMagic = Array("EMLCHNK2".utf8)

    /// Rows per sealed chunk: 2²⁰ (about 4 MB of codes, plus the ids), fewer when long ids would
    /// make a chunk pass `chunkBytes` (`rowsPerChunk(for:)`).
    static let rowsPerChunk = 1 << 20
    /// The most bytes one chunk may hold (SQLite refuses blobs over 1 GB).
    static let chunkBytes = 64 << 20

    /// The rows per chunk for `column`: `rowsPerChunk`, or fewer so that even rows of its longest
    /// id stay within `chunkBytes`.
    static func rowsPerChunk(for column: ClassColumn) -> Int {
        guard let ids = column.ids, ids.count > 0 else { return rowsPerChunk }
        var longest = 0
        for i in 0..<ids.count { longest = max(longest, ids.range(i).count) }
        return max(1, min(rowsPerChunk, chunkBytes / (8 + longest)))
    }

    /// The number of data chunks (after the header) for `count` rows.
    static func chunkCount(rows count: Int, rowsPerChunk: Int = rowsPerChunk) -> Int { (count + rowsPerChunk - 1) / rowsPerChunk }

    /// The authenticated context chunk `chunk` of `count` data chunks is sealed under; the header's
    /// is the one whole records were sealed under, so a key check opens either.
    static func context(testSetID: String, chunk: Int, of count: Int) -> String {
        chunk == 0 ? "labels:\(testSetID)" : "labels:\(testSetID):\(chunk)/\(count)"
    }

    /// Chunk `chunk` of the chunked encoding: 0 is the header, 1… the rows.
    func encodedChunk(_ chunk: Int, rowsPerChunk: Int = rowsPerChunk) -> Data {
        var out = [UInt8]()
        if chunk == 0 {
            out.append(contentsOf: Self.headerMagic)
            appendClasses(to: &out)
            Self.append(UInt64(column.count), to: &out)
            out.append(column.ids == nil ? 0 : 1)
            Self.append(UInt64(rowsPerChunk), to: &out)
            Self.append(UInt64(Self.chunkCount(rows: column.count, rowsPerChunk: rowsPerChunk)), to: &out)
            return Data(out)
        }
        let rows = (chunk - 1) * rowsPerChunk..<min(chunk * rowsPerChunk, column.count)
        let idRange = column.ids.map { ids in (rows.isEmpty ? 0 : ids.range(rows.lowerBound).lowerBound)..<(rows.isEmpty ? 0 : ids.end(rows.upperBound - 1)) }
        let idBytes = idRange?.count ?? 0
        out.reserveCapacity(24 + rows.count * 8 + idBytes)
        out.append(contentsOf: Self.chunkMagic)
        Self.append(UInt64(rows.count), to: &out)
        column.codes[rows].withUnsafeBytes { raw in
            if Int32(littleEndian: 1) == 1 { out.append(contentsOf: raw) } else { for code in column.codes[rows] { Self.append(code, to: &out) } }
        }
        if let ids = column.ids {
            for i in rows { Self.append(UInt32(ids.range(i).count), to: &out) }
            Self.append(UInt64(idBytes), to: &out)
            out.append(contentsOf: ids.bytes[idRange!])
        }
        return Data(out)
    }

    /// The header of the chunked encoding, or nil when `data` is not one.
    struct Header {
        var classes: [String]
        var count: Int
        var hasIDs: Bool
        var rowsPerChunk: Int
        var chunkCount: Int
    }

    static func header(_ data: Data) -> Header? {
        data.withUnsafeBytes { raw -> Header? in
            var reader = Reader(raw: raw)
            guard reader.bytes(headerMagic.count).map(Array.init) == headerMagic, let classes = reader.classes() else { return nil }
            guard let count = reader.uint64(), let hasIDs = reader.bytes(1)?.first, hasIDs <= 1, let rows = reader.uint64(),
                let chunks = reader.uint64(), reader.atEnd, rows > 0, count <= UInt64(Int.max), rows <= UInt64(Int32.max),
                chunks == (count + rows - 1) / rows
            else { return nil }
            return Header(classes: classes, count: Int(count), hasIDs: hasIDs == 1, rowsPerChunk: Int(rows), chunkCount: Int(chunks))
        }
    }

    /// Decodes data chunk `chunk` (≥ 1) of `header`, appending to `codes` and `ids`, which hold
    /// `preceding` rows before it (the chunks before it, or none when a chunk is decoded on its
    /// own); false when the bytes are malformed.
    static func decodeChunk(
        _ data: Data, _ chunk: Int, header: Header, preceding: Int, codes: inout [Int32], ids: inout ExampleIDs
    ) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            var reader = Reader(raw: raw)
            let start = (chunk - 1) * header.rowsPerChunk
            let expected = min(header.rowsPerChunk, header.count - start)
            guard reader.bytes(chunkMagic.count).map(Array.init) == chunkMagic, reader.uint64() == UInt64(expected), preceding == start,
                let codeBytes = reader.bytes(expected * 4)
            else { return false }
            let classCount = Int32(header.classes.count)
            for i in 0..<expected {
                let code = Int32(littleEndian: codeBytes.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
                guard code >= 0 && code < classCount else { return false }
                codes.append(code)
            }
            if header.hasIDs {
                guard let lengths = reader.bytes(expected * 4) else { return false }
                func length(_ i: Int) -> Int { Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
                var total = 0
                for i in 0..<expected {
                    total += length(i)
                    guard total <= raw.count else { return false }
                }
                guard reader.uint64() == UInt64(total), let idBytes = reader.bytes(total) else { return false }
                ids.append(lengths: (0..<expected).lazy.map(length), bytes: idBytes)
            }
            return reader.atEnd
        }
    }

    /// The single record sets were sealed as before schema 6 (`"EMLSEAL1"`); kept so that reading
    /// it stays tested.
    func encoded() -> Data {
        var out = [UInt8]()
        let idCount = column.ids?.bytes.count ?? 0
        out.reserveCapacity(64 + column.classes.reduce(0) { $0 + $1.utf8.count + 4 } + column.count * 8 + idCount)
        out.append(contentsOf: Self.magic)
        appendClasses(to: &out)
        Self.append(UInt64(column.count), to: &out)
        for code in column.codes { Self.append(code, to: &out) }
        if let ids = column.ids {
            out.append(1)
            for i in 0..<ids.count { Self.append(UInt32(ids.range(i).count), to: &out) }
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
            guard reader.bytes(magic.count).map(Array.init) == magic, let classes = reader.classes() else { return nil }
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
                func length(_ i: Int) -> Int { Int(UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
                let total = (0..<count).reduce(0) { $0 + length($1) }
                guard reader.uint64() == UInt64(total), let idBytes = reader.bytes(total) else { return nil }
                var flat = ExampleIDs()
                flat.reserveCapacity(ids: count, bytes: total)
                flat.append(lengths: (0..<count).lazy.map(length), bytes: idBytes)
                ids = flat
            } else if hasIDs != 0 {
                return nil
            }
            guard reader.atEnd else { return nil }
            return SealedLabels(ClassColumn(classes: classes, codes: codes, ids: ids))
        }
    }

    /// The class names: their count, then each as (length: UInt32, UTF-8 bytes).
    private func appendClasses(to out: inout [UInt8]) {
        Self.append(UInt32(column.classes.count), to: &out)
        for name in column.classes {
            Self.append(UInt32(name.utf8.count), to: &out)
            out.append(contentsOf: name.utf8)
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

        /// The class names `appendClasses` wrote.
        mutating func classes() -> [String]? {
            guard let count = uint32() else { return nil }
            var classes: [String] = []
            for _ in 0..<count {
                guard let length = uint32(), let name = bytes(Int(length)) else { return nil }
                classes.append(String(decoding: name, as: UTF8.self))
            }
            return classes
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
                guard idOffsets.first == 0, idOffsets.last == idBytes.count, zip(idOffsets, idOffsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                    return nil
                }
                var flat = ExampleIDs()
                flat.append(lengths: zip(idOffsets, idOffsets.dropFirst()).map { $1 - $0 }, bytes: idBytes)
                ids = flat
            }
            return SealedLabels(ClassColumn(classes: legacy.classes, codes: values, ids: ids))
        }
    }
}

extension SealedLabels {
    /// Seals `column` for the set `testSetID`: the header (chunk 0) and the data chunks, each under
    /// its own context.
    static func seal(
        _ column: ClassColumn, testSetID: String, key: SealingKey, rowsPerChunk: Int? = nil
    ) throws(EaseMLCIError) -> (header: Data, chunks: [Data]) {
        let rowsPerChunk = rowsPerChunk ?? Self.rowsPerChunk(for: column)
        let labels = SealedLabels(column)
        let count = chunkCount(rows: column.count, rowsPerChunk: rowsPerChunk)
        let header = try labels.sealedChunk(0, of: count, testSetID: testSetID, key: key, rowsPerChunk: rowsPerChunk)
        var chunks: [Data] = []
        chunks.reserveCapacity(count)
        for chunk in stride(from: 1, through: count, by: 1) {
            chunks.append(try labels.sealedChunk(chunk, of: count, testSetID: testSetID, key: key, rowsPerChunk: rowsPerChunk))
        }
        return (header, chunks)
    }

    /// Seals chunk `chunk` of `count` data chunks for `testSetID` (0: the header), under its own
    /// context; registration seals them one at a time as it stores them.
    func sealedChunk(_ chunk: Int, of count: Int, testSetID: String, key: SealingKey, rowsPerChunk: Int) throws(EaseMLCIError) -> Data {
        do { return try key.seal(encodedChunk(chunk, rowsPerChunk: rowsPerChunk), context: Self.context(testSetID: testSetID, chunk: chunk, of: count)) } catch {
            throw .sealing(error)
        }
    }

    /// Opens the sealed labels of `testSetID` from `ledger` with the owner's key, one chunk at a
    /// time (or the single record of a set sealed before chunks).
    static func open(testSetID: String, ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> ClassColumn {
        try Stream(testSetID: testSetID, ledger: ledger, key: key, keepIDs: true).finish()
    }

    /// The sealed labels of a set, opened chunk by chunk in order: every chunk's codes are kept;
    /// its ids only while they are needed (`keepIDs`), else only the current chunk's — so that a
    /// prediction file in the set's order is checked against the ids without holding them all
    /// (`matches`).
    final class Stream {
        let classes: [String]
        let count: Int
        let hasIDs: Bool
        private let testSetID: String
        private let ledger: Ledger
        private let key: SealingKey
        private let header: Header?
        private let keepIDs: Bool
        private var codes: [Int32] = []
        // `matches` reads these on every row of a prediction file. The stream is used by one
        // thread and never hands out references to them, so the runtime's exclusivity check on
        // each access (`swift_beginAccess`, 6 % of a 10M-row check) guards nothing.
        @exclusivity(unchecked) private var ids = ExampleIDs()
        /// The row of `ids`' first id.
        @exclusivity(unchecked) private var idBase = 0
        private var nextChunk = 1
        private var failure: EaseMLCIError?
        /// `failure != nil`, tested on every row without copying the error.
        @exclusivity(unchecked) private var failed = false

        init(testSetID: String, ledger: Ledger, key: SealingKey, keepIDs: Bool) throws(EaseMLCIError) {
            self.testSetID = testSetID
            self.ledger = ledger
            self.key = key
            self.keepIDs = keepIDs
            let first = try openHeader(testSetID: testSetID, ledger: ledger, key: key)
            guard let header = SealedLabels.header(first) else {
                guard let labels = decode(first) else { throw .testSetUnavailable("the sealed labels of \(testSetID) are unreadable") }
                self.header = nil
                classes = labels.column.classes
                count = labels.column.count
                hasIDs = labels.column.ids != nil
                codes = labels.column.codes
                ids = labels.column.ids ?? ExampleIDs()
                return
            }
            // The header is sealed; its count must also be the size the ledger's row vouches for.
            let record: TestSetRecord?
            do { record = try ledger.testSet(id: testSetID) } catch { throw .ledger(error) }
            guard let record, record.size == header.count else {
                throw .testSetUnavailable("the sealed labels of \(testSetID) do not match its registered size")
            }
            self.header = header
            classes = header.classes
            count = header.count
            hasIDs = header.hasIDs
            codes.reserveCapacity(header.count)
            if keepIDs && hasIDs { ids.reserveCapacity(ids: header.count) }
        }

        /// The next chunk, opened and decoded on another thread while this one's rows are matched
        /// (without `keepIDs`, the streaming path of `check`: there each chunk's ids replace the
        /// last's, so a chunk decodes on its own).
        private var prefetched: ChunkPrefetch?

        /// Opens and decodes the next chunk; false when none is left.
        private func readChunk() throws(EaseMLCIError) -> Bool {
            guard let header, nextChunk <= header.chunkCount else { return false }
            let chunk = nextChunk
            if keepIDs {
                let opened = try openChunk(try sealed(chunk, of: header), chunk, header: header, key: key, testSetID: testSetID)
                guard decodeChunk(opened, chunk, header: header, preceding: codes.count, codes: &codes, ids: &ids) else {
                    throw unreadableChunk(chunk, testSetID: testSetID)
                }
            } else {
                let decoded: ChunkPrefetch.Decoded
                if let prefetched, prefetched.chunk == chunk {
                    decoded = try prefetched.wait()
                    self.prefetched = nil
                } else {
                    decoded = try ChunkPrefetch.decode(
                        try sealed(chunk, of: header), chunk, header: header, key: key, testSetID: testSetID)
                }
                if chunk < header.chunkCount {
                    prefetched = ChunkPrefetch(try sealed(chunk + 1, of: header), chunk + 1, header: header, key: key, testSetID: testSetID)
                }
                idBase = codes.count
                codes.append(contentsOf: decoded.codes)
                ids = decoded.ids
            }
            nextChunk += 1
            return true
        }

        private func sealed(_ chunk: Int, of header: Header) throws(EaseMLCIError) -> Data {
            let sealed: Data?
            do { sealed = try ledger.sealedLabelChunk(testSetID: testSetID, chunk: chunk) } catch { throw .ledger(error) }
            guard let sealed else {
                throw .testSetUnavailable("the sealed labels of \(testSetID) are incomplete: chunk \(chunk) of \(header.chunkCount) is missing")
            }
            return sealed
        }

        /// Whether example `row`'s id is `bytes`, reading chunks forward as needed; false for a
        /// row before the current chunk (without `keepIDs`), past the end, or when a chunk cannot
        /// be read (`finish` then throws why).
        func matches(_ row: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard hasIDs, !failed, row >= idBase else { return false }
            while row - idBase >= ids.count {
                do {
                    guard try readChunk() else { return false }
                } catch {
                    failure = error
                    failed = true
                    return false
                }
            }
            let range = ids.range(row - idBase)
            guard range.count == bytes.count else { return false }
            guard let other = bytes.baseAddress, !range.isEmpty else { return true }
            return ids.bytes.withUnsafeBufferPointer { all in
                let mine = all.baseAddress! + range.lowerBound
                // Ids are short (row numbers, keys): a loop beats a call to memcmp there.
                guard range.count <= 16 else { return memcmp(mine, other, range.count) == 0 }
                var k = 0
                while k < range.count && mine[k] == other[k] { k += 1 }
                return k == range.count
            }
        }

        /// The whole column (ids only with `keepIDs`), reading the chunks left.
        func finish() throws(EaseMLCIError) -> ClassColumn {
            if let failure { throw failure }
            while try readChunk() {}
            return ClassColumn(classes: classes, codes: codes, ids: hasIDs && keepIDs ? ids : nil)
        }
    }

    /// One sealed chunk opened and decoded on its own, in the `Background`: the stream asks for
    /// chunk k + 1 as it starts on chunk k, so on two cores the decryption and decoding of the
    /// labels runs beside the parse of the predictions.
    final class ChunkPrefetch: Sendable {
        struct Decoded: Sendable {
            var codes: [Int32] = []
            var ids = ExampleIDs()
        }

        let chunk: Int
        private let work: Background<Result<Decoded, EaseMLCIError>>

        init(_ sealed: Data, _ chunk: Int, header: Header, key: SealingKey, testSetID: String) {
            self.chunk = chunk
            work = Background { Result { () throws(EaseMLCIError) in try Self.decode(sealed, chunk, header: header, key: key, testSetID: testSetID) } }
        }

        /// The chunk's codes and ids once the worker is done, or its error.
        func wait() throws(EaseMLCIError) -> Decoded {
            try work.value.get()
        }

        static func decode(_ sealed: Data, _ chunk: Int, header: Header, key: SealingKey, testSetID: String) throws(EaseMLCIError) -> Decoded {
            let opened = try openChunk(sealed, chunk, header: header, key: key, testSetID: testSetID)
            var decoded = Decoded()
            guard decodeChunk(opened, chunk, header: header, preceding: (chunk - 1) * header.rowsPerChunk, codes: &decoded.codes, ids: &decoded.ids) else {
                throw unreadableChunk(chunk, testSetID: testSetID)
            }
            return decoded
        }
    }

    /// Opens sealed data chunk `chunk` of `header` with the owner's key.
    static func openChunk(_ sealed: Data, _ chunk: Int, header: Header, key: SealingKey, testSetID: String) throws(EaseMLCIError) -> Data {
        do { return try key.open(sealed, context: context(testSetID: testSetID, chunk: chunk, of: header.chunkCount)) } catch { throw .sealing(error) }
    }

    static func unreadableChunk(_ chunk: Int, testSetID: String) -> EaseMLCIError {
        .testSetUnavailable("the sealed labels of \(testSetID) are unreadable (chunk \(chunk))")
    }

    /// Opens only the header (or the single record): proves the key is the set's without reading
    /// the labels.
    @discardableResult
    static func openHeader(testSetID: String, ledger: Ledger, key: SealingKey) throws(EaseMLCIError) -> Data {
        let sealed: Data
        do { sealed = try ledger.sealedLabels(testSetID: testSetID) } catch { throw .ledger(error) }
        do { return try key.open(sealed, context: context(testSetID: testSetID, chunk: 0, of: 0)) } catch { throw .sealing(error) }
    }
}
