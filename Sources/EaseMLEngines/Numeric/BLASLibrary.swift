import CBLAS

/// Facts about the BLAS the engines' matrix products run on (OpenBLAS through `CBLAS`).
public enum BLASLibrary {
    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// Runs `body` with OpenBLAS's own threads off, so that each BLAS call runs in the thread that
    /// makes it, and restores the previous thread count afterwards. For code that runs BLAS calls on
    /// its own worker threads: OpenBLAS's idle threads otherwise spin for a while after each call and
    /// take cores from those workers. The setting is process-wide for the duration of `body`.
    public static func withoutBLASThreads<T>(_ body: () throws -> T) rethrows -> T {
        let previous = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }
}
