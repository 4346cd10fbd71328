/// One column of class labels (true labels or a model's predictions), as read from a file.
///
/// Classes are interned: `codes[i]` indexes `classes`. Example ids, when the file has them, are
/// kept as one flat byte buffer so ten million rows cost two arrays, not ten million strings.
public struct ClassColumn: Sendable, Equatable {
    /// The distinct class names in order of first appearance.
    public var classes: [String]
    /// Per example, the index of its class in `classes`.
    public var codes: [Int32]
    /// The example ids, if the file names them (`id,label` CSV, JSONL with `id`).
    public var ids: ExampleIDs?

    public init(classes: [String], codes: [Int32], ids: ExampleIDs?) {
        self.classes = classes
        self.codes = codes
        self.ids = ids
    }

    /// The number of examples.
    public var count: Int { codes.count }

    /// The class name of example `i`.
    public func label(at i: Int) -> String { classes[Int(codes[i])] }
}

/// Example ids stored flat: the bytes of id `i` are `bytes[range(i)]`.
///
/// Where each id ends is kept modulo 2³² (4 bytes per id, not an `Int`'s 8: 400 MB less at 100M
/// examples); `wraps` lists the ids at whose end the running total passed each further multiple of
/// 2³², so ids past 4 GiB of bytes still work (the list is empty below that).
public struct ExampleIDs: Sendable, Equatable {
    public private(set) var bytes: [UInt8] = []
    private var ends: [UInt32] = []
    private var wraps: [Int] = []
    /// The bits of an end kept in `ends` (32; fewer only in tests, to reach the wraps).
    private let offsetBits: Int

    public init() { offsetBits = 32 }

    init(offsetBits: Int) {
        precondition((1...32).contains(offsetBits))
        self.offsetBits = offsetBits
    }

    /// Equal ids, however their ends are kept.
    public static func == (lhs: ExampleIDs, rhs: ExampleIDs) -> Bool {
        guard lhs.count == rhs.count, lhs.bytes == rhs.bytes else { return false }
        if lhs.offsetBits == rhs.offsetBits { return lhs.ends == rhs.ends && lhs.wraps == rhs.wraps }
        return (0..<lhs.count).allSatisfy { lhs.end($0) == rhs.end($0) }
    }

    public var count: Int { ends.count }

    /// Where id `i` ends in `bytes`.
    @inline(__always)
    public func end(_ i: Int) -> Int {
        guard !wraps.isEmpty else { return Int(ends[i]) }
        var passed = 0  // wraps at or before i
        while passed < wraps.count && wraps[passed] <= i { passed += 1 }
        return Int(ends[i]) + passed << offsetBits
    }

    /// The byte range of id `i`.
    @inline(__always)
    public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : end(i - 1))..<end(i) }

    /// Id `i` as a string.
    public func id(at i: Int) -> String {
        String(decoding: bytes[range(i)], as: UTF8.self)
    }

    /// The bytes of id `i`.
    public func idBytes(at i: Int) -> ArraySlice<UInt8> { bytes[range(i)] }

    /// Room for `ids` more ids of `bytes` more bytes.
    mutating func reserveCapacity(ids: Int, bytes extra: Int = 0) {
        ends.reserveCapacity(ends.count + ids)
        if extra > 0 { bytes.reserveCapacity(bytes.count + extra) }
    }

    mutating func append<C: Collection>(_ id: C) where C.Element == UInt8 {
        bytes.append(contentsOf: id)
        appendEnd(bytes.count)
    }

    /// Appends `lengths.count` ids whose bytes, back to back, are `idBytes`.
    mutating func append<L: Sequence<Int>, B: Collection<UInt8>>(lengths: L, bytes idBytes: B) {
        var total = bytes.count
        for length in lengths {
            total += length
            appendEnd(total)
        }
        bytes.append(contentsOf: idBytes)
    }

    private mutating func appendEnd(_ total: Int) {
        while total >> offsetBits > wraps.count { wraps.append(ends.count) }
        ends.append(UInt32(truncatingIfNeeded: total & (1 << offsetBits - 1)))
    }
}
