import CBLAS

#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, opened with `dlopen` on first use rather than linked: loading it starts its thread
/// pool, which every process would otherwise pay for at start-up (the pre-commit hook among them),
/// and only the engines multiply matrices. `CBLAS` gives the declarations; the functions are
/// looked up here, once.
///
/// A missing library is a broken installation (`install.sh` installs Debian's `libopenblas0`), as
/// it was when the library was linked and the binary would not start at all: it stops the process
/// with a message naming the package.
struct OpenBLAS: @unchecked Sendable {
    typealias Dgemm = @convention(c) (
        CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, Double, UnsafePointer<Double>?, blasint,
        UnsafePointer<Double>?, blasint, Double, UnsafeMutablePointer<Double>?, blasint
    ) -> Void

    let dgemm: Dgemm
    let config: @convention(c) () -> UnsafeMutablePointer<CChar>?
    let threads: @convention(c) () -> Int32
    let setThreads: @convention(c) (Int32) -> Void

    /// The library's soname on Debian (the `libopenblas.so.0` alternative of `libopenblas0`).
    static let soname = "libopenblas.so.0"

    static let shared = OpenBLAS()

    private init() {
        // Already in the process (the Python wheel's binary has it as a needed library, under the
        // name auditwheel gave its copy; probed by an OpenBLAS-only symbol, not by a CBLAS one
        // another library could export), else opened from the system.
        let handle: UnsafeMutableRawPointer
        if let process = dlopen(nil, RTLD_NOW), dlsym(process, "openblas_get_config") != nil {
            handle = process
        } else if let opened = dlopen(Self.soname, RTLD_NOW | RTLD_LOCAL) {
            handle = opened
        } else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            fatalError("easeml-ci: cannot load \(Self.soname) (\(reason)); install Debian's libopenblas0 (install.sh does)")
        }
        func symbol<T>(_ name: String, as type: T.Type) -> T {
            guard let address = dlsym(handle, name) else { fatalError("easeml-ci: \(Self.soname) has no \(name)") }
            return unsafeBitCast(address, to: type)
        }
        dgemm = symbol("cblas_dgemm", as: Dgemm.self)
        config = symbol("openblas_get_config", as: (@convention(c) () -> UnsafeMutablePointer<CChar>?).self)
        threads = symbol("openblas_get_num_threads", as: (@convention(c) () -> Int32).self)
        setThreads = symbol("openblas_set_num_threads", as: (@convention(c) (Int32) -> Void).self)
    }
}
