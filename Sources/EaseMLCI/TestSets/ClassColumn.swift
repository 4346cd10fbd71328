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

/// Example ids stored flat: the bytes of id `i` are `bytes[offsets[i]..<offsets[i+1]]`.
public struct ExampleIDs: Sendable, Equatable {
    public var bytes: [UInt8]
    public var offsets: [Int]

    public init() {
        bytes = []
        offsets = [0]
    }

    public var count: Int { offsets.count - 1 }

    mutating func append<C: Collection>(_ id: C) where C.Element == UInt8 {
        bytes.append(contentsOf: id)
        offsets.append(bytes.count)
    }

    /// Id `i` as a string.
    public func id(at i: Int) -> String {
        String(decoding: bytes[offsets[i]..<offsets[i + 1]], as: UTF8.self)
    }

    /// The bytes of id `i`.
    public func idBytes(at i: Int) -> ArraySlice<UInt8> { bytes[offsets[i]..<offsets[i + 1]] }
}
