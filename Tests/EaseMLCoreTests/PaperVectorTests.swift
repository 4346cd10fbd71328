import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLCore

/// One entry of `sample-size-paper.json`.
struct PaperVector: Decodable, Sendable, CustomStringConvertible {
    var id: String
    var estimator: String
    var condition: String
    var reliability: Double
    var steps: Int
    var adaptivity: String
    var raw: Double
    var ceil: Int
    var variance_bound_p: Double?
    var description: String { id }
}

private struct PaperVectorFile: Decodable { var vectors: [PaperVector] }

private let paperVectorFile = "reference/sample-size-paper.json"

/// The vectors of `Tests/Fixtures/reference/sample-size-paper.json`, read once.
private let paperVectorsRead = Result { try JSONDecoder().decode(PaperVectorFile.self, from: Fixtures.data(paperVectorFile)).vectors }
private var paperVectors: [PaperVector] { get throws { try paperVectorsRead.get() } }

/// FNV-1a (64 bits), enough to pin a file's exact bytes.
private func fnv1a(_ data: Data) -> UInt64 {
    data.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// The vendored file is byte for byte the project's reference (its SHA-256 is in Tests/Fixtures/README.md).
@Test func vendoredPaperVectorsAreTheReferenceFile() throws {
    let data = try Fixtures.data(paperVectorFile)
    #expect(data.count == 22084)
    #expect(fnv1a(data) == 0x49d5_53f9_c202_0abd)
    #expect(try paperVectors.count == 78)
}

@Test(arguments: try paperVectors)
func paperVectorIsReproduced(_ vector: PaperVector) throws {
    let planner = SampleSizePlanner(condition: condition(vector.condition), mode: .fpFree)
    let adaptivity = Adaptivity(rawValue: vector.adaptivity)!
    let plan = try planner.plan(reliability: vector.reliability, adaptivity: adaptivity, steps: vector.steps)
    switch vector.estimator {
    case "hoeffding":
        let hoeffding = plan.plan(for: .hoeffding)!
        #expect(abs(hoeffding.rawSampleSize - vector.raw) <= 1e-4 * max(1, vector.raw) * 1e-3)
        #expect(hoeffding.sampleSize == vector.ceil)
    case "bennett":
        let bennett = plan.plan(for: .bennett)!
        #expect(plan.varianceBound?.value == vector.variance_bound_p)
        #expect(bennett.applies)
        #expect(abs(bennett.rawSampleSize - vector.raw) <= 1e-3)
        #expect(bennett.sampleSize == vector.ceil)
    case "active-labels-per-commit":
        let bennett = plan.plan(for: .bennett)!
        #expect(plan.varianceBound?.value == vector.variance_bound_p)
        #expect(bennett.labels == .disagreementsOnly(expectedAtMost: vector.ceil))
    default:
        Issue.record("unknown estimator \(vector.estimator)")
    }
}
