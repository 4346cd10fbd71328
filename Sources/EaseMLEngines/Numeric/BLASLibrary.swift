/// Facts about the BLAS the engines' matrix products run on (OpenBLAS, opened by `OpenBLAS`).
public enum BLASLibrary {
    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public static var configuration: String { OpenBLAS.shared.config().map { String(cString: $0) } ?? "OpenBLAS (no configuration string)" }

    /// Runs `body` with OpenBLAS's own threads off, so that each BLAS call runs in the thread that
    /// makes it, and restores the previous thread count afterwards. For code that runs BLAS calls on
    /// its own worker threads: OpenBLAS's idle threads otherwise spin for a while after each call and
    /// take cores from those workers. The setting is process-wide for the duration of `body`.
    public static func withoutBLASThreads<T>(_ body: () throws -> T) rethrows -> T {
        let blas = OpenBLAS.shared
        let previous = blas.threads()
        blas.setThreads(1)
        defer { blas.setThreads(previous) }
        return try body()
    }
}
