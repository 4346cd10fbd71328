import Testing
@testable import EaseMLCI

@Test func linkedLibrariesAreReported() {
    let libraries = LinkedLibraries.current
    #expect(libraries.sqlite.hasPrefix("3."))
    #expect(!libraries.libgit2.isEmpty)
}
