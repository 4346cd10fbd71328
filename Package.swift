// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "easeml-ci",
    platforms: [.macOS(.v13)],
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
        .target(
            name: "EaseMLCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "EaseMLGit", dependencies: ["CGit2"]),
        // Tabular files: the one CSV tokenizer and writer, the one .npy header reader.
        .target(name: "EaseMLData", dependencies: ["EaseMLCore"]),
        .target(name: "EaseMLEngines", dependencies: ["EaseMLCore", "EaseMLData", "CBLAS"]),
        .target(
            name: "EaseMLLedger",
            dependencies: ["EaseMLCore", "CSQLite", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "EaseMLCI",
            dependencies: [
                "EaseMLCore", "EaseMLData", "EaseMLGit", "EaseMLLedger", "EaseMLEngines",
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
        .testTarget(name: "EaseMLCoreTests", dependencies: ["EaseMLCore"], exclude: ["Fixtures"]),
        .testTarget(name: "EaseMLGitTests", dependencies: ["EaseMLGit"]),
        .testTarget(name: "EaseMLLedgerTests", dependencies: ["EaseMLLedger"]),
        .testTarget(name: "EaseMLDataTests", dependencies: ["EaseMLData"]),
        .testTarget(name: "EaseMLEnginesTests", dependencies: ["EaseMLEngines"]),
        .testTarget(
            name: "EaseMLCITests",
            dependencies: ["EaseMLCI", "easeml-ci", .product(name: "Yams", package: "Yams")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
