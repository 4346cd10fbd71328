import EaseMLTestSupport
import Foundation
import Testing
@testable import EaseMLLedger

/// Schema version 2: ModelPicker sessions stored atomically and chained into the event log.
@Suite struct LedgerPickSessionTests {
    static func sample(name: String = "monday") -> NewPickSession {
        NewPickSession(
            name: name, seed: UInt64.max - 7, gamma: 1, epsilon: 0.02, delta: 0.05, labelBudget: 50, classes: ["a", "b"],
            itemIDs: ["x", "y", "z"], inputsPath: nil,
            candidates: [.init(name: "m1", fileHash: "h1", predictions: [0, 1, 0]), .init(name: "m2", fileHash: "h2", predictions: [0, 0, 1])])
    }

    @Test func aSessionRoundTripsAndEveryChangeIsAnEvent() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("ledger.sqlite").path
            do {
                let ledger = try ownerLedger(at: path, create: true)
                let created = try ledger.createPickSession(Self.sample())
                #expect(created.session == Self.sample())
                #expect(created.status == .open && created.streamPosition == 0)
                #expect(throws: LedgerError.self) { try ledger.createPickSession(Self.sample()) }
                try ledger.updatePickSession(name: "monday", PickSessionUpdate(
                    expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 0, streamPosition: 2, draws: 1,
                    queries: [PickQueryRecord(round: 2, item: 1, probability: 0.75)]))
                try ledger.updatePickSession(name: "monday", PickSessionUpdate(
                    expectedStreamPosition: 2, expectedDraws: 1, expectedLabelCount: 0, labels: [(1, "b"), (2, "a")]))
            }
            // A new connection (a new process) sees everything.
            let ledger = try ownerLedger(at: path, create: false)
            #expect(try ledger.pickQueries(session: "monday") == [PickQueryRecord(round: 2, item: 1, probability: 0.75)])
            #expect(try ledger.pickLabels(session: "monday") == [.init(item: 1, label: "b", seq: 1), .init(item: 2, label: "a", seq: 2)])
            let record = try #require(try ledger.pickSession(name: "monday"))
            #expect(record.streamPosition == 2 && record.draws == 1)
            #expect(try ledger.events().map(\.kind) == ["pick-start", "pick-advance", "pick-label"])
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func aRefusedUpdateWritesNothing() throws {
        try withTemporaryDirectory { directory in
            let ledger = try ownerLedger(at: directory.appendingPathComponent("ledger.sqlite").path, create: true)
            try ledger.createPickSession(Self.sample())
            try ledger.updatePickSession(name: "monday", PickSessionUpdate(expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 0, labels: [(0, "a")]))
            // Item 0 again, after a fresh one: the whole update is rolled back.
            #expect(throws: LedgerError.self) {
                try ledger.updatePickSession(name: "monday", PickSessionUpdate(
                    expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 1, labels: [(1, "a"), (0, "b")]))
            }
            // A stale expectation (computed before another process's change) is refused.
            #expect(throws: LedgerError.self) {
                try ledger.updatePickSession(name: "monday", PickSessionUpdate(expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 0, labels: [(1, "a")]))
            }
            #expect(try ledger.pickLabels(session: "monday").count == 1)
            #expect(try ledger.events().count == 2)
            #expect(try ledger.verify().isClean)
        }
    }

    @Test func choosingStopsTheSessionAndIsTheServingModel() throws {
        try withTemporaryDirectory { directory in
            let ledger = try ownerLedger(at: directory.appendingPathComponent("ledger.sqlite").path, create: true)
            #expect(try ledger.lastPickChoice() == nil)
            try ledger.createPickSession(Self.sample())
            let stopped = try ledger.updatePickSession(name: "monday", PickSessionUpdate(
                expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 0, labels: [(0, "a")], choice: ("m2", "h2", "certified")))
            #expect(stopped.status == .stopped && stopped.chosenModel == "m2" && stopped.stopReason == "certified")
            let choice = try #require(try ledger.lastPickChoice())
            #expect(choice.model == "m2" && choice.fileHash == "h2" && choice.session == "monday")
            #expect(throws: LedgerError.self) {
                try ledger.updatePickSession(name: "monday", PickSessionUpdate(expectedStreamPosition: 0, expectedDraws: 0, expectedLabelCount: 1, labels: [(1, "a")]))
            }
            #expect(try ledger.pickSessionNames() == ["monday"] && ledger.pickSessionNames(openOnly: true).isEmpty)
            #expect(try ledger.verify().isClean)
        }
    }
}
