import Foundation

extension Ledger {
    /// Audits the ledger, reading only (it never repairs anything).
    ///
    /// 1. Recomputes the hash chain from seq 1: a jump in seq is a `.gap` (deleted events), a
    ///    `prev_hash` that is not the previous event's hash is a `.brokenLink` (reordered or deleted
    ///    events), a stored hash that does not match the event's content is an `.editedEvent`.
    ///    At most one problem is reported per event; checking continues from the stored hash so
    ///    later, independent damage is reported too.
    /// 2. Compares the last seq with the highest seq SQLite ever issued (`sqlite_sequence`):
    ///    deleting the newest events shows as `.truncated`.
    /// 3. Compares every covered row (`LedgerRows`) with the digest the newest event vouching for
    ///    it recorded: `.rowEdited`, `.rowWithoutEvent` (forged or inserted by hand), `.rowMissing`.
    /// 4. With the owner's `key`, proves authenticity: every MAC must be the key's
    ///    (`.forgedEvent`), every event that decides what the gate says must carry one or come
    ///    before one that does (`.unauthenticatedEvent`), and the rows of the gate's tables (test sets, questions,
    ///    evaluations, accepted models) must be vouched for by events the key authenticates (a MAC'd
    ///    event authenticates every event before it through the hash chain), else
    ///    `.unauthenticatedRow`. A file rewritten without the key, its chain recomputed, fails
    ///    here. Without the key only the structure is checked, and the report says so.
    ///
    /// With `testSetID`, step 3 only looks at that set's gate rows (what a charge depends on).
    public func verify(key: LedgerKey? = nil, testSetID: String? = nil) throws(LedgerError) -> VerificationReport {
        try database.transaction(.deferred) { () throws(LedgerError) -> VerificationReport in
            var problems: [VerificationReport.Problem] = []
            let events = try events()
            var expectedSeq: Int64 = 1
            var prevHash = EventChain.genesis
            var lastAuthenticated: Int64 = 0
            var keyless: [LedgerEvent] = []
            for event in events {
                if event.seq != expectedSeq {
                    problems.append(.gap(expected: expectedSeq, found: event.seq))
                } else if event.prevHash != prevHash {
                    problems.append(.brokenLink(seq: event.seq))
                } else if event.expectedHash != event.hash {
                    problems.append(.editedEvent(seq: event.seq))
                }
                if let key {
                    if !event.mac.isEmpty {
                        if key.verify(event.mac, of: event.hash) { lastAuthenticated = event.seq } else { problems.append(.forgedEvent(seq: event.seq)) }
                    } else if LedgerEvent.Kind(rawValue: event.kind)?.needsKey ?? true {
                        keyless.append(event)
                    }
                }
                prevHash = event.hash
                expectedSeq = event.seq + 1
            }
            // A keyed event vouches, through the hash chain, for every event before it (events written
            // before the ledger was authenticated included): only later keyless gate events are suspect.
            for event in keyless where event.seq > lastAuthenticated {
                problems.append(.unauthenticatedEvent(seq: event.seq, kind: event.kind))
            }
            let lastSeq = events.last?.seq ?? 0
            if let highest = try LedgerRows.highestIssuedEventSeq(database), highest > lastSeq {
                problems.append(.truncated(lastSeq: lastSeq, highestSeq: highest))
            }
            problems += try rowProblems(events, testSetID: testSetID, authenticatedThrough: key == nil ? nil : lastAuthenticated)
            return VerificationReport(
                eventCount: events.count, headHash: events.last?.hash ?? EventChain.genesis, authenticated: key != nil,
                lastAuthenticatedSeq: key == nil ? nil : lastAuthenticated, problems: problems)
        }
    }

    /// The gate's tables: their rows must be vouched for by authenticated events.
    static let gateTables: Set<String> = ["test_sets", "question_amendments", "evaluations", "accepted_models"]

    private func rowProblems(
        _ events: [LedgerEvent], testSetID: String?, authenticatedThrough: Int64?
    ) throws(LedgerError) -> [VerificationReport.Problem] {
        // The newest digest each row was vouched for with, and by which event.
        var vouched: [String: (digest: String, seq: Int64)] = [:]
        for event in events {
            guard let object = try? JSONSerialization.jsonObject(with: Data(event.payload.utf8)) as? [String: Any],
                let rows = object["rows"] as? [String: String]
            else { continue }
            if let testSetID, object["test_set"] as? String != testSetID { continue }
            for (row, digest) in rows { vouched[row] = (digest, event.seq) }
        }
        var actual: [String: String]
        if let testSetID {
            actual = try LedgerRows.digests(of: testSetID, database)
            // Rows of other sets that this set's events happen to vouch for are not this check's business.
            vouched = vouched.filter { Self.gateTables.contains(Self.table(of: $0.key)) }
        } else {
            actual = try LedgerRows.allDigests(database)
        }
        var problems: [VerificationReport.Problem] = []
        for (row, digest) in actual.sorted(by: { $0.key < $1.key }) {
            let table = Self.table(of: row)
            guard let entry = vouched[row] else {
                problems.append(.rowWithoutEvent(row: row))
                continue
            }
            if entry.digest != digest {
                problems.append(.rowEdited(row: row, seq: entry.seq))
            } else if let authenticatedThrough, Self.gateTables.contains(table), entry.seq > authenticatedThrough {
                problems.append(.unauthenticatedRow(row: row, seq: entry.seq))
            }
        }
        for (row, entry) in vouched.sorted(by: { $0.key < $1.key }) where actual[row] == nil {
            problems.append(.rowMissing(row: row, seq: entry.seq))
        }
        return problems
    }

    /// The table of a row key `table[key]`.
    static func table(of row: String) -> String { String(row.prefix { $0 != "[" }) }
}
