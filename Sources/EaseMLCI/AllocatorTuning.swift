import CProcessControl

/// The process's allocator settings, made once at start-up by the command-line edge (which owns
/// the process; library code never calls this).
///
/// `check` and `testset add` stream a test set in chunks of megabytes (a sealed chunk, its opened
/// bytes, its decoded ids), each freed before the next. glibc serves such blocks with `mmap` (or
/// from the top of the heap, returned to the system on every `free` above 128 KB), so every chunk
/// faulted in fresh, zeroed pages: at 10M examples a quarter of a million page faults, half of the
/// check's system time. Blocks up to 32 MB now come from the heap and up to 256 MB of free heap top
/// is kept for the next one; larger blocks (a 100M-example column) are still mapped and unmapped
/// on their own, so the peak stays what the data needs.
public enum AllocatorTuning {
    public static func apply() {
        _ = easeml_set_allocator_parameter(easeml_malloc_mmap_threshold, 32 << 20)
        _ = easeml_set_allocator_parameter(easeml_malloc_trim_threshold, 256 << 20)
    }
}
