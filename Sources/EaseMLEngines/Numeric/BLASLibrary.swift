import CBLAS

/// Facts about the BLAS the engines' matrix products run on (OpenBLAS through `CBLAS`).
public enum BLASLibrary {
    /// OpenBLAS's build description, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64`.
    public static var configuration: String { String(cString: openblas_get_config()) }
}
