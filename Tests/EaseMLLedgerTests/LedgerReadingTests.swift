import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

/// `reading` is one snapshot: a charge another connection commits meanwhile is not seen inside it
/// (so `status` never pairs a page of evaluations with a budget from another moment), and is seen
/// after it.
@Test func readingIsOneSnapshotWhileAnotherProcessCharges() throws {
    try withTemporaryDirectory { dir in
        let path = dir.appendingPathComponent("l.sqlite").path
        let reader = try ownerLedger(at: path, create: true)
        try reader.registerTestSet(sampleSet())
        let writer = try ownerLedger(at: path, create: false)
        let inside = try reader.reading { () throws(LedgerError) -> (Int, Int, Int) in
            let before = try reader.budget(testSetID: "a1b2c3").stepsUsed
            _ = try writer.charge(request(model: "m1", .fail))
            return (before, try reader.budget(testSetID: "a1b2c3").stepsUsed, try reader.evaluationCount(testSetID: "a1b2c3"))
        }
        #expect(inside == (0, 0, 0))
        #expect(try reader.budget(testSetID: "a1b2c3").stepsUsed == 1)
        #expect(try reader.evaluations(testSetID: "a1b2c3", newest: 5).map(\.newModel) == ["m1"])
    }
}
