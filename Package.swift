// swift-tools-version: 6.0
import PackageDescription

// The statistics, tabular and engine modules are compiled with optimization in debug builds too:
// the test suite's simulations and reference reproductions run through them, and unoptimized
// numeric Swift is ~10x slower (the whole suite must fit CI's 20 minutes). Behaviour is identical
// (-O keeps overflow and bounds checks); debugging those modules wants `-c release` anyway.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "easeml-ci",
    // Linux only: the Ray client speaks HTTP over POSIX sockets (Glibc), the BLAS and libgit2
    // targets name Debian's packages, and nothing is tested on macOS.
    products: [
        .executable(name: "easeml-ci", targets: ["easeml-ci"]),
        .library(name: "EaseMLCore", targets: ["EaseMLCore"]),
        .library(name: "EaseMLData", targets: ["EaseMLData"]),
        .library(name: "EaseMLCI", targets: ["EaseMLCI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // libpq's header only, without pkg-config: pkg-config's `-lpq` would link libpq and its
        // dependencies (Kerberos, LDAP, GnuTLS, OpenSSL) into every start of easeml-ci, ≈ 5 ms of
        // loading and constructors; `PostgresLibrary` opens it with dlopen when a ledger names a
        // PostgreSQL server. libpq-dev (install.sh) provides the header.
        .systemLibrary(name: "CLibPQ"),
        // prctl(2) for the prediction script's sandbox (a static inline wrapper: prctl is variadic),
        // mallopt(3) for the allocator's settings.
        .systemLibrary(name: "CProcessControl"),
        .target(
            name: "EaseMLCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: optimizedInDebug
        ),
        // libgit2's initialisation without its eager parse of the system's CA bundle (libgit2 is
        // used on local repositories only).
        .target(name: "CGitStartup"),
        .target(name: "EaseMLGit", dependencies: ["CGit2", "CGitStartup"]),
        // Tabular files: the one CSV tokenizer and writer, the one .npy header reader.
        .target(name: "EaseMLData", dependencies: ["EaseMLCore"], swiftSettings: optimizedInDebug),
        .target(
            name: "EaseMLEngines", dependencies: ["EaseMLCore", "EaseMLData", "CBLAS"], swiftSettings: optimizedInDebug
        ),
        .target(
            name: "EaseMLLedger",
            dependencies: ["EaseMLCore", "CSQLite", "CLibPQ", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "EaseMLCI",
            dependencies: [
                "EaseMLCore", "EaseMLData", "EaseMLGit", "EaseMLLedger", "EaseMLEngines", "CProcessControl",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "easeml-ci",
            dependencies: [
                "EaseMLCI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test support shared by every test target (fixtures, temporary folders, the subprocess
        // runner, fake servers); Foundation only, so the fast tier stays light.
        .target(name: "EaseMLTestSupport"),
        // Fast tier: in-process library tests.
        .testTarget(name: "EaseMLCoreTests", dependencies: ["EaseMLCore", "EaseMLTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EaseMLGitTests", dependencies: ["EaseMLGit", "EaseMLTestSupport"]),
        .testTarget(name: "EaseMLLedgerTests", dependencies: ["EaseMLLedger", "EaseMLTestSupport"]),
        .testTarget(name: "EaseMLDataTests", dependencies: ["EaseMLData", "EaseMLTestSupport"]),
        .testTarget(name: "EaseMLEnginesTests", dependencies: ["EaseMLEngines", "EaseMLTestSupport"]),
        .testTarget(
            name: "EaseMLCITests",
            dependencies: ["EaseMLCI", "easeml-ci", "EaseMLTestSupport", .product(name: "Yams", package: "Yams")]
        ),
        // Slow in-process tier: reference reproductions on the full real data sets, big simulations.
        .testTarget(
            name: "EaseMLEnginesSlowTests", dependencies: ["EaseMLEngines", "EaseMLTestSupport"],
            swiftSettings: optimizedInDebug
        ),
        // End-to-end tier: spawns the easeml-ci binary, real git repositories.
        .testTarget(
            name: "EaseMLEndToEndTests",
            dependencies: ["EaseMLCI", "easeml-ci", "EaseMLTestSupport", .product(name: "Yams", package: "Yams")]
        ),
        // Integration tier: needs .venv (Ray, scikit-learn, the embedding script's packages).
        .testTarget(name: "EaseMLIntegrationTests", dependencies: ["EaseMLCI", "easeml-ci", "EaseMLTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
