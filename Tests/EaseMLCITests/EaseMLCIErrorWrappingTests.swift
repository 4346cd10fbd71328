import EaseMLCI
import EaseMLCore
import EaseMLEngines
import EaseMLGit
import EaseMLLedger
import Foundation
import Testing

@Suite struct EaseMLCIErrorWrappingTests {
    /// A call site's mapping for errors of no wrapped library; it must not be reached for those.
    private static func unexpected(_ error: any Error) -> EaseMLCIError { .cleaning(message: "otherwise: \(error)") }

    @Test func workflowErrorsPassThroughUnchanged() {
        let wrapped = EaseMLCIError.wrapping(EaseMLCIError.invalidOption(option: "--name", message: "taken"), otherwise: Self.unexpected)
        guard case .invalidOption(let option, let message) = wrapped else {
            Issue.record("expected .invalidOption, got \(wrapped)")
            return
        }
        #expect(option == "--name")
        #expect(message == "taken")
    }

    @Test func libraryErrorsBecomeTheCaseThatWrapsThem() throws {
        let ledger = EaseMLCIError.wrapping(LedgerError.notFound(path: "/nowhere.sqlite"), otherwise: Self.unexpected)
        guard case .ledger(.notFound(path: "/nowhere.sqlite")) = ledger else {
            Issue.record("expected .ledger(.notFound), got \(ledger)")
            return
        }
        #expect(ledger.exitStatus == .testSetUnavailable)

        let automl = EaseMLCIError.wrapping(AutoMLError.noArms, otherwise: Self.unexpected)
        guard case .automl(.noArms) = automl else {
            Issue.record("expected .automl(.noArms), got \(automl)")
            return
        }
        #expect(automl.description == "error: automl: a tenant needs at least one arm")

        let matrix = EaseMLCIError.wrapping(MatrixFileError.empty(file: "m.csv"), otherwise: Self.unexpected)
        guard case .matrixFile(.empty(file: "m.csv")) = matrix else {
            Issue.record("expected .matrixFile(.empty), got \(matrix)")
            return
        }

        let planning = EaseMLCIError.wrapping(PlanningError.invalidInput("steps must be ≥ 1"), otherwise: Self.unexpected)
        guard case .planning(.invalidInput("steps must be ≥ 1")) = planning else {
            Issue.record("expected .planning(.invalidInput), got \(planning)")
            return
        }

        let feasibility = EaseMLCIError.wrapping(FeasibilityError.tooFewExamples(file: "d.csv", examples: 1), otherwise: Self.unexpected)
        guard case .feasibility(.tooFewExamples(file: "d.csv", examples: 1)) = feasibility else {
            Issue.record("expected .feasibility(.tooFewExamples), got \(feasibility)")
            return
        }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-repository-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let gitError = try #require(throws: GitError.self) { try GitRepository.open(containing: folder.path) }
        let git = EaseMLCIError.wrapping(gitError, otherwise: Self.unexpected)
        guard case .git(let message) = git else {
            Issue.record("expected .git, got \(git)")
            return
        }
        #expect(message == gitError.description)
    }

    @Test func otherErrorsGoToTheCallSitesMapping() {
        let error = CocoaError(.fileNoSuchFile)
        let wrapped = EaseMLCIError.wrapping(error) { .unreadableFile(path: "in.csv", reason: "\($0)") }
        guard case .unreadableFile(path: "in.csv", let reason) = wrapped else {
            Issue.record("expected .unreadableFile, got \(wrapped)")
            return
        }
        #expect(reason == "\(error)")
    }
}
