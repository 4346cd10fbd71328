import Dispatch
import EaseMLCore
import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

@Suite struct LedgerConcurrencyTests {
    /// 16 threads, each with its own connection, charge distinct models at once on a set with 5
    /// steps left: exactly 5 are charged, 11 refused, and the log stays a valid chain.
    @Test func concurrentChargesNeverOverspend() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("l.sqlite").path
            do {
                let ledger = try ownerLedger(at: path, create: true)
                try ledger.registerTestSet(sampleSet(steps: 8))
                for i in 0..<3 { _ = try ledger.charge(request(model: "warmup\(i)", .fail)) }
                #expect(try ledger.budget(testSetID: "a1b2c3").stepsLeft == 5)
            }
            let results = LockedArray<String>()
            let ready = DispatchSemaphore(value: 0)
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            let threads = 16
            for i in 0..<threads {
                done.enter()
                let thread = Thread {
                    defer { done.leave() }
                    let outcome: String
                    do {
                        let ledger = try ownerLedger(at: path, create: false)
                        ready.signal()
                        start.wait()
                        switch try ledger.charge(request(model: "model-\(i)", i % 2 == 0 ? .pass : .fail)) {
                        case .charged: outcome = "charged"
                        case .refused(.exhausted): outcome = "exhausted"
                        case let other: outcome = "unexpected \(other)"
                        }
                    } catch {
                        ready.signal()
                        outcome = "error \(error)"
                    }
                    results.append(outcome)
                }
                thread.start()
            }
            for _ in 0..<threads { ready.wait() }
            for _ in 0..<threads { start.signal() }
            done.wait()

            let outcomes = results.values
            #expect(outcomes.count == threads)
            #expect(outcomes.filter { $0 == "charged" }.count == 5, "\(outcomes)")
            #expect(outcomes.filter { $0 == "exhausted" }.count == 11, "\(outcomes)")
            let ledger = try ownerLedger(at: path, create: false)
            let budget = try ledger.budget(testSetID: "a1b2c3")
            #expect(budget.stepsUsed == 8)
            #expect(budget.stepsLeft == 0)
            #expect(try ledger.evaluations(testSetID: "a1b2c3").map(\.step) == Array(1...8))
            let report = try ledger.verify()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.eventCount == 1 + 8)
        }
    }
}
