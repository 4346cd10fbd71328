#if canImport(Glibc)
import Glibc
#endif

/// A regular file mapped read-only into memory, for one forward pass over files of any size: the
/// reader hands back the pages it has passed (`release(before:)`), so the pass costs a window of
/// the file in memory, not the whole file. A page given back is read from the file again if it is
/// touched later (a diagnostic pointing at an earlier line still works).
///
/// Only regular files are mapped (`open` returns nil for a pipe or a device: read those whole).
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes.
    public let bytes: UnsafeBufferPointer<UInt8>
    private let base: UnsafeMutableRawPointer?
    /// The pages before this offset have been given back.
    private var released = 0
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private init(base: UnsafeMutableRawPointer?, count: Int) {
        self.base = base
        bytes = UnsafeBufferPointer(start: base?.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// Maps the regular file at `path`; nil when it cannot be opened, is not a regular file, or
    /// cannot be mapped.
    public static func open(_ path: String) -> MappedFile? {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let count = Int(status.st_size)
        if count == 0 { return MappedFile(base: nil, count: 0) }
        guard let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        madvise(address, count, MADV_SEQUENTIAL)
        return MappedFile(base: address, count: count)
    }

    /// Gives back the whole pages before `offset`: they no longer count in the process's memory.
    public func release(before offset: Int) {
        guard let base else { return }
        let end = min(offset, bytes.count) / Self.pageSize * Self.pageSize
        guard end > released else { return }
        madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }
}
