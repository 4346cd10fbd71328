import CGitStartup
import Foundation
import Testing
@testable import EaseMLGit

@Test func linkedLibgit2ReportsASemanticVersion() {
    let parts = GitLibrary.version.split(separator: ".")
    #expect(parts.count == 3)
    #expect(parts.allSatisfy { Int($0) != nil })
    #expect(Int(parts[0])! >= 1)
}

/// libgit2's initialisation skips the CA bundle parse of its TLS back end (the only one there is
/// when mbedtls is loaded), and a load outside the initialisation still reaches mbedtls.
@Test func theInitialisationSkipsTheCABundleAndLaterLoadsStillParse() throws {
    GitRuntime.start()
    // /proc files report no size: read to the end.
    let handle = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
    let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    try #require(maps.contains("libmbedx509"), "this libgit2 does not use mbedtls")
    #expect(GitRuntime.skippedCertificateLoads >= 1)
    let bundle = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"].first { FileManager.default.fileExists(atPath: $0) }
    let path = try #require(bundle, "no system CA bundle")
    // A zeroed mbedtls_x509_crt is an initialised one (mbedtls_x509_crt_init zeroes it); the
    // parsed chain is left allocated (a test process).
    let chain = UnsafeMutableRawPointer.allocate(byteCount: 1 << 14, alignment: 16)
    chain.initializeMemory(as: UInt8.self, repeating: 0, count: 1 << 14)
    let parsed = mbedtls_x509_crt_parse_file(OpaquePointer(chain), path)
    #expect(parsed >= 0, "mbedtls_x509_crt_parse_file returned \(parsed)")
    easeml_git_defer_ca_bundle(1)
    defer { easeml_git_defer_ca_bundle(0) }
    #expect(mbedtls_x509_crt_parse_file(OpaquePointer(chain), path) == -0x2900)
}
