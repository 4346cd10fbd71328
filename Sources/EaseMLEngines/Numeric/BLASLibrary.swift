#if canImport(Glibc)
import Glibc
#endif

/// Facts about the BLAS the engines' matrix products run on (OpenBLAS, opened by `OpenBLAS`).
public enum BLASLibrary {
    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public static var configuration: String { OpenBLAS.shared.config().map { String(cString: $0) } ?? "OpenBLAS (no configuration string)" }

    /// Loads OpenBLAS with its thread pool off for the whole process, for a command whose products
    /// all run on its own workers (`withoutBLASThreads`). Loaded as usual, the library starts its
    /// pool, whose threads spin in `sched_yield` for about a tenth of a second (its thread timeout,
    /// 2^28 cycles) before they sleep, taking a core from those workers even when no product ever
    /// uses them (`openblas_set_num_threads(1)` does not stop them). The library reads
    /// `OPENBLAS_NUM_THREADS` when it loads, so the variable is 1 during the load and put back as
    /// it was afterwards. No effect when the library is already loaded.
    ///
    /// It changes the process's environment: the command-line edge calls it first thing in a
    /// command, before the command starts any thread or process of its own; library code never does.
    public static func loadWithoutThreadPool() {
        let name = "OPENBLAS_NUM_THREADS"
        let previous = getenv(name).map { String(cString: $0) }
        setenv(name, "1", 1)
        _ = OpenBLAS.shared
        if let previous { setenv(name, previous, 1) } else { unsetenv(name) }
    }

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
