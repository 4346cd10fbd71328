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

private let paperVectors: [PaperVector] = {
    let data = try! Data(contentsOf: fixtureURL("sample-size-paper.json"))
    return try! JSONDecoder().decode(PaperVectorFile.self, from: data).vectors
}()

@Test func vendoredPaperVectorsMatchSharedReference() throws {
    let shared = sharedFolder.appendingPathComponent("reference/sample-size-paper.json")
    try #require(FileManager.default.fileExists(atPath: shared.path), "shared/ is expected beside the repository")
    #expect(try Data(contentsOf: shared) == Data(contentsOf: fixtureURL("sample-size-paper.json")))
    #expect(paperVectors.count == 78)
}

@Test(arguments: paperVectors)
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
