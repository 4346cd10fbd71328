/// Owns the allocation that holds a `CSVTokenizer`'s field ranges, and frees it.
///
/// Why not an `Array`: emptying and appending to an array checks uniqueness and capacity on every
/// call, which on short prediction lines (`id,label`) cost more than finding the fields. Why the
/// tokenizer keeps its own copy of `pointer`: a class's `var` is checked for exclusive access at
/// run time on every use (`swift_beginAccess`), a struct's is not; this object is touched only when
/// a record is wider than any before.
final class CSVFieldBuffer {
    private(set) var pointer: UnsafeMutablePointer<CSVField>
    private(set) var capacity: Int

    init(capacity: Int) {
        pointer = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    deinit { pointer.deallocate() }

    /// Twice the room, keeping the first `capacity` fields.
    func grow() {
        let larger = UnsafeMutablePointer<CSVField>.allocate(capacity: 2 * capacity)
        larger.moveInitialize(from: pointer, count: capacity)
        pointer.deallocate()
        pointer = larger
        capacity *= 2
    }
}
