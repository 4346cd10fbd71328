import Testing
@testable import EaseMLGit

@Test func linkedLibgit2ReportsASemanticVersion() {
    let parts = GitLibrary.version.split(separator: ".")
    #expect(parts.count == 3)
    #expect(parts.allSatisfy { Int($0) != nil })
    #expect(Int(parts[0])! >= 1)
}
